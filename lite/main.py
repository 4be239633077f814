"""xl-tools in xlwings Lite: the 刷新, 补充待确认指标 and 生成公开表 buttons in Excel, with nothing installed
on the PC.

Paste this file into xlwings Lite's main.py and requirements.txt (next to this file) into its
requirements.txt tab; the scripts appear in the xlwings Lite task pane (README: xlwings Lite).
They call the one implementation every interface calls (``xl_tools.app.refresh_book``, with ``draft``
for 补充待确认指标 / ``publish_book``); what they did, and each problem with its cell and the indicator
line drafted for what is missing, is printed in the Output pane.
"""

import xlwings as xw
from xlwings import script

from xl_tools import app
from xl_tools.errors import XlToolsError
from xl_tools.findings import SEVERITY_ZH

SHOWN = 50           # problems listed in the Output pane; 校验结果 in the workbook has them all


def _explain(err: Exception) -> None:
    if isinstance(err, XlToolsError):
        print(f"未能完成：{err}")
    else:
        print(f"内部错误（{type(err).__name__}）：请把本工作簿和这段说明交给技术支持。{err}")


def _refresh(book: xw.Book, draft: bool) -> None:
    try:
        outcome = app.refresh_book(book, draft=draft)
    except Exception as err:  # noqa: BLE001 - the button's boundary: one line, no traceback
        _explain(err)
        return
    print(outcome.report)
    for f in outcome.rows[:SHOWN]:
        where = f"{f.sheet}!{f.cell} " if f.sheet and f.cell else ""
        print(f"{SEVERITY_ZH[f.severity]} {where}{f.code}：{f.message}")
        if f.draft is not None:
            print(f"    可补充：{f.draft.line}" + (f"（{f.draft.basis}）" if f.draft.basis else ""))
    if len(outcome.rows) > SHOWN:
        print(f"另有 {len(outcome.rows) - SHOWN} 条，见「校验结果」工作表。")


@script(name="刷新")
def refresh(book: xw.Book):
    """补全可推导的内容、校验、标出问题单元格，并重写「校验结果」和「公开表」。"""
    _refresh(book, draft=False)


@script(name="补充待确认指标")
def draft(book: xw.Book):
    """刷新，并把建议中起草的指标追加到「绩效指标」末尾（序号「待确认」，浅蓝色；确认或修改后才计入）。"""
    _refresh(book, draft=True)


@script(name="生成公开表")
def publish(book: xw.Book):
    """只重新生成「公开表」工作表（还有错误时标题带“草稿”）。"""
    try:
        app.publish_book(book)
    except Exception as err:  # noqa: BLE001 - the button's boundary
        _explain(err)
        return
    print("已重新生成「公开表」工作表。")
