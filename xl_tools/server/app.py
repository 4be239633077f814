"""The xlwings Server app for xl-tools: xlwings-server's FastAPI app, our scripts, and a guard.

``create_app()`` returns an ASGI app. xlwings-server reads its settings (``XLWINGS_*`` environment
variables, or a ``.env`` file named by ``DOTENV_PATH``) once, when it is first imported, and keeps
one app per process; so the environment is prepared here BEFORE xlwings-server (or anything that
imports xlwings) is imported:

- ``XLWINGS_ON_SERVER=true`` and ``XLWINGS_PROJECT_DIR`` = ``xl_tools/server/project`` (always ours);
- defaults a deployment may override: the add-in's name, its manifest IDs (our own, not
  xlwings-server's shared defaults), Socket.IO off (no custom functions here), examples off.

In front of xlwings-server sits ``PayloadGuard`` (plain ASGI, so it sees the raw byte stream):

- a body over the limit (``Content-Length`` or the bytes actually streamed) → 413;
- not UTF-8 / not JSON / not a JSON object → 400; a book payload of the wrong shape → 422;
- a client sending another xlwings version than the server's → 400 (for the add-in: a task pane
  cached from before the server was upgraded, so the message says to reload it);
- a payload without ``names`` (older clients) gets an empty list instead of a KeyError in xlwings;
- a script name that is not one of our ``@script`` functions → 404;
- a form-encoded request (htmx posts the book as the field ``bookData=``) gets the same checks as
  JSON; other form encodings → 415;
- more work than one request may ask for → 413: more cells than ``XL_TOOLS_SERVER_MAX_CELLS`` or more
  data rows × rules than ``XL_TOOLS_SERVER_MAX_WORK``; and every request runs within a time budget
  (``XL_TOOLS_SERVER_MAX_SECONDS``, ``limits.deadline``): past it the answer is a 422 that says so.

Exception handlers turn ``XlToolsError`` into 422 with its Chinese message, xlwings' own errors into
400, and anything unexpected into a 500 whose body is one Chinese line with an error id: the
traceback only goes to the server log. Every error body is JSON ``{"detail": ..., "code": ...}``;
xlwings' task pane shows ``detail`` to the user.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import urllib.parse
import uuid
from pathlib import Path

from .. import limits, taskslots
from ..errors import XlToolsError
from ..schema import SHEET_INDICATORS, SHEET_PROJECTS
from ..textnorm import squash
from .auth import check_providers
from .messages import alert_title, client_error_text

logger = logging.getLogger("xl_tools.server")

PROJECT_DIR = Path(__file__).resolve().parent / "project"
DEFAULT_MAX_BODY_MB = limits.SERVER_BODY_MB.default
MAX_BODY_ENV = limits.SERVER_BODY_MB.env
DRAIN_CAP = 64 * 1024 * 1024      # beyond this an oversized upload is cut off rather than read to the end
SCRIPTS_PREFIX = "/xlwings/custom-scripts-call/"

# Our own add-in IDs: Office identifies an add-in by its manifest ID, so never ship the IDs
# every xlwings-server project starts with. A deployment may still override them (XLWINGS_MANIFEST_ID_*).
MANIFEST_IDS = {
    "DEV": "8ec31584-a668-4920-98d2-2dad05569cd0",
    "QA": "82f5fa0a-e9c4-49e3-a675-1b5de3972e35",
    "UAT": "40bb85dc-a16e-4ac9-837f-03b89618ac17",
    "STAGING": "bc5a1c49-b1d2-4b3d-92d0-82839fa42af9",
    "PROD": "04e132f8-3a79-4b1b-8e50-b8f356e36397",
}
ENV_DEFAULTS = {
    "XLWINGS_PROJECT_NAME": "绩效目标表",
    "XLWINGS_ENABLE_SOCKETIO": "false",
    "XLWINGS_ENABLE_EXAMPLES": "false",
    "XLWINGS_ENABLE_HOTRELOAD": "false",
    **{f"XLWINGS_MANIFEST_ID_{env}": value for env, value in MANIFEST_IDS.items()},
}

MSG_TOO_LARGE = ("发送的工作簿数据过大（{size}，上限 {limit}）。请删去不需要的工作表、空白行列后重试；"
                 "如确需处理更大的工作簿，请管理员调高上限（xl-tools serve --max-body-mb）。")
MSG_UPLOAD_TIME = ("上传用时超过上限 {seconds:,} 秒，服务器已停止接收（网络过慢或连接异常）：请检查网络后重试；"
                   "如网络确实很慢，请管理员调高上限（XL_TOOLS_SERVER_MAX_SECONDS）。")
MSG_NOT_UTF8 = "请求内容不是 UTF-8 编码的 JSON，无法读取。请通过 Excel 加载项的按钮调用本服务。"
MSG_BAD_JSON = "请求内容不是有效的 JSON（第 {line} 行第 {col} 列出错）。请通过 Excel 加载项的按钮调用本服务。"
MSG_JSON_LIMITS = "请求内容嵌套过深或数字过长，无法读取。请通过 Excel 加载项的按钮调用本服务。"
MSG_NOT_OBJECT = "请求内容应为描述工作簿的 JSON 对象，收到的是 {kind}。"
MSG_BAD_PAYLOAD = "工作簿数据不完整或格式不对：{what}。请更新 Excel 加载项后重试。"
MSG_VERSION = ("xlwings 版本不一致：客户端为 {client}，服务器为 {server}。"
               "请在客户端安装相同版本（pip install xlwings=={server}），或改用 Excel 加载项的按钮。")
MSG_ADDIN_VERSION = ("加载项页面是旧版本（xlwings {client}），服务器已是 {server}：请关闭任务窗格后重新打开；"
                     "仍不行时请清除 Office 加载项缓存后重启 Excel。")
MSG_DOTENV_MISSING = "环境变量 DOTENV_PATH 指向的文件不存在：{path}"
MSG_ROLE = ("XLWINGS_AUTH_REQUIRED_ROLES 中的角色「{role}」不能用：Entra ID 应用角色的值只能是英文字母、数字和英文标点"
            "（不含空格，最长 120 个字符，不以 . 开头），例如 accountant；中文名称请写在角色的显示名称里。")
ROLE_VALUE = re.compile(r"^(?!\.)[!-~]{1,120}$")      # Microsoft Graph appRole.value
MSG_NO_SCRIPT = "没有名为「{name}」的功能。可用的有：{names}。"
MSG_NO_BODY = "请求中没有工作簿数据。"
MSG_INTERNAL = "服务器处理时出错（错误编号 {ref}），已记入服务器日志。请把错误编号告诉管理员。"
MSG_XLWINGS = "xlwings 无法处理这份工作簿：{msg}"
MSG_LICENSE = ("xlwings Server 需要许可证密钥：政府机关和教育机构可按 PolyForm Noncommercial 1.0.0 "
               "设置环境变量 XLWINGS_LICENSE_KEY=noncommercial，商业用途请购买 xlwings PRO 许可证。")
MSG_NOT_INSTALLED = "未安装 xlwings Server：请用 xl-tools 的安装包安装 server 组件（pip install \"xl_tools-版本-py3-none-any.whl[server]\"）。"
MSG_FORM = "不支持这种表单格式（{kind}）。请通过 Excel 加载项的按钮调用本服务。"
MSG_FORM_REPEATED = "表单中有 {count} 份工作簿数据（bookData），一次只能处理一份。请通过 Excel 加载项的按钮调用本服务。"
MSG_TOO_MUCH = ("这份工作簿一次要处理的内容过多（{what}，上限 {limit:,}）。请删去不需要的工作表、空白行列后重试；"
                "如确需处理更大的工作簿，请管理员调高上限（环境变量 {env}）。")

# the work one request may ask for (see the module docstring); environment variables override
# (``limits`` reads and checks them: a positive whole number, else one Chinese line)
MAX_CELLS, MAX_WORK, MAX_SECONDS = limits.SERVER_CELLS, limits.SERVER_WORK, limits.SERVER_SECONDS
_DATA_SHEET_KEYS = {squash(SHEET_PROJECTS), squash(SHEET_INDICATORS)}


def max_body_bytes_from_env() -> int:
    return limits.value(limits.SERVER_BODY_MB) * 1024 * 1024


def _human(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} KB"


def dotenv_path() -> Path | None:
    """The .env file xlwings-server reads its settings from: ``DOTENV_PATH``, else the project's .env."""
    named = os.environ.get("DOTENV_PATH")
    if named:
        if not Path(named).is_file():
            raise XlToolsError(MSG_DOTENV_MISSING.format(path=named))
        return Path(named)
    default = PROJECT_DIR / ".env"
    return default if default.is_file() else None


def dotenv_settings() -> dict[str, str]:
    """XLWINGS_* settings of the .env file, keys upper-cased (pydantic-settings matches them so)."""
    path = dotenv_path()
    if path is None:
        return {}
    # python-dotenv comes with xlwings-server (through pydantic-settings): the server extra only
    from dotenv import dotenv_values
    return {k.upper(): v for k, v in dotenv_values(path).items() if k and v is not None}


def prepare_environment() -> None:
    """Set xlwings-server's environment; must run before xlwings_server (and ideally xlwings) is imported.

    The licence key may sit in the DOTENV_PATH file only: xlwings-server copies it into the
    environment when its settings load, but xlwings checks it on import, before that; so it is copied
    here first (a key in the environment still wins)."""
    os.environ["XLWINGS_ON_SERVER"] = "true"
    os.environ["XLWINGS_PROJECT_DIR"] = str(PROJECT_DIR)
    for key, value in ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        key = dotenv_settings().get("XLWINGS_LICENSE_KEY")
        if key:
            os.environ["XLWINGS_LICENSE_KEY"] = key


def enable_remote_engine():
    """Make ``xw.Book(json=...)`` work in this process; return the ``xlwings`` module.

    xlwings registers its remote engine only if the licence key was configured when ``xlwings`` was
    first imported. If xlwings was imported earlier (a test session, a notebook) and the key was set
    afterwards, register the engine now, exactly as xlwings' own ``__init__`` does. Raises
    XlToolsError (Chinese) when no licence key is configured at all.
    """
    import xlwings as xw
    if "remote" in [engine.name for engine in xw.engines]:
        return xw
    try:
        from xlwings.main import Engine
        from xlwings.pro import _xlofficejs, _xlremote
    except xw.LicenseError:
        raise XlToolsError(MSG_LICENSE) from None
    xw.engines.add(Engine(impl=_xlremote.engine))
    xw.engines.add(Engine(impl=_xlofficejs.engine))
    return xw


def _import_xlwings():
    """``import xlwings`` with XLWINGS_ON_SERVER=true. Without a licence key that import itself fails
    (xlwings then loads its server decorators, which are licence-gated): undo it and say so."""
    previous = os.environ.get("XLWINGS_ON_SERVER")
    prepare_environment()
    try:
        import xlwings as xw
    except ImportError:                                               # pragma: no cover - a dependency
        raise XlToolsError(MSG_NOT_INSTALLED) from None
    except Exception as err:                                          # noqa: BLE001 - xlwings.LicenseError
        if type(err).__name__ != "LicenseError":
            raise
        for name in [m for m in sys.modules if m == "xlwings" or m.startswith("xlwings.")]:
            del sys.modules[name]                                     # the half-imported package
        if previous is None:
            os.environ.pop("XLWINGS_ON_SERVER", None)
        else:
            os.environ["XLWINGS_ON_SERVER"] = previous
        raise XlToolsError(MSG_LICENSE) from None
    return xw


def _load_xlwings_server():
    """Import xlwings-server configured for our project dir; clear Chinese errors when it cannot be."""
    already = "xlwings_server.main" in sys.modules
    xw = _import_xlwings()
    enable_remote_engine()
    try:
        import xlwings_server.main as server_main
        from xlwings_server.routers import xlwings as server_router
    except ImportError as err:
        if isinstance(err, ModuleNotFoundError) and (err.name or "").split(".")[0] in ("xlwings_server", "fastapi", "uvicorn"):
            raise XlToolsError(MSG_NOT_INSTALLED) from None
        raise
    except xw.LicenseError:
        raise XlToolsError(MSG_LICENSE) from None
    scripts = server_router.custom_scripts
    if Path(getattr(scripts, "__file__", "") or "").resolve().parent != PROJECT_DIR / "custom_scripts":
        raise RuntimeError(
            "xlwings_server was imported before xl_tools.server.app could point it at our scripts"
            f" (it loaded {getattr(scripts, '__file__', scripts)!r}); import xl_tools.server.app first"
            + (" — xlwings_server.main was already imported" if already else ""))
    return xw, server_main, scripts


def script_names(scripts_module) -> list[str]:
    """Function names the route may call: those our ``@script`` decorated, nothing else."""
    return sorted(name for name, obj in vars(scripts_module).items()
                  if not name.startswith("_") and callable(obj) and hasattr(obj, "__xlscript__"))


class UploadTooSlow(Exception):
    """The request's body did not arrive within the request's time (``receive_by``)."""


def upload_deadline() -> float:
    """When the body of a request that starts now must have arrived: ``XL_TOOLS_SERVER_MAX_SECONDS``
    from now (a client sending a byte now and then would otherwise hold its connection for ever)."""
    import time
    return time.monotonic() + limits.value(MAX_SECONDS)


async def receive_by(receive, deadline: float) -> dict:
    """The next ASGI message of the request, or UploadTooSlow once ``deadline`` (monotonic) has passed."""
    import asyncio
    import time
    left = deadline - time.monotonic()
    if left <= 0:
        raise UploadTooSlow
    try:
        return await asyncio.wait_for(receive(), left)
    except asyncio.TimeoutError:
        raise UploadTooSlow from None


def upload_too_slow_text() -> str:
    return MSG_UPLOAD_TIME.format(seconds=limits.value(MAX_SECONDS))


class _Reject(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.body_complete = False      # for 413: whether the whole body has already been received


def _error_body(code: str, message: str) -> bytes:
    return json.dumps({"detail": message, "code": code}, ensure_ascii=False).encode("utf-8")


async def _send_json(send, status: int, code: str, message: str, extra=()) -> None:
    body = _error_body(code, message)
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
        *extra,
    ]})
    await send({"type": "http.response.body", "body": body})


def _check_book(data: dict, server_version: str) -> None:
    """The shape xlwings' remote engine relies on, checked before it can fail with a KeyError."""
    client = data.get("client")
    version = data.get("version")
    if not isinstance(client, str) or not client:
        raise _Reject(422, "invalid_payload", MSG_BAD_PAYLOAD.format(what="缺少 client（调用方类型）"))
    if not isinstance(version, str) or not version:
        raise _Reject(422, "invalid_payload", MSG_BAD_PAYLOAD.format(what="缺少 version（xlwings 版本）"))
    if version != server_version:
        if client == "Office.js":
            raise _Reject(400, "version_mismatch", MSG_ADDIN_VERSION.format(client=version[:40], server=server_version))
        raise _Reject(400, "version_mismatch", MSG_VERSION.format(client=version[:40], server=server_version))
    book = data.get("book")
    if not isinstance(book, dict) or not isinstance(book.get("name"), str):
        raise _Reject(422, "invalid_payload", MSG_BAD_PAYLOAD.format(what="缺少 book（工作簿名称）"))
    if not isinstance(book.get("active_sheet_index", 0), int) or isinstance(book.get("active_sheet_index"), bool):
        raise _Reject(422, "invalid_payload", MSG_BAD_PAYLOAD.format(what="book.active_sheet_index 应为整数"))
    sheets = data.get("sheets")
    if not isinstance(sheets, list) or not sheets:
        raise _Reject(422, "invalid_payload", MSG_BAD_PAYLOAD.format(what="缺少 sheets（工作表）"))
    for k, sheet in enumerate(sheets, start=1):
        if not isinstance(sheet, dict) or not isinstance(sheet.get("name"), str):
            raise _Reject(422, "invalid_payload", MSG_BAD_PAYLOAD.format(what=f"第 {k} 个工作表缺少名称"))
        values = sheet.get("values")
        if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
            raise _Reject(422, "invalid_payload",
                          MSG_BAD_PAYLOAD.format(what=f"工作表「{sheet['name'][:40]}」的 values 应为二维数组"))
        for key in ("pictures", "tables", "notes"):
            if key in sheet and sheet[key] is not None and not isinstance(sheet[key], list):
                raise _Reject(422, "invalid_payload",
                              MSG_BAD_PAYLOAD.format(what=f"工作表「{sheet['name'][:40]}」的 {key} 应为数组"))
        for row in values:
            for cell in row:
                if not (cell is None or isinstance(cell, (str, int, float))):
                    raise _Reject(422, "invalid_payload",
                                  MSG_BAD_PAYLOAD.format(what=f"工作表「{sheet['name'][:40]}」的单元格值应为文字、数字或布尔值"))
    names = data.get("names", [])
    if not isinstance(names, list):
        raise _Reject(422, "invalid_payload", MSG_BAD_PAYLOAD.format(what="names 应为数组"))
    for entry in names:
        if (not isinstance(entry, dict) or not isinstance(entry.get("name"), str)
                or not isinstance(entry.get("book_scope"), bool)
                or (not entry["book_scope"] and not isinstance(entry.get("scope_sheet_name"), str))):
            raise _Reject(422, "invalid_payload", MSG_BAD_PAYLOAD.format(what="名称（names）的项缺少 name / book_scope"))
        for key in ("sheet_index", "scope_sheet_index"):
            idx = entry.get(key)
            if idx is not None and (not isinstance(idx, int) or isinstance(idx, bool) or not 0 <= idx < len(sheets)):
                raise _Reject(422, "invalid_payload", MSG_BAD_PAYLOAD.format(what=f"名称「{entry['name'][:40]}」的 {key} 无效"))
        if entry.get("address") is not None and not isinstance(entry["address"], str):
            raise _Reject(422, "invalid_payload", MSG_BAD_PAYLOAD.format(what=f"名称「{entry['name'][:40]}」的 address 无效"))
    if "args" in data and not isinstance(data["args"], list):
        raise _Reject(422, "invalid_payload", MSG_BAD_PAYLOAD.format(what="args 应为数组"))


def _form_book(body: bytes, content_type: str) -> bytes:
    """The ``bookData`` field of a url-encoded form (what htmx posts), as JSON bytes."""
    if "x-www-form-urlencoded" not in content_type:
        raise _Reject(415, "unsupported_form", MSG_FORM.format(kind=content_type.split(";")[0][:60]))
    try:
        fields = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                                       max_num_fields=20)
    except UnicodeDecodeError:
        raise _Reject(400, "invalid_json", MSG_NOT_UTF8) from None
    except ValueError:                                      # more fields than any of our forms has
        raise _Reject(400, "invalid_request", MSG_FORM.format(kind="字段过多")) from None
    books = fields.get("bookData") or [""]
    if len(books) > 1:               # checked one, run another: never; one book per request
        raise _Reject(400, "invalid_request", MSG_FORM_REPEATED.format(count=len(books)))
    return books[0].encode("utf-8")


def _form_of(book_json: str) -> bytes:
    """The form xlwings-server is given: only the ``bookData`` the guard checked, re-encoded, so no
    difference between two form parsers can hand it another book than the one checked."""
    return urllib.parse.urlencode({"bookData": book_json}).encode("utf-8")


def _workbook_sheet(name: str) -> bool:
    """Whether the reader may read ``name`` as 项目 or 绩效指标: it finds sheets by ``squash`` (all white
    space removed, full-width folded), so 「项 目」 is 项目 to it and must be to the work bound too."""
    return squash(name) in _DATA_SHEET_KEYS


def _check_work(data: dict) -> None:
    """413 when the book asks for more work than one request may: cells in all, and the data rows
    of 项目 and 绩效指标 times the rules that run on them."""
    sheets = data["sheets"]
    cells = sum(len(row) for sheet in sheets for row in sheet["values"])
    if cells > limits.value(MAX_CELLS):
        raise _Reject(413, "too_much_work", MSG_TOO_MUCH.format(what=f"{cells:,} 个单元格", limit=limits.value(MAX_CELLS),
                                                                 env=MAX_CELLS.env))
    rows = sum(len(sheet["values"]) for sheet in sheets if _workbook_sheet(sheet["name"]))
    from ..app import rule_count  # the tasks: loaded with the first request, not with the server
    work = rows * rule_count()
    if work > limits.value(MAX_WORK):
        raise _Reject(413, "too_much_work", MSG_TOO_MUCH.format(
            what=f"{rows:,} 行数据 × {rule_count()} 条规则", limit=limits.value(MAX_WORK), env=MAX_WORK.env))


def _parse_json(body: bytes):
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _Reject(400, "invalid_json", MSG_NOT_UTF8) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise _Reject(400, "invalid_json", MSG_BAD_JSON.format(line=err.lineno, col=err.colno)) from None
    except (RecursionError, ValueError):                     # absurd nesting, 10k-digit numbers
        raise _Reject(400, "invalid_json", MSG_JSON_LIMITS) from None


class PayloadGuard:
    """ASGI middleware in front of xlwings-server's POST routes (see the module docstring)."""

    def __init__(self, app, *, max_body_bytes: int, script_names: list[str], server_version: str,
                 app_path: str = "") -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.script_names = list(script_names)
        self.server_version = server_version
        self.app_path = app_path.rstrip("/")
        self.prefix = self.app_path + "/xlwings/"
        self.scripts_prefix = app_path.rstrip("/") + SCRIPTS_PREFIX

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("method") == "GET" and scope["path"] == self.prefix + "alert":
            scope = _translated_alert(scope)            # the ribbon's error dialog, in Chinese
        if scope["type"] != "http" or scope.get("method") != "POST" or not scope["path"].startswith(self.prefix):
            await self._call_inner(scope, receive, send)
            return
        deadline = upload_deadline()
        try:
            body = await self._read_body(scope, receive, deadline)
            try:
                replay = self._validate(scope, body)
            except _Reject as rej:
                rej.body_complete = True             # the whole body was read: nothing to drain
                raise
            seconds = limits.value(MAX_SECONDS)
        except XlToolsError as err:                  # a limit variable changed to something not a number
            logger.error("配置错误：%s", err)
            await _send_json(send, 500, "bad_configuration", f"服务器配置有误，请告诉管理员：{err}")
            return
        except _Reject as rej:
            logger.warning("拒绝请求 %s：%s %s", scope["path"].replace("\n", "\\n")[:200], rej.status, rej.code)
            if rej.status == 413 and not rej.body_complete:
                # Browsers (the task pane) report a reset connection as a network error and never show
                # the 413's message; so read and discard the rest of a moderately oversized upload first.
                await self._drain(receive, deadline)
            await _send_json(send, rej.status, rej.code, rej.message)
            return
        sent = False

        async def replay_receive():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": replay, "more_body": False}
            return await receive()                       # http.disconnect, when it comes

        try:
            await taskslots.SLOTS.acquire()        # a bounded number of tasks at once, the rest in turn
        except taskslots.Busy as busy:
            logger.warning("拒绝请求 %s：503 busy", scope["path"].replace("\n", "\\n")[:200])
            await _send_json(send, 503, "busy", busy.message, [(b"retry-after", str(busy.retry_after).encode())])
            return
        try:
            with limits.deadline(seconds):        # the worker thread inherits the budget (contextvars)
                await self._call_inner(scope, replay_receive, send)
        finally:
            taskslots.SLOTS.release()

    async def _call_inner(self, scope, receive, send) -> None:
        started = False

        async def watch_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch_send)
        except Exception:                                   # noqa: BLE001 - last line of defence
            # FastAPI's 500 handler has already answered and logged; Starlette re-raises after it.
            if not started and scope["type"] == "http":
                ref = uuid.uuid4().hex[:8]
                logger.exception("未处理的错误（错误编号 %s）", ref)
                await _send_json(send, 500, "internal_error", MSG_INTERNAL.format(ref=ref))
            elif scope["type"] != "http":
                raise

    async def _read_body(self, scope, receive, deadline: float) -> bytes:
        limit = self.max_body_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    raise _Reject(400, "invalid_request", "请求头 Content-Length 无效。") from None
                if declared > limit:
                    raise _Reject(413, "payload_too_large", MSG_TOO_LARGE.format(size=_human(declared), limit=_human(limit)))
        chunks, size = [], 0
        while True:
            try:
                message = await receive_by(receive, deadline)
            except UploadTooSlow:
                raise _Reject(408, "upload_timeout", upload_too_slow_text()) from None
            if message["type"] == "http.disconnect":
                raise _Reject(400, "client_disconnected", "客户端在发送完数据前断开了连接。")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                rej = _Reject(413, "payload_too_large", MSG_TOO_LARGE.format(size=f"超过 {_human(limit)}", limit=_human(limit)))
                rej.body_complete = not message.get("more_body", False)
                raise rej
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _drain(self, receive, deadline: float) -> None:
        cap = max(4 * self.max_body_bytes, DRAIN_CAP)
        drained = 0
        while drained <= cap:
            try:
                message = await receive_by(receive, deadline)
            except UploadTooSlow:
                return
            if message["type"] != "http.request":
                return
            drained += len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    def _validate(self, scope, body: bytes) -> bytes:
        """Raise _Reject for what xlwings-server would turn into a 500; return the body to pass on."""
        path = scope["path"]
        content_type = next((v for k, v in scope.get("headers", []) if k == b"content-type"), b"").decode("latin-1").lower()
        if path.rstrip("/") == self.prefix + "custom-functions-call":
            raise _Reject(404, "no_custom_functions", "本服务没有自定义函数（只提供「刷新」和「生成公开表」）。")
        if path.startswith(self.scripts_prefix):
            name = path[len(self.scripts_prefix):]
            if name not in self.script_names:
                raise _Reject(404, "unknown_script", MSG_NO_SCRIPT.format(name=name[:60], names="、".join(self.script_names)))
        form = "form" in content_type
        if form and not path.startswith(self.scripts_prefix):
            return body                     # htmx forms of other routes carry no book
        json_body = _form_book(body, content_type) if form else body      # htmx posts the book as bookData=
        if not json_body.strip():
            raise _Reject(400, "no_data", MSG_NO_BODY)
        data = _parse_json(json_body)
        if not isinstance(data, dict):
            kind = {list: "数组", str: "字符串", int: "数字", float: "数字", bool: "布尔值"}.get(type(data), "空值")
            raise _Reject(400, "invalid_json", MSG_NOT_OBJECT.format(kind=kind))
        if path.startswith(self.scripts_prefix):
            _check_book(data, self.server_version)
            _check_work(data)
            if "names" not in data:                 # clients before names were sent: none defined
                data["names"] = []
                fixed = json.dumps(data, ensure_ascii=False)
                return _form_of(fixed) if form else fixed.encode("utf-8")
            if form:
                return _form_of(json_body.decode("utf-8"))
        return body


def _translated_alert(scope) -> dict:
    """xlwings' alert dialog (``GET /xlwings/alert?prompt=…&title=…``) with the error in Chinese: what a
    request that never reached xl-tools left (``server.messages``)."""
    query = urllib.parse.parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True)
    fixed = [(k, client_error_text(v) if k == "prompt" else alert_title(v) if k == "title" else v) for k, v in query]
    return {**scope, "query_string": urllib.parse.urlencode(fixed).encode("ascii")}


def _install_handlers(fastapi_app, xw) -> None:
    from fastapi.exceptions import HTTPException as FastAPIHTTPException
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.exceptions import HTTPException as StarletteHTTPException

    def reply(status: int, code: str, message: str, headers=None):
        return JSONResponse({"detail": message, "code": code}, status_code=status, headers=headers)

    async def on_xltools(request, exc: XlToolsError):
        logger.info("工作簿问题：%s", exc)
        return reply(422, "workbook_error", str(exc))

    async def on_license(request, exc):
        logger.error("xlwings license: %s", exc)
        return reply(503, "license_missing", MSG_LICENSE)

    async def on_xlwings(request, exc):
        logger.warning("xlwings: %s", exc)
        return reply(400, "xlwings_error", MSG_XLWINGS.format(msg=str(exc)[:300]))

    async def on_operational(request, exc):
        logger.error("xlwings operational: %s", exc)
        return reply(503, "unavailable", "服务暂时不可用，请稍后重试。")

    known_details = {
        "No book data provided": MSG_NO_BODY,
        "'args' must be a JSON array": MSG_BAD_PAYLOAD.format(what="args 应为数组"),
        "Not Found": "没有这个地址。",
        "Method Not Allowed": "不支持这种请求方式。",
    }

    async def on_http(request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "请求无效。"
        if "extra argument" in detail or "missing required argument" in detail:
            detail = "调用参数不对：此功能不需要额外参数，请通过 Excel 加载项的按钮调用。"
        return reply(exc.status_code, "http_error", known_details.get(detail, detail),
                     headers=getattr(exc, "headers", None))

    async def on_validation(request, exc):
        return reply(422, "invalid_request", "请求的格式不对，请通过 Excel 加载项的按钮调用本服务。")

    async def on_bad_json(request, exc):
        if isinstance(exc, json.JSONDecodeError):
            return reply(400, "invalid_json", MSG_BAD_JSON.format(line=exc.lineno, col=exc.colno))
        return reply(400, "invalid_json", MSG_NOT_UTF8)

    async def on_unexpected(request, exc):
        ref = uuid.uuid4().hex[:8]
        logger.error("未处理的错误（错误编号 %s）：%s %s", ref, request.method, request.url.path,
                     exc_info=(type(exc), exc, exc.__traceback__))
        return reply(500, "internal_error", MSG_INTERNAL.format(ref=ref))

    from xlwings_server.object_handles import XlwingsOperationalError
    fastapi_app.add_exception_handler(XlToolsError, on_xltools)
    fastapi_app.add_exception_handler(xw.LicenseError, on_license)
    fastapi_app.add_exception_handler(XlwingsOperationalError, on_operational)
    fastapi_app.add_exception_handler(xw.XlwingsError, on_xlwings)
    fastapi_app.add_exception_handler(StarletteHTTPException, on_http)
    fastapi_app.add_exception_handler(FastAPIHTTPException, on_http)
    fastapi_app.add_exception_handler(RequestValidationError, on_validation)
    fastapi_app.add_exception_handler(json.JSONDecodeError, on_bad_json)
    fastapi_app.add_exception_handler(UnicodeDecodeError, on_bad_json)
    fastapi_app.add_exception_handler(Exception, on_unexpected)


def create_app(*, max_body_bytes: int | None = None):
    """The ASGI app ``xl-tools serve`` runs (also usable as ``uvicorn --factory xl_tools.server.app:create_app``).

    ``max_body_bytes`` defaults to ``XL_TOOLS_SERVER_MAX_BODY_MB`` (MB) or 20 MB. Raises XlToolsError
    when xlwings-server is not installed or no xlwings licence key is configured.
    """
    limits.check_all(limits.SERVER + taskslots.ALL)          # a limit variable that is not a whole number: refused at start
    limit = max_body_bytes if max_body_bytes is not None else max_body_bytes_from_env()
    if limit <= 0:
        raise XlToolsError("请求大小上限应大于 0")
    xw, server_main, scripts = _load_xlwings_server()
    check_providers(server_main.settings.auth_providers, dotenv_settings())
    for role in server_main.settings.auth_required_roles or []:
        if not ROLE_VALUE.match(str(role)):
            raise XlToolsError(MSG_ROLE.format(role=str(role)[:40]))
    _install_handlers(server_main.app, xw)
    return PayloadGuard(server_main.main_app, max_body_bytes=limit, script_names=script_names(scripts),
                        server_version=xw.__version__, app_path=server_main.settings.app_path)
