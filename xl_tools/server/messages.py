"""What the task pane shows when a request fails before xl-tools could answer, in Chinese.

xlwings' add-in JavaScript shows the answer's ``detail`` (ours is already one Chinese line), but for a
request that never reached xl-tools it shows what it got: "No response received from server" (no
network, the server down, a time-out) or the reverse proxy's HTML error page (nginx's 502/504/413). The
task pane's buttons put that text in its error bar (``static/js/messages.js`` translates it there, the
same table as here); the ribbon's buttons open xlwings' alert dialog, whose ``prompt`` and ``title``
``server.app`` translates here before the dialog page is rendered. ``tests/test_server_pane.py`` checks
both tables give the same line for the same text.
"""

from __future__ import annotations

import html
import re

TITLE = "出错了"
MSG_NO_RESPONSE = ("没有收到 xl-tools 服务器的回应：请检查网络连接后重试；如一直如此，请联系管理员"
                   "（服务器可能没有运行，或处理时间超过了等待上限）。")
MSG_GATEWAY = ("服务器前面的反向代理没有收到 xl-tools 的回应（HTTP {status}）：请稍后重试；如一直如此，"
               "请管理员检查反向代理的超时设置（docs/服务器部署.md）。")
MSG_TOO_LARGE = ("工作簿数据超过了反向代理允许的大小（HTTP 413）：请删去不需要的工作表、空白行列后重试，"
                 "或请管理员调高代理的上传上限（docs/服务器部署.md）。")
MSG_HTTP = "服务器返回了错误（HTTP {status}）：请稍后重试；如一直如此，请联系管理员。"
STATUS_TEXTS = {"bad gateway": 502, "service unavailable": 503, "gateway timeout": 504, "gateway time-out": 504,
                "request entity too large": 413, "payload too large": 413, "content too large": 413}
_HTML = re.compile(r"<\s*(?:!doctype|html|head|body|title|h1|center|hr)\b", re.I)
_STATUS = re.compile(r"\b([45]\d\d)\b")


def _for_status(status: int | None) -> str:
    if status == 413:
        return MSG_TOO_LARGE
    if status in (502, 503, 504):
        return MSG_GATEWAY.format(status=status)
    return MSG_HTTP.format(status=status if status else "未知")


def client_error_text(raw) -> str:
    """The line to show for what xlwings' client reports as the error of a request."""
    text = str(raw if raw is not None else "").strip()
    if text == "No response received from server" or re.fullmatch(r"timeout of \d+ms exceeded|Network Error", text):
        return MSG_NO_RESPONSE
    lowered = text.lower()
    if lowered in STATUS_TEXTS:
        return _for_status(STATUS_TEXTS[lowered])
    if text == "Unknown server error":
        return _for_status(None)
    if _HTML.search(text):
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
        head = html.unescape(re.sub(r"<[^>]+>", " ", title.group(1) if title else text))
        status = _STATUS.search(head)
        if status is None:
            named = next((code for name, code in STATUS_TEXTS.items() if name in head.lower()), None)
            return _for_status(named)
        return _for_status(int(status.group(1)))
    return text


def alert_title(raw) -> str:
    return TITLE if str(raw or "").strip().lower() in ("error", "") else str(raw)
