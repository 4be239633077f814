"""Drive xlwings-server's own Office.js client under Node (tests/js/run_client.mjs).

``served_js_tree(tmp)`` lays out the static/js tree exactly as the server serves it: xlwings-server's
files with the project's own (ribbon.js, main.js) over them, plus a package.json that tells Node the
files are ES modules. ``run_client(...)`` runs one scenario and returns what the harness wrote.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JS_DIR = ROOT / "tests" / "js"
PROJECT_JS = ROOT / "xl_tools" / "server" / "project" / "static" / "js"


def node_ready() -> str | None:
    """Why the JS client cannot run here, or None. Installs tests/js/node_modules (npm ci) when
    node is present and they are missing."""
    node = shutil.which("node")
    if node is None:
        return "node is not installed (.ci/run installs it)"
    if not (JS_DIR / "node_modules" / "jsdom").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            return "npm is not installed (.ci/run installs it)"
        proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=JS_DIR,
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            return f"npm ci failed: {proc.stderr[-1000:]}"
    return None


def served_js_tree(target: Path) -> Path:
    import xlwings_server
    package_js = Path(xlwings_server.__file__).resolve().parent / "static" / "js"
    out = target / "js"
    shutil.copytree(package_js, out)
    for path in PROJECT_JS.rglob("*"):
        if path.is_file():
            dest = out / path.relative_to(PROJECT_JS)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
    (out / "package.json").write_text('{"type": "module"}\n', "utf-8")
    return out


def run_client(tmp: Path, *, js_tree: Path, page_url: str, workbook: dict, excel_api: str = "1.18",
               steps: list | None = None, timeout: float = 300) -> dict:
    scenario = tmp / "scenario.json"
    out = tmp / "client-out.json"
    scenario.write_text(json.dumps({"jsDir": str(js_tree), "pageUrl": page_url, "excelApi": excel_api,
                                    "workbook": workbook, "steps": steps or [{"click": "refresh"}]},
                                   ensure_ascii=False), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NODE_OPTIONS",))}
    proc = subprocess.run(["node", str(JS_DIR / "run_client.mjs"), str(scenario), str(out)], cwd=JS_DIR,
                          capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0 or not out.exists():
        raise AssertionError(f"run_client.mjs failed ({proc.returncode}): {proc.stderr[-3000:]}")
    return json.loads(out.read_text("utf-8"))
