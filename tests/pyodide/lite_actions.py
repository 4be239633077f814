"""What xlwings Lite's 刷新, 补充待确认指标 and 生成公开表 send back to Excel for each workbook payload in
WORK, one JSON line per payload: under Pyodide (tests/pyodide/run.mjs) the scripts of lite/main.py, copied
to WORK, on ``xw.Book(json=payload)``; under CPython (tests/test_pyodide.py) ``app.refresh_book`` (with
``draft``) / ``publish_book``, which those scripts call. The lines must be equal but for the minute of the
上次刷新 stamp."""

import contextlib
import importlib.util
import io
import json
import os
import sys
from pathlib import Path

WORK = Path(os.environ.get("XL_TOOLS_WORK", "/work"))
LITE = sys.platform == "emscripten"

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")     # CPython's remote engine; Lite has its own
if not LITE:
    from xl_tools.server.app import enable_remote_engine
    enable_remote_engine()
import xlwings as xw  # noqa: E402

from xl_tools import app  # noqa: E402

if LITE:
    spec = importlib.util.spec_from_file_location("lite_main", WORK / "main.py")
    lite = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lite)
    refresh, draft, publish = lite.refresh, lite.draft, lite.publish
else:
    refresh, publish = app.refresh_book, app.publish_book

    def draft(book):
        return app.refresh_book(book, draft=True)

for path in sorted(WORK.glob("*.json")):
    text = path.read_text("utf-8")
    said = io.StringIO()
    book = xw.Book(json=json.loads(text))           # a fresh payload each time: the engine updates it
    with contextlib.redirect_stdout(said):
        refresh(book)
    refreshed = book.json()["actions"]
    book = xw.Book(json=json.loads(text))
    with contextlib.redirect_stdout(said):
        draft(book)
    drafted = book.json()["actions"]
    book = xw.Book(json=json.loads(text))
    with contextlib.redirect_stdout(said):
        publish(book)
    published = book.json()["actions"]
    heavy = sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in ("lxml", "rapidfuzz", "pandas", "numpy")})
    print(json.dumps({"file": path.name, "platform": sys.platform, "said": said.getvalue(),
                      "refresh": refreshed, "draft": drafted, "publish": published, "heavy": heavy}, ensure_ascii=False, sort_keys=True))
