// An in-memory Excel workbook behind `Excel.run`'s context, for running xlwings-server's own
// Office.js client under Node. It models what the client reads (getBookData) and what our
// refresh's actions write: cells (values, formulas, number formats), fills, fonts, wrap,
// column widths (points) and row heights (points, with Excel's 409 limit), borders, merges,
// notes, worksheets (add, position, visibility, clear), names, tables, the selection.
//
// Excel's own behaviour is kept where a wrong write would otherwise go unnoticed:
// - Range.values must match the range's size; null leaves a cell unchanged; a string is read the
//   way Excel reads typed input: "=…" is a formula, "-x"/"+x" too (→ #NAME?), "123", "95%",
//   "2025-1-2", "1-3", "TRUE" become numbers/dates/booleans, a leading apostrophe keeps text;
// - sheet names: unique, ≤ 31 characters, none of : \ / ? * [ ]; the last visible sheet can't hide;
// - a row is at most 409 points high; a column at most 255 characters (1,342.5 points);
// - merges that partly overlap another merge fail; clearing formats unmerges;
// - every API member used is recorded with its requirement set (from @types/office-js), and a
//   member above the simulated Excel's ExcelApi version fails with ApiNotFound, as in Excel.
import { compareVersions, loadRequirementSets } from "./requirement_sets.mjs";

const MAX_ROWS = 1048576;
const MAX_COLS = 16384;
const MAX_ROW_HEIGHT = 409;
const MAX_COLUMN_POINTS = 1342.5;
const BASE_MEMBERS = new Set(["load", "toJSON", "track", "untrack", "isNullObject", "items", "context", "set",
  "getCount", "then"]);

export class OfficeError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
    this.name = "RichApi.Error";
  }
}

// ------------------------------------------------------------------ addresses

export function colName(c) {
  let s = "";
  for (let n = c; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function colNumber(letters) {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** "A1", "$A$1:B2", "A:C", "3:5" (no sheet) → {r1, c1, r2, c2} 1-based. */
export function parseAddress(address) {
  const text = String(address).replace(/\$/g, "").trim().toUpperCase();
  const part = (p) => {
    let m = /^([A-Z]+)(\d+)$/.exec(p);
    if (m) return { r: Number(m[2]), c: colNumber(m[1]) };
    m = /^([A-Z]+)$/.exec(p);
    if (m) return { r: null, c: colNumber(m[1]) };
    m = /^(\d+)$/.exec(p);
    if (m) return { r: Number(m[1]), c: null };
    throw new OfficeError("InvalidArgument", `The argument is invalid or missing or has an incorrect format: ${address}`);
  };
  const [a, b = a] = text.split(":");
  const p = part(a);
  const q = part(b);
  const r1 = p.r ?? 1;
  const r2 = q.r ?? MAX_ROWS;
  const c1 = p.c ?? 1;
  const c2 = q.c ?? MAX_COLS;
  return { r1: Math.min(r1, r2), c1: Math.min(c1, c2), r2: Math.max(r1, r2), c2: Math.max(c1, c2) };
}

export function formatAddress({ r1, c1, r2, c2 }) {
  const first = `${colName(c1)}${r1}`;
  if (r1 === r2 && c1 === c2) return first;
  return `${first}:${colName(c2)}${r2}`;
}

function splitQualified(ref) {
  const text = String(ref).replace(/^=/, "");
  const bang = text.lastIndexOf("!");
  if (bang < 0) return { sheet: null, address: text };
  return { sheet: text.slice(0, bang).replace(/^'|'$/g, "").replace(/''/g, "'"), address: text.slice(bang + 1) };
}

function quoteSheet(name) {
  return /^[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff.]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

// ------------------------------------------------------------------ typed input

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

function serial(y, m, d, hh = 0, mm = 0, ss = 0) {
  return (Date.UTC(y, m - 1, d, hh, mm, ss) - EXCEL_EPOCH) / 86400000;
}

/** What Excel stores when `text` is typed into a General cell: {value, numberFormat?, formula?}. */
export function typedInput(text, year = 2025) {
  if (text.startsWith("'")) return { value: text.slice(1), prefixed: true };
  if (text.startsWith("=")) return { formula: text };
  const t = text.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return { value: Number(t) };
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) return { value: Number(t.replace(/,/g, "")), numberFormat: "#,##0" };
  let m = /^([+-]?\d+(\.\d+)?)%$/.exec(t);
  if (m) return { value: Number(m[1]) / 100, numberFormat: "0%" };
  if (/^(TRUE|FALSE)$/i.test(t)) return { value: t.toUpperCase() === "TRUE" };
  m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= 31) {
    return { value: serial(+m[1], +m[2], +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0)),
      numberFormat: m[4] ? "yyyy/m/d h:mm" : "yyyy/m/d" };
  }
  m = /^(\d{1,2})[-/](\d{1,2})$/.exec(t);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 12 && Number(m[2]) >= 1 && Number(m[2]) <= 31) {
    return { value: serial(year, +m[1], +m[2]), numberFormat: "m月d日" };
  }
  m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (m && Number(m[1]) < 24) return { value: (+m[1] * 3600 + +m[2] * 60 + +(m[3] || 0)) / 86400, numberFormat: "h:mm" };
  if (/^[+-]/.test(t) && t.length > 1) return { formula: "=" + t, value: "#NAME?" };
  return { value: text };
}

function formulaValue(formula) {
  const m = /^=HYPERLINK\("((?:[^"]|"")*)"\s*,\s*"((?:[^"]|"")*)"\)$/i.exec(formula);
  if (m) return { value: m[2].replace(/""/g, '"'), hyperlink: m[1].replace(/""/g, '"') };
  return { value: 0, uncomputed: true };
}

// ------------------------------------------------------------------ the model

function defaultFont() {
  return { name: "宋体", size: 11, color: "#000000", bold: false, italic: false };
}

class CellData {
  constructor() {
    this.value = "";
    this.formula = null;
    this.numberFormat = "General";
    this.fill = null;
    this.font = defaultFont();
    this.wrap = false;
    this.hAlign = "General";
    this.vAlign = "Bottom";
    this.prefixed = false;
    this.hyperlink = null;
    this.uncomputed = false;
  }
  hasValue() {
    return this.value !== "" || this.formula !== null;
  }
  hasFormat() {
    return this.fill !== null || this.numberFormat !== "General" || this.wrap ||
      JSON.stringify(this.font) !== JSON.stringify(defaultFont());
  }
}

export class SheetData {
  constructor(workbook, name) {
    this.workbook = workbook;
    this.name = name;
    this.visibility = "Visible";
    this.showGridlines = true;
    this.cells = new Map();
    this.columnWidths = new Map();
    this.rowHeights = new Map();
    this.autofitRows = [];
    this.autofitColumns = [];
    this.borders = new Map(); // "address|side" → {address, side, style, weight, color}
    this.merges = [];
    this.notes = new Map(); // "r,c" → {content, author}
    this.names = [];
    this.tables = [];
    this.printArea = null;
    this.freeze = null;
  }
  key(r, c) {
    return r * (MAX_COLS + 1) + c;
  }
  cell(r, c, create = false) {
    const k = this.key(r, c);
    let cell = this.cells.get(k);
    if (!cell && create) {
      cell = new CellData();
      this.cells.set(k, cell);
    }
    return cell;
  }
  *cellsIn(rect) {
    for (const [k, cell] of this.cells) {
      const r = Math.floor(k / (MAX_COLS + 1));
      const c = k % (MAX_COLS + 1);
      if (r >= rect.r1 && r <= rect.r2 && c >= rect.c1 && c <= rect.c2) yield [r, c, cell];
    }
  }
  usedRect(valuesOnly) {
    let r1 = Infinity, c1 = Infinity, r2 = 0, c2 = 0;
    const take = (r, c) => {
      r1 = Math.min(r1, r); c1 = Math.min(c1, c); r2 = Math.max(r2, r); c2 = Math.max(c2, c);
    };
    for (const [k, cell] of this.cells) {
      if (cell.hasValue() || (!valuesOnly && cell.hasFormat())) take(Math.floor(k / (MAX_COLS + 1)), k % (MAX_COLS + 1));
    }
    return r2 === 0 ? null : { r1, c1, r2, c2 };
  }
  get position() {
    return this.workbook.sheets.indexOf(this);
  }
}

export class WorkbookData {
  constructor({ name = "Book1.xlsx", sheets = [], names = [], selection = null, active = 0, year = 2025 } = {}) {
    this.name = name;
    this.sheets = [];
    this.names = [];
    this.year = year;
    this.calculationMode = "Automatic";
    this.activeIndex = active;
    for (const s of sheets) this.loadSheet(s);
    for (const n of names) this.names.push({ ...n });
    this.selection = selection || { sheet: this.sheets[active]?.name, address: "A1" };
  }
  loadSheet(spec) {
    const sheet = new SheetData(this, spec.name);
    sheet.visibility = spec.visibility || "Visible";
    for (const [address, c] of Object.entries(spec.cells || {})) {
      const { r1, c1 } = parseAddress(address);
      const cell = sheet.cell(r1, c1, true);
      if (c.f != null) cell.formula = c.f;
      if (c.v != null) cell.value = c.v;
      if (c.nf) cell.numberFormat = c.nf;
      if (c.fill) cell.fill = c.fill;
      if (c.font) Object.assign(cell.font, c.font);
      if (c.wrap) cell.wrap = true;
    }
    for (const [col, w] of Object.entries(spec.columnWidths || {})) sheet.columnWidths.set(colNumber(col), w);
    for (const [row, h] of Object.entries(spec.rowHeights || {})) sheet.rowHeights.set(Number(row), h);
    for (const [address, content] of Object.entries(spec.notes || {})) {
      const { r1, c1 } = parseAddress(address);
      sheet.notes.set(`${r1},${c1}`, { content, author: "" });
    }
    for (const m of spec.merges || []) sheet.merges.push(parseAddress(m));
    for (const t of spec.tables || []) sheet.tables.push({ showHeaders: true, showTotals: false, style: "TableStyleMedium2", ...t });
    for (const n of spec.names || []) sheet.names.push({ ...n });
    sheet.printArea = spec.printArea || null;
    this.sheets.push(sheet);
    return sheet;
  }
  sheet(name) {
    return this.sheets.find((s) => s.name.toLowerCase() === String(name).toLowerCase());
  }
  resolve(ref, scopeSheet = null) {
    const { sheet, address } = splitQualified(ref);
    const target = sheet ? this.sheet(sheet) : scopeSheet;
    return target ? { sheet: target, rect: parseAddress(address) } : null;
  }
}

// ------------------------------------------------------------------ the API facade

/** Wraps API objects: records each member used (with its requirement set) and refuses members
 * above the host's ExcelApi version with ApiNotFound. Names starting with "_" are the model's own. */
export class Host {
  constructor({ excelApi = "1.20", otherSets = {} } = {}) {
    this.excelApi = excelApi;
    this.otherSets = { SharedRuntime: "1.1", DialogApi: "1.2", RibbonApi: "1.1", ...otherSets };
    this.sets = loadRequirementSets();
    this.used = new Map(); // member → set label
    this.refused = [];
  }
  isSetSupported(name, version = "1.1") {
    if (/^excelapi$/i.test(name)) return compareVersions(version, this.excelApi) <= 0;
    const have = this.otherSets[name];
    return have != null && compareVersions(version, have) <= 0;
  }
  check(type, prop) {
    if (typeof prop !== "string" || prop.startsWith("_") || BASE_MEMBERS.has(prop) || prop === "constructor") return;
    const key = `${type}.${prop}`;
    const set = this.sets.get(key);
    this.used.set(key, set ? `${set.set}${set.version ? " " + set.version : ""}` : "unknown");
    if (set && set.set === "ExcelApi" && compareVersions(set.version, this.excelApi) > 0) {
      this.refused.push(key);
      throw new OfficeError("ApiNotFound",
        `The API you are trying to use could not be found (${key} needs ExcelApi ${set.version}, this Excel has ${this.excelApi}).`);
    }
  }
  wrap(type, target) {
    const host = this;
    return new Proxy(target, {
      get(obj, prop, receiver) {
        host.check(type, prop);
        return Reflect.get(obj, prop, receiver);
      },
      set(obj, prop, value, receiver) {
        host.check(type, prop);
        return Reflect.set(obj, prop, value, receiver);
      },
    });
  }
}

class ApiObject {
  constructor(api) {
    this._api = api;
    this.isNullObject = false;
  }
  load() {
    return this._self;
  }
  get _self() {
    return this;
  }
}

function nullObject(api, type) {
  return api.host.wrap(type, { isNullObject: true, load() { return this; } });
}

function makeCollection(api, type, items) {
  return api.host.wrap(type, { isNullObject: false, items, load() { return this; }, getCount() { return { value: items.length }; } });
}

export class ExcelApi {
  constructor(workbook, host) {
    this.workbook = workbook;
    this.host = host;
  }
  context() {
    const api = this;
    const ctx = {
      workbook: api.workbookObject(),
      application: api.applicationObject(),
      async sync() {},
      trackedObjects: { add() {}, remove() {} },
    };
    return ctx;
  }
  workbookObject() {
    const api = this;
    const wb = api.workbook;
    return api.host.wrap("Workbook", {
      isNullObject: false,
      load() { return this; },
      get name() { return wb.name; },
      get worksheets() { return api.worksheetsObject(); },
      get names() { return api.namesObject(wb.names, null); },
      get application() { return api.applicationObject(); },
      getSelectedRange() {
        const s = wb.sheet(wb.selection.sheet) || wb.sheets[wb.activeIndex];
        return api.range(s, parseAddress(wb.selection.address));
      },
      save() {},
    });
  }
  applicationObject() {
    const wb = this.workbook;
    return this.host.wrap("Application", {
      isNullObject: false,
      load() { return this; },
      get calculationMode() { return wb.calculationMode; },
      set calculationMode(v) { wb.calculationMode = v; },
      calculate() {},
      suspendScreenUpdatingUntilNextSync() {},
      get cultureInfo() {
        return { name: "zh-CN", datetimeFormat: { shortDatePattern: "yyyy/M/d", load() { return this; } }, load() { return this; } };
      },
    });
  }
  worksheetsObject() {
    const api = this;
    const wb = api.workbook;
    return api.host.wrap("WorksheetCollection", {
      isNullObject: false,
      load() { return this; },
      get items() { return wb.sheets.map((s) => api.worksheet(s)); },
      getItem(name) {
        const s = wb.sheet(name);
        if (!s) throw new OfficeError("ItemNotFound", `The requested resource doesn't exist: ${name}`);
        return api.worksheet(s);
      },
      getItemOrNullObject(name) {
        const s = wb.sheet(name);
        return s ? api.worksheet(s) : nullObject(api, "Worksheet");
      },
      getActiveWorksheet() { return api.worksheet(wb.sheets[wb.activeIndex]); },
      add(name) {
        let n = name;
        if (n == null) {
          let k = wb.sheets.length + 1;
          while (wb.sheet(`Sheet${k}`)) k += 1;
          n = `Sheet${k}`;
        }
        n = String(n);
        if (!n || n.length > 31 || /[:\\/?*[\]]/.test(n) || n.startsWith("'") || n.endsWith("'")) {
          throw new OfficeError("InvalidArgument", `The sheet name "${n}" is not valid.`);
        }
        if (wb.sheet(n)) throw new OfficeError("ItemAlreadyExists", `A sheet named "${n}" already exists.`);
        const s = new SheetData(wb, n);
        wb.sheets.push(s);
        return api.worksheet(s);
      },
      getCount() { return { value: wb.sheets.length }; },
    });
  }
  worksheet(s) {
    const api = this;
    const wb = api.workbook;
    return api.host.wrap("Worksheet", {
      isNullObject: false,
      _data: s,
      load() { return this; },
      get name() { return s.name; },
      set name(v) { s.name = String(v); },
      get position() { return s.position; },
      set position(p) {
        const target = Math.max(0, Math.min(Number(p), wb.sheets.length - 1));
        wb.sheets.splice(wb.sheets.indexOf(s), 1);
        wb.sheets.splice(target, 0, s);
      },
      get visibility() { return s.visibility; },
      set visibility(v) {
        if (v !== "Visible" && wb.sheets.filter((x) => x !== s && x.visibility === "Visible").length === 0) {
          throw new OfficeError("InvalidOperation", "A workbook must contain at least one visible worksheet.");
        }
        s.visibility = v;
      },
      get showGridlines() { return s.showGridlines; },
      set showGridlines(v) { s.showGridlines = Boolean(v); },
      get id() { return `{sheet-${s.name}}`; },
      get names() { return api.namesObject(s.names, s); },
      get tables() { return api.tablesObject(s); },
      get charts() { return makeCollection(api, "ChartCollection", []); },
      get pivotTables() { return makeCollection(api, "PivotTableCollection", []); },
      get shapes() { return makeCollection(api, "ShapeCollection", []); },
      get comments() { return makeCollection(api, "CommentCollection", []); },
      get notes() { return api.notesObject(s); },
      get protection() { return api.host.wrap("WorksheetProtection", { protected: false, load() { return this; } }); },
      get freezePanes() {
        return api.host.wrap("WorksheetFreezePanes", {
          freezeAt(range) { s.freeze = range.address.split("!").pop(); },
          freezeRows(n) { s.freeze = `rows:${n}`; },
          unfreeze() { s.freeze = null; },
          load() { return this; },
        });
      },
      get pageLayout() {
        return api.host.wrap("PageLayout", {
          load() { return this; },
          getPrintAreaOrNullObject() {
            if (!s.printArea) return nullObject(api, "RangeAreas");
            const areas = s.printArea.split(",").map((a) => api.range(s, parseAddress(a)));
            return api.host.wrap("RangeAreas", { isNullObject: false, load() { return this; }, areas: makeCollection(api, "RangeCollection", areas) });
          },
          setPrintArea(address) { s.printArea = address ? String(address) : null; },
        });
      },
      getRange(address) {
        return api.range(s, address == null || address === "" ? { r1: 1, c1: 1, r2: MAX_ROWS, c2: MAX_COLS } : parseAddress(address));
      },
      getRangeByIndexes(row, col, rows, cols) {
        if (rows < 1 || cols < 1) throw new OfficeError("InvalidArgument", "The range must have at least one row and column.");
        return api.range(s, { r1: row + 1, c1: col + 1, r2: row + rows, c2: col + cols });
      },
      getRanges(address) {
        const rects = address ? String(address).split(",").map(parseAddress) : [{ r1: 1, c1: 1, r2: MAX_ROWS, c2: MAX_COLS }];
        const ranges = rects.map((r) => api.range(s, r));
        return api.host.wrap("RangeAreas", {
          isNullObject: false,
          load() { return this; },
          areas: makeCollection(api, "RangeCollection", ranges),
          clear(applyTo) { for (const r of ranges) r.clear(applyTo); },
        });
      },
      getUsedRange(valuesOnly) {
        const rect = s.usedRect(Boolean(valuesOnly)) || { r1: 1, c1: 1, r2: 1, c2: 1 };
        return api.range(s, rect);
      },
      getUsedRangeOrNullObject(valuesOnly) {
        const rect = s.usedRect(Boolean(valuesOnly));
        return rect ? api.range(s, rect) : nullObject(api, "Range");
      },
      activate() { wb.activeIndex = s.position; },
      delete() {
        wb.sheets.splice(wb.sheets.indexOf(s), 1);
        wb.activeIndex = Math.min(wb.activeIndex, wb.sheets.length - 1);
      },
      copy() { throw new OfficeError("NotImplemented", "Worksheet.copy is not modelled"); },
    });
  }
  namesObject(list, scopeSheet) {
    const api = this;
    const items = () => list.map((n) => api.namedItem(n, scopeSheet));
    return api.host.wrap("NamedItemCollection", {
      isNullObject: false,
      load() { return this; },
      get items() { return items(); },
      getItem(name) {
        const n = list.find((x) => x.name.toLowerCase() === String(name).toLowerCase());
        if (!n) throw new OfficeError("ItemNotFound", `The name ${name} doesn't exist.`);
        return api.namedItem(n, scopeSheet);
      },
      getItemOrNullObject(name) {
        const n = list.find((x) => x.name.toLowerCase() === String(name).toLowerCase());
        return n ? api.namedItem(n, scopeSheet) : nullObject(api, "NamedItem");
      },
      add(name, reference) {
        const formula = typeof reference === "string" ? reference : `=${quoteSheet(reference._sheet)}!${reference._absolute}`;
        const n = { name: String(name), formula: formula.startsWith("=") ? formula : "=" + formula };
        list.push(n);
        return api.namedItem(n, scopeSheet);
      },
    });
  }
  namedItem(n, scopeSheet) {
    const api = this;
    const wb = api.workbook;
    const target = () => {
      try {
        return wb.resolve(n.formula, scopeSheet);
      } catch (e) {
        return null;
      }
    };
    return api.host.wrap("NamedItem", {
      isNullObject: false,
      load() { return this; },
      get name() { return n.name; },
      get formula() { return n.formula; },
      set formula(v) { n.formula = String(v); },
      get type() { return target() ? "Range" : "String"; },
      get value() { return n.formula; },
      get visible() { return true; },
      getRangeOrNullObject() {
        const t = target();
        return t ? api.range(t.sheet, t.rect) : nullObject(api, "Range");
      },
      getRange() {
        const t = target();
        if (!t) throw new OfficeError("InvalidOperation", "The name doesn't refer to a range.");
        return api.range(t.sheet, t.rect);
      },
      delete() { const i = (scopeSheet ? scopeSheet.names : wb.names).indexOf(n); if (i >= 0) (scopeSheet ? scopeSheet.names : wb.names).splice(i, 1); },
    });
  }
  tablesObject(s) {
    const api = this;
    return api.host.wrap("TableCollection", {
      isNullObject: false,
      load() { return this; },
      get items() { return s.tables.map((t) => api.table(s, t)); },
    });
  }
  table(s, t) {
    const api = this;
    const rect = parseAddress(t.address);
    const header = t.showHeaders ? 1 : 0;
    const total = t.showTotals ? 1 : 0;
    return api.host.wrap("Table", {
      isNullObject: false,
      load() { return this; },
      get name() { return t.name; },
      get showHeaders() { return t.showHeaders; },
      get showTotals() { return t.showTotals; },
      get style() { return t.style; },
      get showFilterButton() { return true; },
      get highlightFirstColumn() { return false; },
      get highlightLastColumn() { return false; },
      get showBandedRows() { return true; },
      get showBandedColumns() { return false; },
      get dataBodyRange() { return api.range(s, { ...rect, r1: rect.r1 + header, r2: rect.r2 - total }); },
      getRange() { return api.range(s, rect); },
      getDataBodyRange() { return api.range(s, { ...rect, r1: rect.r1 + header, r2: rect.r2 - total }); },
      getHeaderRowRange() { return api.range(s, { ...rect, r2: rect.r1 }); },
      getTotalRowRange() { return api.range(s, { ...rect, r1: rect.r2 }); },
      get columns() {
        const names = t.columns || Array.from({ length: rect.c2 - rect.c1 + 1 }, (_, k) => `列${k + 1}`);
        return makeCollection(api, "TableColumnCollection", names.map((name) => ({ name, load() { return this; } })));
      },
    });
  }
  notesObject(s) {
    const api = this;
    const wb = api.workbook;
    const note = (key) => {
      const [r, c] = key.split(",").map(Number);
      return api.host.wrap("Note", {
        isNullObject: false,
        load() { return this; },
        get content() { return s.notes.get(key).content; },
        set content(v) { s.notes.get(key).content = String(v); },
        get authorName() { return s.notes.get(key).author; },
        getLocation() { return api.range(s, { r1: r, c1: c, r2: r, c2: c }); },
        delete() { s.notes.delete(key); },
      });
    };
    const keyOf = (address) => {
      const { r1, c1 } = parseAddress(splitQualified(address).address);
      return `${r1},${c1}`;
    };
    return api.host.wrap("NoteCollection", {
      isNullObject: false,
      load() { return this; },
      get items() { return [...s.notes.keys()].map(note); },
      add(cellAddress, content) {
        const address = typeof cellAddress === "string" ? cellAddress : cellAddress.address;
        const rect = parseAddress(splitQualified(address).address);
        if (rect.r1 !== rect.r2 || rect.c1 !== rect.c2) throw new OfficeError("InvalidArgument", "A note needs a single cell.");
        const key = `${rect.r1},${rect.c1}`;
        if (s.notes.has(key)) throw new OfficeError("InvalidOperation", "The cell already has a note.");
        s.notes.set(key, { content: String(content), author: "xlwings" });
        void wb;
        return note(key);
      },
      getItem(address) {
        const key = keyOf(address);
        if (!s.notes.has(key)) throw new OfficeError("ItemNotFound", `No note on ${address}.`);
        return note(key);
      },
      getItemOrNullObject(address) {
        const key = keyOf(address);
        return s.notes.has(key) ? note(key) : nullObject(api, "Note");
      },
      getItemAt(i) { return note([...s.notes.keys()][i]); },
    });
  }
  range(s, rect) {
    return this.host.wrap("Range", new RangeObject(this, s, rect));
  }
}

function matrix(rect, fn) {
  const out = [];
  for (let r = rect.r1; r <= rect.r2; r += 1) {
    const row = [];
    for (let c = rect.c1; c <= rect.c2; c += 1) row.push(fn(r, c));
    out.push(row);
  }
  return out;
}

function common(values) {
  return values.every((v) => JSON.stringify(v) === JSON.stringify(values[0])) ? values[0] : null;
}

class RangeObject {
  constructor(api, sheet, rect) {
    this._api = api;
    this._s = sheet;
    this._rect = rect;
    this.isNullObject = false;
  }
  load() {
    return this;
  }
  get _sheet() {
    return this._s.name;
  }
  get _absolute() {
    const { r1, c1, r2, c2 } = this._rect;
    const a = `$${colName(c1)}$${r1}`;
    return r1 === r2 && c1 === c2 ? a : `${a}:$${colName(c2)}$${r2}`;
  }
  _cellCount() {
    return (this._rect.r2 - this._rect.r1 + 1) * (this._rect.c2 - this._rect.c1 + 1);
  }
  _guardSize(what) {
    if (this._cellCount() > 5_000_000) throw new OfficeError("ResponsePayloadSizeLimitExceeded", `${what} of a range this large`);
  }
  get address() {
    return `${quoteSheet(this._s.name)}!${formatAddress(this._rect)}`;
  }
  get addressLocal() {
    return this.address;
  }
  get rowIndex() { return this._rect.r1 - 1; }
  get columnIndex() { return this._rect.c1 - 1; }
  get rowCount() { return this._rect.r2 - this._rect.r1 + 1; }
  get columnCount() { return this._rect.c2 - this._rect.c1 + 1; }
  get cellCount() { return this._cellCount(); }
  get worksheet() { return this._api.worksheet(this._s); }
  get values() {
    this._guardSize("values");
    return matrix(this._rect, (r, c) => this._s.cell(r, c)?.value ?? "");
  }
  set values(input) {
    const rows = this.rowCount;
    const cols = this.columnCount;
    const grid = Array.isArray(input) ? input : matrix(this._rect, () => input);
    if (grid.length !== rows || grid.some((row) => !Array.isArray(row) || row.length !== cols)) {
      throw new OfficeError("InvalidArgument",
        `The number of rows or columns in the input array doesn't match the size or dimensions of the range (${rows}×${cols}).`);
    }
    grid.forEach((row, i) => row.forEach((v, j) => this._write(this._rect.r1 + i, this._rect.c1 + j, v)));
  }
  _write(r, c, v) {
    if (v === null || v === undefined) return;
    const cell = this._s.cell(r, c, true);
    cell.formula = null;
    cell.prefixed = false;
    cell.hyperlink = null;
    cell.uncomputed = false;
    if (typeof v === "string") {
      if (v === "") {
        cell.value = "";
        return;
      }
      if (cell.numberFormat === "@") {
        cell.value = v;
        return;
      }
      const typed = typedInput(v, this._api.workbook.year);
      if (typed.formula) {
        cell.formula = typed.formula;
        const computed = typed.value !== undefined ? { value: typed.value } : formulaValue(typed.formula);
        cell.value = computed.value;
        cell.hyperlink = computed.hyperlink || null;
        cell.uncomputed = Boolean(computed.uncomputed);
      } else {
        cell.value = typed.value;
        cell.prefixed = Boolean(typed.prefixed);
        if (typed.numberFormat && cell.numberFormat === "General") cell.numberFormat = typed.numberFormat;
      }
      return;
    }
    if (typeof v === "number" || typeof v === "boolean") {
      cell.value = v;
      return;
    }
    throw new OfficeError("InvalidArgument", `Unsupported cell value ${JSON.stringify(v)}`);
  }
  get formulas() {
    return matrix(this._rect, (r, c) => {
      const cell = this._s.cell(r, c);
      return cell?.formula ?? cell?.value ?? "";
    });
  }
  set formulas(input) {
    this.values = input;
  }
  get text() {
    return matrix(this._rect, (r, c) => String(this._s.cell(r, c)?.value ?? ""));
  }
  get numberFormat() {
    this._guardSize("numberFormat");
    return matrix(this._rect, (r, c) => this._s.cell(r, c)?.numberFormat ?? "General");
  }
  set numberFormat(input) {
    const grid = Array.isArray(input) ? input : [[input]];
    const single = grid.length === 1 && grid[0].length === 1;
    if (!single && (grid.length !== this.rowCount || grid.some((row) => row.length !== this.columnCount))) {
      throw new OfficeError("InvalidArgument", "The number format array doesn't match the range.");
    }
    for (let r = this._rect.r1; r <= this._rect.r2; r += 1) {
      for (let c = this._rect.c1; c <= this._rect.c2; c += 1) {
        const f = single ? grid[0][0] : grid[r - this._rect.r1][c - this._rect.c1];
        if (f != null) this._s.cell(r, c, true).numberFormat = String(f);
      }
    }
  }
  get format() {
    return this._api.host.wrap("RangeFormat", new RangeFormatObject(this));
  }
  get hyperlink() {
    return null;
  }
  set hyperlink(link) {
    this._s.cell(this._rect.r1, this._rect.c1, true).hyperlink = link?.address || link?.documentReference || null;
  }
  _eachCell(fn, create = true) {
    if (this._cellCount() > 100000 && !create) {
      for (const [r, c, cell] of this._s.cellsIn(this._rect)) fn(cell, r, c);
      return;
    }
    if (this._cellCount() > 100000) {
      throw new OfficeError("InvalidOperation", "The model refuses per-cell formats on more than 100,000 cells");
    }
    for (let r = this._rect.r1; r <= this._rect.r2; r += 1) {
      for (let c = this._rect.c1; c <= this._rect.c2; c += 1) fn(this._s.cell(r, c, true), r, c);
    }
  }
  clear(applyTo = "All") {
    const what = String(applyTo);
    const contents = what === "All" || what === "Contents";
    const formats = what === "All" || what === "Formats";
    for (const [r, c, cell] of [...this._s.cellsIn(this._rect)]) {
      if (contents) {
        cell.value = "";
        cell.formula = null;
        cell.hyperlink = null;
      }
      if (formats) {
        const keep = { value: cell.value, formula: cell.formula, hyperlink: cell.hyperlink };
        Object.assign(cell, new CellData(), keep);
      }
      if (!cell.hasValue() && !cell.hasFormat() && !cell.hyperlink) this._s.cells.delete(this._s.key(r, c));
    }
    if (formats) {
      const inside = (m) => m.r1 >= this._rect.r1 && m.r2 <= this._rect.r2 && m.c1 >= this._rect.c1 && m.c2 <= this._rect.c2;
      this._s.merges = this._s.merges.filter((m) => !inside(m));
      for (const [key, b] of [...this._s.borders]) {
        if (inside(parseAddress(b.address))) this._s.borders.delete(key);
      }
    }
    if (what === "All") {
      for (const key of [...this._s.notes.keys()]) {
        const [r, c] = key.split(",").map(Number);
        if (r >= this._rect.r1 && r <= this._rect.r2 && c >= this._rect.c1 && c <= this._rect.c2) this._s.notes.delete(key);
      }
    }
  }
  merge(across = false) {
    const rects = across
      ? Array.from({ length: this.rowCount }, (_, k) => ({ ...this._rect, r1: this._rect.r1 + k, r2: this._rect.r1 + k }))
      : [{ ...this._rect }];
    for (const rect of rects) {
      if (rect.r1 === rect.r2 && rect.c1 === rect.c2) continue;
      const overlaps = (m) => !(m.r2 < rect.r1 || m.r1 > rect.r2 || m.c2 < rect.c1 || m.c1 > rect.c2);
      const inside = (m) => m.r1 >= rect.r1 && m.r2 <= rect.r2 && m.c1 >= rect.c1 && m.c2 <= rect.c2;
      if (this._s.merges.some((m) => overlaps(m) && !inside(m))) {
        throw new OfficeError("InvalidOperation", `Cannot merge ${formatAddress(rect)}: it partly overlaps a merged area.`);
      }
      this._s.merges = this._s.merges.filter((m) => !inside(m));
      for (const [r, c, cell] of this._s.cellsIn(rect)) {
        if (r !== rect.r1 || c !== rect.c1) {
          cell.value = "";
          cell.formula = null;
        }
      }
      this._s.merges.push(rect);
    }
  }
  unmerge() {
    const overlaps = (m) => !(m.r2 < this._rect.r1 || m.r1 > this._rect.r2 || m.c2 < this._rect.c1 || m.c1 > this._rect.c2);
    this._s.merges = this._s.merges.filter((m) => !overlaps(m));
  }
  select() {
    this._api.workbook.selection = { sheet: this._s.name, address: formatAddress(this._rect) };
    this._api.workbook.activeIndex = this._s.position;
  }
  getSurroundingRegion() {
    // the contiguous block of non-empty cells around the top-left cell
    let rect = { r1: this._rect.r1, c1: this._rect.c1, r2: this._rect.r1, c2: this._rect.c1 };
    const filled = (r, c) => r >= 1 && c >= 1 && this._s.cell(r, c)?.hasValue();
    for (let grown = true; grown;) {
      grown = false;
      const tryGrow = (next) => {
        const rows = [];
        for (let r = next.r1; r <= next.r2; r += 1) for (let c = next.c1; c <= next.c2; c += 1) rows.push([r, c]);
        if (rows.some(([r, c]) => (r < rect.r1 || r > rect.r2 || c < rect.c1 || c > rect.c2) && filled(r, c))) {
          rect = next;
          grown = true;
        }
      };
      tryGrow({ ...rect, r2: rect.r2 + 1 });
      tryGrow({ ...rect, c2: rect.c2 + 1 });
      if (rect.r1 > 1) tryGrow({ ...rect, r1: rect.r1 - 1 });
      if (rect.c1 > 1) tryGrow({ ...rect, c1: rect.c1 - 1 });
    }
    return this._api.range(this._s, rect);
  }
  getCell(row, col) {
    return this._api.range(this._s, { r1: this._rect.r1 + row, c1: this._rect.c1 + col, r2: this._rect.r1 + row, c2: this._rect.c1 + col });
  }
  getResizedRange(dr, dc) {
    return this._api.range(this._s, { ...this._rect, r2: this._rect.r2 + dr, c2: this._rect.c2 + dc });
  }
  getMergedAreasOrNullObject() {
    return nullObject(this._api, "RangeAreas");
  }
}

class RangeFormatObject {
  constructor(range) {
    this._range = range;
  }
  load() {
    return this;
  }
  get fill() {
    const range = this._range;
    return range._api.host.wrap("RangeFill", {
      load() { return this; },
      get color() { return common([...range._s.cellsIn(range._rect)].map(([, , c]) => c.fill)) ?? null; },
      set color(v) { range._eachCell((cell) => { cell.fill = String(v).toUpperCase(); }); },
      clear() { range._eachCell((cell) => { cell.fill = null; }, false); },
    });
  }
  get font() {
    const range = this._range;
    const setter = (key, conv) => (v) => range._eachCell((cell) => { cell.font[key] = conv(v); });
    const font = {
      load() { return this; },
      get color() { return range._s.cell(range._rect.r1, range._rect.c1)?.font.color ?? "#000000"; },
      get bold() { return range._s.cell(range._rect.r1, range._rect.c1)?.font.bold ?? false; },
      get name() { return range._s.cell(range._rect.r1, range._rect.c1)?.font.name ?? "宋体"; },
      get size() { return range._s.cell(range._rect.r1, range._rect.c1)?.font.size ?? 11; },
      get italic() { return range._s.cell(range._rect.r1, range._rect.c1)?.font.italic ?? false; },
    };
    for (const [key, conv] of [["color", (v) => String(v).toUpperCase()], ["bold", Boolean], ["name", String],
      ["size", Number], ["italic", Boolean], ["underline", String], ["strikethrough", Boolean]]) {
      Object.defineProperty(font, key, { set: setter(key, conv), get: Object.getOwnPropertyDescriptor(font, key)?.get, enumerable: true });
    }
    return range._api.host.wrap("RangeFont", font);
  }
  get columnWidth() {
    const widths = [];
    for (let c = this._range._rect.c1; c <= Math.min(this._range._rect.c2, this._range._rect.c1 + 100); c += 1) {
      widths.push(this._range._s.columnWidths.get(c) ?? 48);
    }
    return common(widths);
  }
  set columnWidth(points) {
    if (typeof points !== "number" || !Number.isFinite(points) || points < 0 || points > MAX_COLUMN_POINTS) {
      throw new OfficeError("InvalidArgument", `Column width ${points} is outside 0–${MAX_COLUMN_POINTS} points.`);
    }
    for (let c = this._range._rect.c1; c <= this._range._rect.c2; c += 1) this._range._s.columnWidths.set(c, points);
  }
  get rowHeight() {
    return this._range._s.rowHeights.get(this._range._rect.r1) ?? 15;
  }
  set rowHeight(points) {
    if (typeof points !== "number" || !Number.isFinite(points) || points < 0 || points > MAX_ROW_HEIGHT) {
      throw new OfficeError("InvalidArgument", `Row height ${points} is outside 0–${MAX_ROW_HEIGHT} points.`);
    }
    for (let r = this._range._rect.r1; r <= this._range._rect.r2; r += 1) this._range._s.rowHeights.set(r, points);
  }
  get wrapText() {
    return this._range._s.cell(this._range._rect.r1, this._range._rect.c1)?.wrap ?? false;
  }
  set wrapText(v) {
    this._range._eachCell((cell) => { cell.wrap = Boolean(v); });
  }
  set horizontalAlignment(v) {
    this._range._eachCell((cell) => { cell.hAlign = String(v); });
  }
  get horizontalAlignment() {
    return this._range._s.cell(this._range._rect.r1, this._range._rect.c1)?.hAlign ?? "General";
  }
  set verticalAlignment(v) {
    this._range._eachCell((cell) => { cell.vAlign = String(v); });
  }
  get verticalAlignment() {
    return this._range._s.cell(this._range._rect.r1, this._range._rect.c1)?.vAlign ?? "Bottom";
  }
  autofitRows() {
    const { r1, r2 } = this._range._rect;
    this._range._s.autofitRows.push(r2 - r1 + 1 >= MAX_ROWS ? "all" : formatAddress(this._range._rect));
    for (const r of [...this._range._s.rowHeights.keys()]) if (r >= r1 && r <= r2) this._range._s.rowHeights.delete(r);
  }
  autofitColumns() {
    this._range._s.autofitColumns.push(formatAddress(this._range._rect));
  }
  get borders() {
    const range = this._range;
    const address = formatAddress(range._rect);
    const item = (side) => {
      const key = `${address}|${side}`;
      const get = () => range._s.borders.get(key) || { address, side, style: "None", weight: "Thin", color: "#000000" };
      const put = (patch) => range._s.borders.set(key, { ...get(), ...patch });
      return range._api.host.wrap("RangeBorder", {
        load() { return this; },
        get sideIndex() { return side; },
        get style() { return get().style; },
        set style(v) { put({ style: String(v) }); },
        get weight() { return get().weight; },
        set weight(v) { put({ weight: String(v) }); },
        get color() { return get().color; },
        set color(v) { put({ color: String(v).toUpperCase() }); },
      });
    };
    return range._api.host.wrap("RangeBorderCollection", {
      load() { return this; },
      getItem(side) {
        const sides = ["EdgeTop", "EdgeBottom", "EdgeLeft", "EdgeRight", "InsideVertical", "InsideHorizontal", "DiagonalDown", "DiagonalUp"];
        if (!sides.includes(side)) throw new OfficeError("InvalidArgument", `Unknown border ${side}`);
        return item(side);
      },
      get items() { return []; },
    });
  }
  adjustIndent() {}
}

// ------------------------------------------------------------------ dump

export function dumpWorkbook(wb) {
  return {
    name: wb.name,
    activeIndex: wb.activeIndex,
    selection: wb.selection,
    names: wb.names,
    sheets: wb.sheets.map((s) => {
      const cells = {};
      for (const [k, cell] of s.cells) {
        const r = Math.floor(k / (MAX_COLS + 1));
        const c = k % (MAX_COLS + 1);
        const out = {};
        if (cell.value !== "") out.v = cell.value;
        if (cell.formula) out.f = cell.formula;
        if (cell.uncomputed) out.uncomputed = true;
        if (cell.prefixed) out.prefixed = true;
        if (cell.numberFormat !== "General") out.nf = cell.numberFormat;
        if (cell.fill) out.fill = cell.fill;
        const font = {};
        for (const [key, value] of Object.entries(cell.font)) if (defaultFont()[key] !== value) font[key] = value;
        if (Object.keys(font).length) out.font = font;
        if (cell.wrap) out.wrap = true;
        if (cell.hyperlink) out.link = cell.hyperlink;
        if (Object.keys(out).length) cells[`${colName(c)}${r}`] = out;
      }
      return {
        name: s.name,
        visibility: s.visibility,
        cells,
        columnWidths: Object.fromEntries([...s.columnWidths].map(([c, w]) => [colName(c), w])),
        rowHeights: Object.fromEntries(s.rowHeights),
        autofitRows: s.autofitRows,
        autofitColumns: s.autofitColumns,
        borders: [...s.borders.values()],
        merges: s.merges.map(formatAddress),
        notes: Object.fromEntries([...s.notes].map(([key, n]) => {
          const [r, c] = key.split(",").map(Number);
          return [`${colName(c)}${r}`, n.content];
        })),
        names: s.names,
        tables: s.tables,
        printArea: s.printArea,
        freeze: s.freeze,
      };
    }),
  };
}
