// xl-tools task pane (overrides xlwings-server's empty static/js/main.js; loaded by the task pane,
// which is also the ribbon's shared runtime, so the ribbon buttons report here too).
//
// After 刷新 and 生成公开表 the server queues one `runMacro` action, xltoolsReport(json), in that
// request's own answer; it lands here: the summary, a notice (no cell notes in this Excel; a 草稿), and
// the first findings, each with the indicator line drafted for what it says is missing. Clicking a
// finding selects its cell. Another script reports the same way: a
// report is {summary, notice?, findings?, more?, results_sheet?}. Text goes in with textContent only: messages quote the user's cells.
import { registerCallback } from "./custom-scripts/index.js";
import { clientErrorText } from "./messages.js";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

async function selectCell(sheetName, address) {
  await Excel.run(async (context) => {
    const sheet = context.workbook.worksheets.getItem(sheetName);
    sheet.activate();
    sheet.getRange(address).select();
    await context.sync();
  });
}

// A drafted indicator line (findings.Draft) as the person reads it: 可补充：14-成本指标「人均报酬标准」≤14390.61元/人·年
export function draftLine(d) {
  return `可补充：${d.level2}「${d.name}」${d.value}` + (d.basis ? `（${d.basis}）` : "");
}

export function renderReport(report, root = document.getElementById("xlt-report")) {
  if (!root) return;
  root.replaceChildren();
  root.classList.remove("d-none");
  root.appendChild(el("p", "xlt-summary small fw-bold mb-1", report.summary));
  if (report.notice) {
    root.appendChild(el("p", "xlt-notice alert alert-warning small p-2 mb-2", report.notice));
  }
  if (report.drafts > 0 && !report.pending) {
    root.appendChild(el("p", "xlt-drafts small mb-2",
      `${report.drafts} 条问题附有按本项目起草的指标（浅蓝色）：点“补充待确认指标”可追加到「绩效指标」末尾，序号为“待确认”，确认前不计入。`));
  }
  const list = el("ul", "xlt-findings list-unstyled small mb-1");
  for (const f of report.findings || []) {
    const item = el("li", `xlt-finding xlt-${f.severity} mb-1`);
    item.appendChild(el("span", `xlt-level xlt-level-${f.severity}`, f.level));
    item.appendChild(document.createTextNode(" "));
    if (f.sheet && f.cell) {
      const link = el("a", "xlt-where", `${f.sheet}!${f.cell}`);
      link.href = "#";
      link.addEventListener("click", (event) => {
        event.preventDefault();
        selectCell(f.sheet, f.cell).catch((error) => console.error(error));
      });
      item.appendChild(link);
      item.appendChild(document.createTextNode(" "));
    }
    item.appendChild(el("span", "xlt-message", `${f.code}：${f.message}`));
    if (f.draft) item.appendChild(el("div", "xlt-draft", draftLine(f.draft)));
    list.appendChild(item);
  }
  root.appendChild(list);

  if (report.more > 0) {
    root.appendChild(
      el("p", "xlt-more small text-muted mb-0", `另有 ${report.more} 条，见「${report.results_sheet}」工作表。`),
    );
  }
}

async function xltoolsReport(context, reportJson) {
  renderReport(JSON.parse(String(reportJson)));
}

registerCallback(xltoolsReport);

// A request that never reached xl-tools (no network, a proxy's 502/504 page, a time-out): xlwings'
// client writes what it got into the error bar; put one Chinese line there instead.
export function watchErrors(root = globalThis.document?.getElementById("global-error-alert")) {
  const span = root && root.querySelector && root.querySelector("span");
  if (!span || typeof MutationObserver === "undefined") return null;
  const observer = new MutationObserver(() => {
    const shown = clientErrorText(span.textContent);
    if (shown !== span.textContent) span.textContent = shown;
  });
  observer.observe(span, { childList: true, characterData: true, subtree: true });
  return observer;
}

watchErrors();
