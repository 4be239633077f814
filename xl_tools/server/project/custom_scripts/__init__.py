"""The scripts behind the add-in's buttons (xlwings Server imports this as ``custom_scripts``).

Each is a thin ``@script`` around the one function the desktop button and xlwings Lite call too
(``xl_tools.app.refresh_book`` — with ``draft`` for 补充待确认指标 — / ``publish_book``). The decorator comes from ``xlwings.server`` so that it is the server's even
if ``xlwings`` was imported before ``XLWINGS_ON_SERVER`` was set. Only names decorated with
``@script`` are callable over HTTP (``xl_tools.server.app`` refuses any other name), so keep helpers
private and out of this namespace.

Never call these functions directly: on the server they are async and take the user first.
"""

from __future__ import annotations

import asyncio as _asyncio
import sys as _sys

import xlwings as xw
from xlwings.server import script


async def _run(func, book):
    # The refresh is CPU-bound pure Python: run it off the event loop so one large workbook does
    # not stall every other accountant's request. Pyodide (xlwings Lite) has no threads.
    if _sys.platform == "emscripten":
        return func(book)
    return await _asyncio.to_thread(func, book)


@script(name="刷新")
async def refresh(book: xw.Book):
    """刷新：补全可推导的内容、校验、标出问题单元格，并重写「校验结果」和「公开表」。"""
    from xl_tools import app  # imported after the server has set up xlwings
    from xl_tools.server.pane import report_to_pane
    outcome = await _run(app.refresh_book, book)
    report_to_pane(book, outcome)


@script(name="补充待确认指标")
async def draft(book: xw.Book):
    """补充待确认指标：刷新，并把校验建议中起草的指标追加到「绩效指标」末尾（序号「待确认」，浅蓝色）。"""
    from functools import partial

    from xl_tools import app
    from xl_tools.server.pane import report_to_pane
    outcome = await _run(partial(app.refresh_book, draft=True), book)
    report_to_pane(book, outcome)


@script(name="生成公开表")
async def publish(book: xw.Book):
    """生成公开表：只重新生成「公开表」工作表。"""
    from xl_tools import app
    from xl_tools.server.pane import publish_report, report_to_pane
    done = await _run(app.publish_book, book)
    report_to_pane(book, publish_report(done.draft, app.blocking_text(done.blockers["errors"], done.blockers["no_money"])))
