"""Where the upload page runs: beside the add-in in ``xl-tools serve``, or alone on one PC (``xl-tools web``).

- ``with_web(server_app)``: the add-in's ASGI app (``server.app.create_app``) with the page at
  ``{XLWINGS_APP_PATH}/web/``, behind the add-in's authentication when one is configured;
  ``create_server_app()`` is the same as a factory (``uvicorn --factory xl_tools.web.serving:create_server_app``).
- ``serve_local()``: the page alone on 127.0.0.1, the browser opened on it; no xlwings licence needed.
"""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
import webbrowser

from ..errors import XlToolsError
from .site import Refused, UploadSite

DEFAULT_LOCAL_PORT = 8770
MSG_MISSING = "缺少网页版所需的组件（{name}）：请按安装说明安装 xl-tools[web]（离线安装包中已包含）。"
MSG_LOGIN = "需要登录：本服务器启用了身份验证，请通过单位的登录入口打开本页面，或在 Excel 加载项中使用。"


def _require_web() -> None:
    for module, package in (("starlette", "starlette"), ("uvicorn", "uvicorn"), ("python_multipart", "python-multipart")):
        if importlib.util.find_spec(module) is None and (module != "python_multipart" or importlib.util.find_spec("multipart") is None):
            raise XlToolsError(MSG_MISSING.format(name=package))


async def xlwings_authentication(scope) -> None:
    """The add-in's authentication (xlwings-server's providers and required roles) for a page request;
    nothing to do when no provider is configured."""
    from fastapi import HTTPException
    from xlwings_server.config import settings
    from xlwings_server.dependencies import authenticate
    if not settings.auth_providers:
        return
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    try:
        user = await authenticate(token_string=headers.get("authorization", ""),
                                  auth_provider=headers.get("auth-provider"))
        allowed = await user.has_required_roles(settings.auth_required_roles) and await user.is_authorized()
    except HTTPException as exc:
        raise Refused(401 if exc.status_code in (400, 401) else exc.status_code, "unauthorized", MSG_LOGIN) from None
    if not allowed:
        raise Refused(403, "forbidden", "没有使用本服务的权限，请联系管理员。")


def with_web(server_app):
    """One ASGI app: the upload page under ``{app_path}/web``, everything else to ``server_app``."""
    _require_web()
    site = UploadSite(prefix=getattr(server_app, "app_path", "") + "/web",
                      max_body_bytes=getattr(server_app, "max_body_bytes", None),
                      authenticate=xlwings_authentication)

    async def app(scope, receive, send):
        if scope["type"] == "http" and site.handles(scope["path"]):
            await site(scope, receive, send)
        else:
            await server_app(scope, receive, send)
    app.site = site
    app.server_app = server_app
    return app


def create_server_app():
    """``server.app.create_app()`` with the upload page (for ``uvicorn --factory``, several workers)."""
    from ..server.app import create_app
    return with_web(create_app())


def local_app(site: UploadSite | None = None):
    """The page alone: ``/`` leads to ``/web/``."""
    _require_web()
    site = site or UploadSite(prefix="/web")

    async def app(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/" and scope["method"] in ("GET", "HEAD"):
            await send({"type": "http.response.start", "status": 307,
                        "headers": [(b"location", b"/web/"), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await site(scope, receive, send)
    app.site = site
    return app


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    return sock


def serve_local(port: int | None = None, *, open_browser: bool = True, log_level: str = "warning") -> None:
    """The page on 127.0.0.1 (``port``, else 8770, else any free port) until interrupted; the default
    browser opened on it. Reachable from this PC only: no authentication needed."""
    _require_web()
    import uvicorn
    try:
        sock = _bind(DEFAULT_LOCAL_PORT if port is None else port)
    except OSError:
        if port is not None:
            raise XlToolsError(f"端口 {port} 已被占用，请换一个端口（--port）或不指定端口") from None
        sock = _bind(0)
    chosen = sock.getsockname()[1]
    url = f"http://127.0.0.1:{chosen}/web/"
    server = uvicorn.Server(uvicorn.Config(local_app(), log_level=log_level, lifespan="off", server_header=False))
    print(f"xl-tools 网页版：{url}（只有本机能访问；关闭此窗口或按 Ctrl+C 停止）", flush=True)
    if open_browser:
        def opener():
            deadline = time.monotonic() + 30
            while not server.started and time.monotonic() < deadline:
                time.sleep(0.1)
            if server.started:
                webbrowser.open(url)
        threading.Thread(target=opener, name="xl-tools-open-browser", daemon=True).start()
    server.run(sockets=[sock])
