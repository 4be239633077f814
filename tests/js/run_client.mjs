// Runs xlwings-server's own task-pane JavaScript (the code the Excel add-in runs) under Node:
// jsdom for the page (fetched from the running server, its XMLHttpRequest talks to that server),
// the in-memory workbook of excel_model.mjs behind `Excel.run`, a plain `Office` namespace.
// (office-addin-mock was tried for `Office` and the workbook: its load/sync simulation also applies
// to members Office.js exposes without load, e.g. Office.context.diagnostics, and it has no notion
// of ranges, so a hand-made model stands behind the context instead.)
//
//   node run_client.mjs SCENARIO.json OUT.json
//
// SCENARIO: {
//   "jsDir":    the served static/js tree (xlwings-server's, with the project's files over it),
//   "pageUrl":  the task pane URL on the running server (its HTML is fetched, scripts not run),
//   "excelApi": the simulated Excel's ExcelApi version ("1.18", "1.17", …),
//   "workbook": {name, sheets: [...], names: [...], selection: {sheet, address}, active},
//   "steps":    [{"click": "refresh"} | {"getBookData": true} | {"dispatch": {"actions": [...]}}]
// }
// OUT: {workbook (after the steps), payloads (request bodies the client posted), dispatched (the
//       actions the client applied, each with the sheet name it addressed), results (per
//       step: error shown in the task pane, report shown, payload built), apis (member → set),
//       refused (members above the simulated ExcelApi), console (what the client logged)}.
import fs from "fs";
import path from "path";
import { pathToFileURL } from "url";
import { JSDOM } from "jsdom";
import { ExcelApi, Host, WorkbookData, dumpWorkbook } from "./excel_model.mjs";

const [scenarioPath, outPath] = process.argv.slice(2);
const scenario = JSON.parse(fs.readFileSync(scenarioPath, "utf8"));
const logs = [];
for (const level of ["log", "info", "warn", "error", "debug"]) {
  console[level] = (...args) => logs.push(`${level}: ${args.map((a) => (a instanceof Error ? a.stack : typeof a === "string" ? a : JSON.stringify(a))).join(" ")}`);
}

// ---------------------------------------------------------------- the page
const dom = await JSDOM.fromURL(scenario.pageUrl, { pretendToBeVisual: true });
const win = dom.window;
const globals = {
  window: win, document: win.document, navigator: win.navigator, localStorage: win.localStorage,
  sessionStorage: win.sessionStorage, XMLHttpRequest: win.XMLHttpRequest, HTMLElement: win.HTMLElement,
  Node: win.Node, Event: win.Event, CustomEvent: win.CustomEvent, location: win.location,
};
for (const [key, value] of Object.entries(globals)) {
  Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
}

// every request body the client posts (the payloads are the client's own, built by getBookData)
const payloads = [];
const originalSend = win.XMLHttpRequest.prototype.send;
const originalOpen = win.XMLHttpRequest.prototype.open;
win.XMLHttpRequest.prototype.open = function (method, url, ...rest) {
  this._xltUrl = url;
  return originalOpen.call(this, method, url, ...rest);
};
win.XMLHttpRequest.prototype.send = function (body) {
  if (body != null) payloads.push({ url: String(this._xltUrl), body: JSON.parse(body) });
  return originalSend.call(this, body);
};

// ---------------------------------------------------------------- Office and Excel
const host = new Host({ excelApi: scenario.excelApi || "1.18" });
const workbook = new WorkbookData(scenario.workbook);
const api = new ExcelApi(workbook, host);
const dialogs = [];
globalThis.Office = {
  context: {
    requirements: { isSetSupported: (name, version) => host.isSetSupported(name, version) },
    diagnostics: { platform: "PC", version: "16.0.18429.20040" },
    displayLanguage: "zh-CN",
    ui: {
      displayDialogAsync: (url, options, callback) => {
        dialogs.push({ url, options });
        callback?.({ status: "succeeded", value: { addEventHandler() {}, close() {} } });
      },
    },
  },
  AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
  EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
  onReady: async (callback) => {
    const info = { host: "Excel", platform: "PC" };
    if (callback) await callback(info);
    return info;
  },
  actions: { associate() {} },
};
globalThis.Excel = {
  run: async (callback) => callback(api.context()),
  RequestContext: function RequestContext() { return api.context(); },
  ShapeType: { image: "Image" },
  ClearApplyTo: { all: "All", formats: "Formats", contents: "Contents", hyperlinks: "Hyperlinks" },
  CalculationType: { full: "Full" },
  SaveBehavior: { save: "Save" },
  DeleteShiftDirection: { up: "Up", left: "Left" },
  InsertShiftDirection: { down: "Down", right: "Right" },
  GroupOption: { byRows: "ByRows", byColumns: "ByColumns" },
};

// ---------------------------------------------------------------- the client
const jsDir = path.resolve(scenario.jsDir);
await import(pathToFileURL(path.join(jsDir, "main.js")).href); // the project's main.js imports custom-scripts/index.js
const xlwings = globalThis.xlwings;
await xlwings.init();

// every action the client dispatches, with the name of the sheet it addressed at that moment
const dispatched = [];
for (const [name, callback] of Object.entries(globalThis.callbacks)) {
  if (typeof callback !== "function") continue;
  globalThis.callbacks[name] = async function (context, ...rest) {
    const action = rest[0];
    if (action && typeof action === "object" && action.func === name) {
      const sheet = action.sheet_position != null ? workbook.sheets[action.sheet_position]?.name ?? null : null;
      dispatched.push({ ...action, sheet });
    } else {
      dispatched.push({ func: name, args: rest });
    }
    return callback.call(this, context, ...rest);
  };
  Object.defineProperty(globalThis.callbacks[name], "name", { value: name });
}

function paneState() {
  const error = document.querySelector("#global-error-alert");
  const report = document.querySelector("#xlt-report");
  return {
    error: error && !error.classList.contains("d-none") ? error.querySelector("span").textContent : null,
    report: report && !report.classList.contains("d-none") ? {
      text: report.textContent,
      summary: report.querySelector(".xlt-summary")?.textContent ?? null,
      notice: report.querySelector(".xlt-notice")?.textContent ?? null,
      findings: [...report.querySelectorAll(".xlt-finding")].map((li) => ({
        level: li.querySelector(".xlt-level")?.textContent,
        where: li.querySelector(".xlt-where")?.textContent ?? null,
        message: li.querySelector(".xlt-message")?.textContent,
        draft: li.querySelector(".xlt-draft")?.textContent ?? null,
      })),
      drafts: report.querySelector(".xlt-drafts")?.textContent ?? null,
      more: report.querySelector(".xlt-more")?.textContent ?? null,
    } : null,
  };
}

async function click(name) {
  const button = document.querySelector(`[xw-click="${name}"]`);
  if (!button) throw new Error(`no button xw-click="${name}" in the task pane`);
  const error = document.querySelector("#global-error-alert");
  button.click();
  const deadline = Date.now() + (scenario.timeoutMs || 120000);
  await new Promise((resolve) => setTimeout(resolve, 20));
  while (button.hasAttribute("disabled")) {
    if (Date.now() > deadline) throw new Error(`the ${name} button stayed busy`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  void error;
  return paneState();
}

const results = [];
for (const step of scenario.steps || [{ click: "refresh" }]) {
  try {
    if (step.click) {
      results.push({ step: "click", name: step.click, ...(await click(step.click)) });
    } else if (step.getBookData) {
      results.push({ step: "getBookData", payload: await xlwings.getBookData(step.getBookData === true ? {} : step.getBookData) });
    } else if (step.dispatch) {
      await xlwings.runActions(step.dispatch);
      results.push({ step: "dispatch", ok: true });
    } else if (step.selectFinding != null) {
      const links = document.querySelectorAll("#xlt-report .xlt-where");
      links[step.selectFinding].dispatchEvent(new win.MouseEvent("click", { bubbles: true, cancelable: true }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      results.push({ step: "selectFinding", selection: { ...workbook.selection } });
    }
  } catch (error) {
    results.push({ step: Object.keys(step)[0], thrown: String(error?.message || error), code: error?.code ?? null });
  }
}

fs.writeFileSync(outPath, JSON.stringify({
  workbook: dumpWorkbook(workbook),
  payloads,
  dispatched,
  results,
  dialogs,
  apis: Object.fromEntries([...host.used].sort()),
  refused: host.refused,
  console: logs,
}));
win.close();
process.exit(0);
