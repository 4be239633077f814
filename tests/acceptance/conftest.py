"""The two writers every scenario runs through: the file writer and the xlwings remote engine."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("tests.acceptance.cycle")

from .cycle import FileEngine, LiveEngine  # noqa: E402  (after the rewrite hook)


@pytest.fixture(params=["file", "live"])
def engine(request, monkeypatch):
    if request.param == "file":
        return FileEngine()
    xw = pytest.importorskip("xlwings")
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    from xl_tools.server.app import enable_remote_engine
    enable_remote_engine()
    return LiveEngine(xw)
