// xl-tools upload page: one workbook → refreshed workbook (same name) + findings; the 公开表; a
// reviewer's batch → 审核汇总. Files go up as multipart, come back base64 in JSON and are saved by the
// browser; the server keeps nothing. Text goes in with textContent only (messages quote the user's cells).
"use strict";

const TYPES = {
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
  ".pdf": "application/pdf",
  ".zip": "application/zip",
};
const MSG_OFFLINE = "无法连接到服务器：请确认 xl-tools 网页版仍在运行（运行它的命令行窗口没有关闭）、网络已连接，然后重试。";
const MSG_GATEWAY = "服务器没有及时回应（HTTP {status}）：请稍后重试；如一直如此，请管理员检查反向代理的超时和上传大小设置（见 docs/服务器部署.md）。";
const MSG_TOO_LARGE = "上传的文件过大（HTTP 413），超过了服务器或反向代理允许的大小：请删去不需要的工作表、空白行列后重试，或请管理员调高上限。";
const MSG_HTTP = "服务器返回了错误（HTTP {status}），请稍后重试；如一直如此，请联系管理员。";

const state = { file: null, lastKind: "xlsx", pdf: false };

function $(id) {
  return document.getElementById(id);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function say(id, text, isError) {
  const node = $(id);
  node.textContent = text || "";
  node.classList.toggle("error", Boolean(isError));
}

function suffixOf(name) {
  const dot = name.lastIndexOf(".");
  return dot >= 0 ? name.slice(dot).toLowerCase() : "";
}

function download(name, base64) {
  const raw = atob(base64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  const blob = new Blob([bytes], { type: TYPES[suffixOf(name)] || "application/octet-stream" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// One Chinese line for every way a request can fail: the server's own JSON, a proxy's HTML page, no
// answer at all.
async function post(path, files, fields) {
  const form = new FormData();
  for (const file of files) form.append("file", file, file.name);
  for (const [key, value] of Object.entries(fields || {})) {
    if (value instanceof File) form.append(key, value, value.name);
    else form.append(key, value);
  }
  let response;
  try {
    response = await fetch(path, { method: "POST", body: form, credentials: "same-origin" });
  } catch (error) {
    return { ok: false, detail: MSG_OFFLINE };
  }
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (response.ok && data) return { ok: true, data };
  if (data && typeof data.detail === "string") return { ok: false, detail: data.detail, code: data.code };
  if (response.status === 413) return { ok: false, detail: MSG_TOO_LARGE };
  if ([502, 503, 504].includes(response.status)) {
    return { ok: false, detail: MSG_GATEWAY.replace("{status}", response.status) };
  }
  return { ok: false, detail: MSG_HTTP.replace("{status}", response.status) };
}

function busy(on, ...ids) {
  for (const id of ids) {
    const node = $(id);
    if (node.tagName === "LABEL") node.classList.toggle("busy", on);
    else node.disabled = on;
  }
}

function renderFindings(data) {
  const body = $("findings").querySelector("tbody");
  body.replaceChildren();
  for (const f of data.findings) {
    const row = el("tr", `finding finding-${f.severity}`);
    row.appendChild(el("td", `level level-${f.severity}`, f.level));
    row.appendChild(el("td", "where", f.sheet && f.cell ? `${f.sheet}!${f.cell}` : f.sheet || ""));
    row.appendChild(el("td", "problem", `${f.code}：${f.message}`));
    row.appendChild(el("td", "suggestion", f.suggestion || ""));
    body.appendChild(row);
  }
  $("findings").hidden = data.findings.length === 0;
  $("more").hidden = !(data.more > 0);
  $("more").textContent = data.more > 0 ? `另有 ${data.more} 条，见工作簿中的「校验结果」工作表。` : "";
}

async function refresh(file, draft = false) {
  if (!file) return;
  state.file = file;
  $("result").hidden = true;
  $("publish-draft").hidden = true;
  say("status", `正在刷新「${file.name}」${draft ? "并补充待确认指标" : ""}……`);
  busy(true, "drop", "file", "refresh-draft");
  try {
    const answer = await post("api/refresh", [file], draft ? { draft: "1" } : {});
    if (!answer.ok) {
      state.file = null;
      say("status", answer.detail, true);
      return;
    }
    download(answer.data.name, answer.data.file);
    say("status", `已刷新，已下载「${answer.data.name}」。`);
    $("summary").textContent = answer.data.summary;
    renderFindings(answer.data);
    $("publish-pdf").hidden = !state.pdf;
    // lines drafted for what is missing, not appended yet: offer to append them (待确认, not counted)
    $("refresh-draft").hidden = !(answer.data.drafts > 0 && !answer.data.pending);
    $("result").hidden = false;
  } finally {
    busy(false, "drop", "file", "refresh-draft");
    $("file").value = "";
  }
}

async function publish(kind, draft) {
  if (!state.file) return;
  state.lastKind = kind;
  const what = kind === "pdf" ? "公开表（PDF）" : "公开表（xlsx）";
  say("status", `正在生成${draft ? "草稿" : ""}${what}……`);
  busy(true, "publish-xlsx", "publish-pdf", "publish-draft");
  try {
    const fields = { pdf: kind === "pdf" ? "1" : "0", draft: draft ? "1" : "0" };
    const answer = await post("api/publish", [state.file], fields);
    if (!answer.ok) {
      say("status", answer.detail, true);
      $("publish-draft").hidden = answer.code !== "publish_refused";
      return;
    }
    download(answer.data.name, answer.data.file);
    say("status", `已下载「${answer.data.name}」${answer.data.draft ? "（草稿：填报表还有错误）" : ""}。`);
    $("publish-draft").hidden = true;
  } finally {
    busy(false, "publish-xlsx", "publish-pdf", "publish-draft");
  }
}

async function reviewBatch(files) {
  if (!files.length) return;
  say("batch-status", `正在审核 ${files.length} 个文件……`);
  busy(true, "batch-drop", "batch");
  $("batch-files").hidden = true;
  $("batch-lines").hidden = true;
  try {
    const answer = await post("api/review", files, scopeFields());
    if (!answer.ok) {
      say("batch-status", answer.detail, true);
      return;
    }
    const data = answer.data;
    download(data.name, data.file);
    for (const extra of data.extra || []) download(extra.name, extra.file);
    const s = data.summary;
    const names = [data.name, ...(data.extra || []).map((x) => x.name)].map((n) => `「${n}」`).join("、");
    say("batch-status", `已下载${names}：共 ${s.files} 个文件，通过 ${s.passed}，有警告 ${s.with_warnings}，` +
      `有错误 ${s.with_errors}，无法读取 ${s.unreadable + s.internal_errors}。`);
    const lines = $("batch-lines");
    lines.replaceChildren();
    for (const line of data.lines || []) lines.appendChild(el("li", line.error ? "error" : null, line.text));
    lines.hidden = !(data.lines || []).length;
    const body = $("batch-files").querySelector("tbody");
    body.replaceChildren();
    for (const f of data.files) {
      const row = el("tr", "batch-file");
      row.appendChild(el("td", null, f.file));
      row.appendChild(el("td", null, f.unit));
      row.appendChild(el("td", null, f.status));
      row.appendChild(el("td", null, String(f.errors)));
      row.appendChild(el("td", null, String(f.warnings)));
      row.appendChild(el("td", null, f.error || f.worst_rule || ""));
      body.appendChild(row);
    }
    $("batch-files").hidden = false;
  } finally {
    busy(false, "batch-drop", "batch");
    $("batch").value = "";
  }
}

// The reviewer's scope and what to write besides 审核汇总 (xl-tools batch --department --year --units
// --previous --alias --keep --publish --pdf --allow-incomplete --sendback).
function scopeFields() {
  const fields = {};
  const department = $("batch-department").value.trim();
  const year = $("batch-year").value.trim();
  if (department) fields.department = department;
  if (year) fields.year = year;
  if ($("batch-units").files.length) fields.units = $("batch-units").files[0];
  if ($("batch-previous").files.length) fields.previous = $("batch-previous").files[0];
  if ($("batch-aliases").value.trim()) fields.aliases = $("batch-aliases").value;
  if ($("batch-keep").value.trim()) fields.keep = $("batch-keep").value;
  if ($("batch-publish").checked) fields.publish = "1";
  if ($("batch-allow-incomplete").checked) fields.allow_incomplete = "1";
  if ($("batch-sendback").checked) fields.sendback = "1";
  return fields;
}

function dropZone(zoneId, onFiles) {
  const zone = $(zoneId);
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    onFiles(Array.from(event.dataTransfer.files));
  });
}

async function loadInfo() {
  try {
    const response = await fetch("api/info", { credentials: "same-origin" });
    const info = await response.json();
    state.pdf = Boolean(info.pdf);
    $("limits").textContent = ` 单个上传不超过 ${info.max_mb} MB，处理时间不超过 ${info.max_seconds} 秒。`;
  } catch (error) {
    say("status", MSG_OFFLINE, true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("file").addEventListener("change", () => refresh($("file").files[0]));
  $("batch").addEventListener("change", () => reviewBatch(Array.from($("batch").files)));
  dropZone("drop", (files) => {
    if (files.length > 1) {
      say("status", "一次只能刷新一个工作簿；多个单位的文件请拖到下方的「审核汇总」。", true);
      return;
    }
    refresh(files[0]);
  });
  dropZone("batch-drop", reviewBatch);
  $("publish-xlsx").addEventListener("click", () => publish("xlsx", false));
  $("publish-pdf").addEventListener("click", () => publish("pdf", false));
  $("publish-draft").addEventListener("click", () => publish(state.lastKind, true));
  $("refresh-draft").addEventListener("click", () => refresh(state.file, true));
  loadInfo();
});
