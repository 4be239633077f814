"""The upload page as an ASGI app: the page, its script and style, and four JSON routes.

    GET  {prefix}/                 the page (static/index.html), Chinese
    GET  {prefix}/static/<file>    web.js, web.css
    GET  {prefix}/api/info         what this server offers (PDF needs LibreOffice) and its limits
    POST {prefix}/api/refresh      one workbook (multipart field ``file``) → refreshed workbook + findings
    POST {prefix}/api/publish      one workbook (+ ``pdf=1``, ``draft=1``) → the 公开表 (xlsx or PDF)
    POST {prefix}/api/review       several files (fields ``file``; the scope ``department``, ``year``, ``units``
                                   and ``previous`` — files —, ``aliases``, ``keep`` (lines), ``publish``, ``allow_incomplete``, ``sendback``) → 审核汇总.xlsx,
                                   the table to sign, the send-backs as a zip, one row per file

Files come back base64 in the JSON answer, with the name to save them under; nothing is kept on the
server (``tasks``). The limits are the add-in's: the request body (``XL_TOOLS_SERVER_MAX_BODY_MB``, the
size checked as the bytes arrive), the time to receive it and the time of the task (each
``XL_TOOLS_SERVER_MAX_SECONDS``, the task's through ``limits.deadline``). Every error is JSON ``{"detail": one Chinese line, "code": ...}``; an unexpected one
is a 500 whose line carries an error number, the traceback going to the server log only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from importlib import resources

from .. import limits, taskslots
from ..errors import XlToolsError
from ..server.app import (
    MAX_SECONDS,
    MSG_INTERNAL,
    UploadTooSlow,
    max_body_bytes_from_env,
    receive_by,
    upload_deadline,
    upload_too_slow_text,
)
from . import tasks

logger = logging.getLogger("xl_tools.web")

MAX_FILES = 200                     # files in one reviewer's batch
STATIC = {"web.js": "text/javascript; charset=utf-8", "web.css": "text/css; charset=utf-8"}
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                 b"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
]
MSG_TOO_LARGE = ("上传的文件过大（超过 {limit}）。请删去不需要的工作表、空白行列后重试；"
                 "如确需处理更大的工作簿，请管理员调高上限（XL_TOOLS_SERVER_MAX_BODY_MB）。")
MSG_NOT_FORM = "请通过本页面选择文件上传。"
MSG_NOT_FOUND = "没有这个地址。"
MSG_METHOD = "不支持这种请求方式。"
MSG_TOO_MANY = "一次最多上传 {max} 个文件，请分批审核。"


class Refused(Exception):
    """An answer other than 200: its status, a code for the page, one Chinese line."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _human(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} KB"


async def _send(send, status: int, body: bytes, content_type: str, extra=()) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"), *SECURITY_HEADERS, *extra]})
    await send({"type": "http.response.body", "body": body})


async def _send_json(send, status: int, data: dict) -> None:
    await _send(send, status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")


def _static(name: str) -> bytes:
    return resources.files("xl_tools.web").joinpath("static", name).read_bytes()


class UploadSite:
    """The ASGI app of the upload page under ``prefix`` ("/web").

    ``authenticate(scope)`` (optional, async) runs before every API call and raises ``Refused`` to
    refuse it: ``xl-tools serve`` passes the add-in's authentication when one is configured."""

    def __init__(self, *, prefix: str = "/web", max_body_bytes: int | None = None, authenticate=None) -> None:
        self.prefix = prefix.rstrip("/")
        self._max_body = max_body_bytes
        self.authenticate = authenticate

    @property
    def max_body_bytes(self) -> int:
        return self._max_body if self._max_body is not None else max_body_bytes_from_env()

    def handles(self, path: str) -> bool:
        return path == self.prefix or path.startswith(self.prefix + "/")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":          # run with lifespan="off"; no websockets here
            return
        try:
            await self._route(scope, receive, send)
        except Refused as rej:
            logger.info("网页上传：%s %s", rej.status, rej.code)
            await _send_json(send, rej.status, {"detail": rej.message, "code": rej.code})
        except taskslots.Busy as busy:
            logger.warning("网页上传：503 busy")
            await _send(send, 503, json.dumps({"detail": busy.message, "code": "busy"}, ensure_ascii=False).encode(),
                        "application/json; charset=utf-8", [(b"retry-after", str(busy.retry_after).encode())])
        except XlToolsError as err:
            await _send_json(send, 422, {"detail": str(err), "code": getattr(err, "web_code", "unusable")})
        except Exception:                                     # noqa: BLE001 - the boundary of the page
            ref = uuid.uuid4().hex[:8]
            logger.exception("网页上传：未处理的错误（错误编号 %s）", ref)
            await _send_json(send, 500, {"detail": MSG_INTERNAL.format(ref=ref), "code": "internal_error"})

    async def _route(self, scope, receive, send) -> None:
        path, method = scope["path"], scope["method"]
        rest = path[len(self.prefix):] if self.handles(path) else None
        if rest in ("", None):
            if rest == "" and method in ("GET", "HEAD"):
                await _send(send, 307, b"", "text/plain", [(b"location", (self.prefix + "/").encode())])
                return
            raise Refused(404, "not_found", MSG_NOT_FOUND)
        if rest == "/" and method in ("GET", "HEAD"):
            await _send(send, 200, _static("index.html"), "text/html; charset=utf-8")
            return
        if rest.startswith("/static/") and rest[len("/static/"):] in STATIC and method in ("GET", "HEAD"):
            name = rest[len("/static/"):]
            await _send(send, 200, _static(name), STATIC[name])
            return
        if rest == "/api/info" and method == "GET":
            await _send_json(send, 200, {**tasks.info(), "max_mb": round(self.max_body_bytes / 1024 / 1024, 1),
                                         "max_seconds": limits.value(MAX_SECONDS)})
            return
        handler = {"/api/refresh": self._refresh, "/api/publish": self._publish, "/api/review": self._review}.get(rest)
        if handler is None:
            raise Refused(404, "not_found", MSG_NOT_FOUND)
        if method != "POST":
            raise Refused(405, "method_not_allowed", MSG_METHOD)
        if self.authenticate is not None:
            await self.authenticate(scope)
        uploads, fields = await self._read_form(scope, receive)
        answer = await handler(uploads, fields)
        await _send_json(send, 200, answer)

    async def _read_form(self, scope, receive) -> tuple[list[tasks.Upload], dict[str, str]]:
        """The uploaded files and plain fields of a multipart form, the body counted as it arrives."""
        from starlette.requests import Request
        limit = self.max_body_bytes
        too_large = Refused(413, "payload_too_large", MSG_TOO_LARGE.format(limit=_human(limit)))
        headers = dict(scope.get("headers", []))
        try:
            declared = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            raise Refused(400, "invalid_request", MSG_NOT_FORM) from None
        if declared > limit:
            raise too_large
        if b"multipart/form-data" not in headers.get(b"content-type", b"").lower():
            raise Refused(415, "not_multipart", MSG_NOT_FORM)
        received, deadline = 0, upload_deadline()

        async def counted():
            nonlocal received
            try:
                message = await receive_by(receive, deadline)
            except UploadTooSlow:
                raise Refused(408, "upload_timeout", upload_too_slow_text()) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large
            return message

        request = Request(scope, counted)
        try:
            form = await request.form(max_files=MAX_FILES, max_fields=20)
        except Refused:
            raise
        except Exception as exc:                               # noqa: BLE001 - a malformed form
            if "Too many files" in str(exc):
                raise Refused(400, "too_many_files", MSG_TOO_MANY.format(max=MAX_FILES)) from None
            raise Refused(400, "invalid_request", MSG_NOT_FORM) from None
        try:
            uploads, fields = [], {}
            for key, value in form.multi_items():
                if isinstance(value, str):
                    fields[key] = value
                elif key == "file":
                    uploads.append(tasks.Upload(value.filename or "", await value.read()))
                elif key in ("units", "previous"):  # the list of expected units, the last review
                    fields[key] = tasks.Upload(value.filename or "", await value.read())
            return uploads, fields
        finally:
            await form.close()

    @staticmethod
    async def _in_thread(func, *args, **kwargs):
        """The task off the event loop, within the add-in's time budget (the thread inherits it)."""
        def run():
            with limits.deadline(limits.value(MAX_SECONDS)):
                return func(*args, **kwargs)
        async with taskslots.SLOTS.slot():        # a bounded number of tasks at once, the rest in turn
            return await asyncio.to_thread(run)

    async def _one(self, uploads) -> tasks.Upload:
        if not uploads:
            raise Refused(400, "no_file", tasks.MSG_NO_FILES)
        if len(uploads) > 1:
            raise Refused(400, "several_files", "一次只能刷新一个工作簿；多个单位的文件请用下方的「审核汇总」。")
        return uploads[0]

    async def _refresh(self, uploads, fields) -> dict:
        return await self._in_thread(tasks.refresh, await self._one(uploads), draft=fields.get("draft") == "1")

    async def _publish(self, uploads, fields) -> dict:
        upload = await self._one(uploads)
        return await self._in_thread(tasks.publish, upload, pdf=fields.get("pdf") == "1",
                                     draft=fields.get("draft") == "1")

    async def _review(self, uploads, fields) -> dict:
        units, previous = fields.get("units"), fields.get("previous")
        return await self._in_thread(
            tasks.review_batch, uploads, department=_text(fields.get("department")), year=_text(fields.get("year")),
            units=units if isinstance(units, tasks.Upload) else None,
            previous=previous if isinstance(previous, tasks.Upload) else None, aliases=_lines(fields.get("aliases")),
            keep=_lines(fields.get("keep")), publish=fields.get("publish") == "1",
            allow_incomplete=fields.get("allow_incomplete") == "1", sendback=fields.get("sendback") == "1")


def _lines(value) -> list[str]:
    """A plain multi-line field as its non-blank lines."""
    return [line.strip() for line in value.splitlines() if line.strip()] if isinstance(value, str) else []


def _text(value) -> str | None:
    """A plain form field as typed, None when absent or blank."""
    return value.strip() or None if isinstance(value, str) else None
