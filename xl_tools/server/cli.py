"""``xl-tools serve``: run the xlwings Server for the Office.js add-in with uvicorn."""

from __future__ import annotations

import ipaddress
import os

from ..errors import XlToolsError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MSG_OPEN_WITHOUT_AUTH = ("拒绝在 {host} 上启动：这个地址其他电脑也能访问，而服务器没有配置身份验证（XLWINGS_AUTH_PROVIDERS），"
                         "任何人都能调用。请配置身份验证（见 docs/服务器部署.md），或只监听本机（--host 127.0.0.1）"
                         "并由反向代理对外；仅在隔离的测试网络中可加 --insecure。")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False          # a host name or 0.0.0.0 / :: (every interface)


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, max_body_mb: float | None = None,
          ssl_certfile: str | None = None, ssl_keyfile: str | None = None,
          forwarded_allow_ips: str | None = None, log_level: str = "info", insecure: bool = False,
          wrap=None) -> None:
    """Serve the add-in (task pane, manifest, the 刷新 / 生成公开表 scripts) until interrupted.

    - ``host``/``port``: where to listen; the default 127.0.0.1 is reachable from this machine only
      (put a reverse proxy with HTTPS in front for other machines).
    - ``max_body_mb``: largest workbook payload accepted (default: ``XL_TOOLS_SERVER_MAX_BODY_MB`` or 20).
    - ``ssl_certfile``/``ssl_keyfile``: serve HTTPS directly (Office.js add-ins require HTTPS).
    - ``forwarded_allow_ips``: the reverse proxy's address(es) whose X-Forwarded-* headers to trust
      (so the manifest gets https:// URLs); defaults to uvicorn's (127.0.0.1).
    - ``insecure``: allow a non-loopback ``host`` without an authentication provider (refused
      otherwise: every machine that reaches the port could call the scripts).
    - ``wrap``: a function given the ASGI app, returning the app to run (the command line adds the
      upload page, ``web.serving.with_web``).

    Raises XlToolsError (one Chinese line) when the server extra or the xlwings licence key is missing,
    or the options are inconsistent.
    """
    if not isinstance(port, int) or not 0 < port < 65536:
        raise XlToolsError(f"端口 {port} 无效，应为 1–65535 之间的整数")
    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise XlToolsError("HTTPS 需要同时指定证书文件（--ssl-certfile）和私钥文件（--ssl-keyfile）")
    for path in (ssl_certfile, ssl_keyfile):
        if path and not os.path.isfile(path):
            raise XlToolsError(f"找不到文件 {path}")
    limit = None
    if max_body_mb is not None:
        if max_body_mb <= 0:
            raise XlToolsError("--max-body-mb 应大于 0")
        limit = int(max_body_mb * 1024 * 1024)
    try:
        import uvicorn
    except ImportError:
        raise XlToolsError("未安装 xlwings Server：请用 xl-tools 的安装包安装 server 组件（pip install \"xl_tools-版本-py3-none-any.whl[server]\"）。") from None

    from .app import create_app
    app = create_app(max_body_bytes=limit)
    if wrap is not None:
        app = wrap(app)
    from xlwings_server.config import settings
    if not is_loopback(host) and not settings.auth_providers:
        if not insecure:
            raise XlToolsError(MSG_OPEN_WITHOUT_AUTH.format(host=host))
        print(f"警告：{host} 上的服务没有身份验证，任何能访问这个端口的人都能调用（--insecure）。")
    scheme = "https" if ssl_certfile else "http"
    shown = f"[{host}]" if ":" in host else host
    base = f"{scheme}://{shown}:{port}"
    print(f"xl-tools 服务：{base}/taskpane.html（任务窗格），加载项清单：{base}/manifest.xml"
          + (f"，网页版（WPS 等）：{base}{app.site.prefix}/" if hasattr(app, "site") else "") + "，按 Ctrl+C 停止。")
    if scheme == "http" and not is_loopback(host):
        print("注意：Excel 加载项只能通过 HTTPS 访问，请在前面配置 HTTPS 反向代理。")
    kwargs = {}
    if forwarded_allow_ips:
        kwargs["forwarded_allow_ips"] = forwarded_allow_ips
    uvicorn.run(app, host=host, port=port, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile,
                proxy_headers=True, log_level=log_level, server_header=False, **kwargs)
