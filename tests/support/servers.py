"""A real xlwings Server for tests: the licence environment while a test module runs, and uvicorn on
127.0.0.1 in a thread (stopped and joined afterwards)."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time

ENV_KEYS = ["XLWINGS_LICENSE_KEY", "XLWINGS_ON_SERVER", "XLWINGS_PROJECT_DIR", "XLWINGS_PROJECT_NAME",
            "XLWINGS_ENABLE_SOCKETIO", "XLWINGS_ENABLE_EXAMPLES", "XLWINGS_ENABLE_HOTRELOAD",
            *[f"XLWINGS_MANIFEST_ID_{e}" for e in ("DEV", "QA", "UAT", "STAGING", "PROD")]]


@contextlib.contextmanager
def licensed_environment():
    """XLWINGS_LICENSE_KEY=noncommercial while the block runs; the XLWINGS_* variables restored after."""
    saved = {k: os.environ.get(k) for k in ENV_KEYS}
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def uvicorn_thread(app, *, start_timeout: float = 15):
    """Serve ``app`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    import uvicorn
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="xl-tools-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"uvicorn did not start within {start_timeout} s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        if thread.is_alive():
            raise RuntimeError("uvicorn did not stop")


def wait_until_serving(proc, base: str, *, timeout: float = 90) -> None:
    """Wait until the server process ``proc`` answers ``GET base/`` with 200; AssertionError (with its
    stderr) when it exits first or does not answer within ``timeout`` seconds."""
    import httpx
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {proc.communicate()[1][-2000:]}")
        try:
            if httpx.get(base + "/", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"the server did not answer within {timeout:.0f} s")
        time.sleep(0.2)
