"""xl-tools under Pyodide (the runtime of xlwings Lite) in Node, offline: the scripts of ``lite/main.py``
(刷新, 补充待确认指标, 生成公开表) on the bundled sample and on a typed filing give exactly the actions CPython's
``app.refresh_book`` / ``publish_book`` give (but for the minute of the 上次刷新 stamp).

Pyodide comes from npm (``tests/pyodide``, ``npm ci``); the wheels are xl-tools' own, built from this
checkout, and what the registries give for Pyodide: the pure-Python dependencies and xlwings' own
``pyemscripten`` wheel (fetched once into ``tests/pyodide/wheels`` by ``pip download``). Nothing else is
installed: no lxml (no Pyodide build of it on the registries, and the live path must not need it), no
rapidfuzz (``xl_tools.similarity`` replaces it), no pandas — the test checks none of them was imported.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "pyodide"
WHEELS = HERE / "wheels"
STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
PYODIDE_PLATFORM = "pyemscripten_2026_0_wasm32"            # Pyodide 314 (Python 3.14), tests/pyodide/package.json
PYODIDE_PYTHON = "3.14"
REQUIREMENTS = ["openpyxl", "et_xmlfile", "defusedxml", "olefile", "tzdata",
                f"xlwings=={metadata.version('xlwings')}"]

if os.environ.get("CI") != "true":          # a contributor without Node is told; CI must have it (.ci/run)
    if not shutil.which("node") or not (HERE / "node_modules" / "pyodide").is_dir():
        pytest.skip("Node or tests/pyodide/node_modules missing (make test runs npm ci)", allow_module_level=True)

pytestmark = pytest.mark.slow


def fetch_wheels(folder: Path = WHEELS) -> list[Path]:
    """The registries' wheels Pyodide needs (pure Python, or built for Pyodide), fetched once."""
    stamp = folder / ".requirements"
    if not (stamp.is_file() and stamp.read_text() == "\n".join(REQUIREMENTS)):
        folder.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                        "--python-version", PYODIDE_PYTHON, "--platform", PYODIDE_PLATFORM, "--platform", "any",
                        "-d", str(folder), *REQUIREMENTS], check=True, timeout=600)
        stamp.write_text("\n".join(REQUIREMENTS))
    return sorted(folder.glob("*.whl"))


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pyodide_wheels")
    for wheel in fetch_wheels():
        shutil.copy(wheel, folder / wheel.name)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return folder


@pytest.fixture(scope="module")
def work(tmp_path_factory, seed_filing) -> Path:
    """The payloads an Office.js client sends for the sample and for a filing typed into a new workbook."""
    from tests.acceptance.cycle import from_new
    from tests.acceptance.filings import type_filing
    from tests.support.payload import payload_from_xlsx
    from tests.support.typist import Typist
    from xl_tools.workbook import build_workbook
    folder = tmp_path_factory.mktemp("pyodide_work")
    sample = folder / "sample.xlsx"
    build_workbook(sample, seed_filing)
    typed = from_new()(tmp_path_factory.mktemp("typed"))
    t = Typist(typed)
    type_filing(t)
    t.save()
    for name, path in (("sample", sample), ("typed", typed)):
        (folder / f"{name}.json").write_text(json.dumps(payload_from_xlsx(path), ensure_ascii=False), "utf-8")
    shutil.copy(ROOT / "lite" / "main.py", folder / "main.py")
    return folder


def _lines(stdout: str) -> dict[str, dict]:
    out = {}
    for line in stdout.splitlines():
        if line.startswith("{"):
            data = json.loads(STAMP.sub("<stamp>", line))
            out[data["file"]] = data
    return out


def test_lite_scripts_under_pyodide_act_as_cpython(wheels, work):
    files = [str(p) for p in sorted(work.glob("*.json"))] + [str(work / "main.py")]
    proc = subprocess.run(["node", str(HERE / "run.mjs"), str(wheels), str(HERE / "lite_actions.py"), *files],
                          capture_output=True, text=True, timeout=900, cwd=HERE)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lite = _lines(proc.stdout)
    cpython = _lines(subprocess.run(
        [sys.executable, str(HERE / "lite_actions.py")], capture_output=True, text=True, timeout=600, check=True,
        env={**os.environ, "XL_TOOLS_WORK": str(work), "PYTHONPATH": str(ROOT)}).stdout)
    assert set(lite) == set(cpython) == {"sample.json", "typed.json"}
    for name in lite:
        assert lite[name]["platform"] == "emscripten" and cpython[name]["platform"] != "emscripten"
        assert lite[name]["heavy"] == [], lite[name]["heavy"]              # no lxml, rapidfuzz, pandas
        assert lite[name]["refresh"] == cpython[name]["refresh"], name
        assert lite[name]["publish"] == cpython[name]["publish"], name
        assert lite[name]["draft"] == cpython[name]["draft"], name
        assert len(lite[name]["refresh"]) > 50 and lite[name]["publish"]
        said = lite[name]["said"].splitlines()
        assert "刷新：" in said[0] and said[-1] == "已重新生成「公开表」工作表。"
    assert "错误" in lite["typed.json"]["said"]
    # 补充待确认指标 appended the drafted lines (序号 待确认) and printed each under its finding
    assert any("待确认" in row for a in lite["sample.json"]["draft"] if a["func"] == "setValues"
               for row in a["values"])
    assert "可补充：" in lite["sample.json"]["said"] and "待确认" in lite["sample.json"]["said"]
