// Run a Python script under Pyodide (the runtime of xlwings Lite) in Node, offline: the wheels of a
// folder are unpacked into site-packages (no micropip, no network), files are copied into /work, and
// the script's stdout is passed through. Usage: node run.mjs WHEEL_DIR SCRIPT.py [FILE ...]
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { loadPyodide } from "pyodide";

const [wheelDir, script, ...files] = process.argv.slice(2);
const pyodide = await loadPyodide({
  stdout: (line) => process.stdout.write(line + "\n"),
  stderr: (line) => process.stderr.write(line + "\n"),
});
for (const name of readdirSync(wheelDir).sort()) {
  if (name.endsWith(".whl")) pyodide.unpackArchive(new Uint8Array(readFileSync(join(wheelDir, name))), "wheel");
}
pyodide.FS.mkdirTree("/work");
for (const file of files) pyodide.FS.writeFile(`/work/${basename(file)}`, new Uint8Array(readFileSync(file)));
try {
  await pyodide.runPythonAsync(readFileSync(script, "utf8"));
} catch (error) {
  process.stderr.write(String(error) + "\n");
  process.exit(1);
}
