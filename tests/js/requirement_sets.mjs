// The Office.js requirement set of every Excel API member, read from @types/office-js (Microsoft's
// own type definitions: each member's JSDoc says "[Api set: ExcelApi 1.x]").
//
//   node requirement_sets.mjs Range.values Worksheet.getRanges ...   → JSON {member: "ExcelApi 1.9", ...}
//
// Used by the workbook model (excel_model.mjs) to refuse members the simulated Excel lacks, and by
// tests/test_js_client.py to state the minimum Excel version each path needs.
import fs from "fs";
import path from "path";
import { createRequire } from "module";
import { fileURLToPath } from "url";

const require = createRequire(import.meta.url);

function definitionsPath() {
  const pkg = require.resolve("@types/office-js/package.json");
  return path.join(path.dirname(pkg), "index.d.ts");
}

export function compareVersions(a, b) {
  const pa = String(a).split(".").map(Number);
  const pb = String(b).split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return d;
  }
  return 0;
}

let cache = null;

/** Map "Class.member" → {set, version} for the classes of `declare namespace Excel`. Overloads keep
 * their lowest set. Members documented only in a preview/online set get {set: "ExcelApiOnline"}. */
export function loadRequirementSets(file = definitionsPath()) {
  if (cache) return cache;
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const sets = new Map();
  let inExcel = false;
  let className = null;
  let lastSet = null;
  for (const line of lines) {
    if (!inExcel) {
      if (line.startsWith("declare namespace Excel {")) inExcel = true;
      continue;
    }
    if (line === "}") break; // end of the first Excel namespace: the runtime classes
    const cls = /^ {4}class (\w+)\b/.exec(line);
    if (cls) {
      className = cls[1];
      lastSet = null;
      continue;
    }
    if (/^ {4}}/.test(line)) {
      className = null;
      continue;
    }
    if (!className) continue;
    const api = /^ {9}\* \[Api set: (\w+)(?: ([\d.]+))?/.exec(line);
    if (api) {
      lastSet = { set: api[1], version: api[2] || null };
      continue;
    }
    const member = /^ {8}(?:readonly )?(?:static )?(\w+)\??[(:<]/.exec(line);
    if (member && lastSet) {
      const key = `${className}.${member[1]}`;
      const known = sets.get(key);
      if (
        !known ||
        (known.set !== "ExcelApi" && lastSet.set === "ExcelApi") ||
        (known.set === lastSet.set && compareVersions(lastSet.version, known.version) < 0)
      ) {
        sets.set(key, { ...lastSet });
      }
      lastSet = null;
    }
  }
  cache = sets;
  return sets;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const sets = loadRequirementSets();
  const wanted = process.argv.slice(2);
  const out = {};
  for (const key of wanted.length ? wanted : [...sets.keys()]) {
    const s = sets.get(key);
    out[key] = s ? `${s.set}${s.version ? " " + s.version : ""}` : null;
  }
  process.stdout.write(JSON.stringify(out, null, 1));
}
