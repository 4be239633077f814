"""Shared fixtures. Environment for xlwings Server must be set before anything imports xlwings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "xl_tools" / "data"
SEED_TXT = DATA / "sample_2024.txt"
SEED_JSON = DATA / "sample_2024.expected.json"

HAS_SOFFICE = shutil.which("soffice") is not None
needs_soffice = pytest.mark.skipif(not HAS_SOFFICE and os.environ.get("CI") != "true",
                                   reason="LibreOffice (soffice) not installed")


@pytest.fixture(scope="session")
def seed_filing():
    from xl_tools.jsonio import load_json
    return load_json(SEED_JSON)


@pytest.fixture
def seed_workbook(tmp_path, seed_filing):
    from xl_tools.workbook import build_workbook
    path = tmp_path / "seed.xlsx"
    build_workbook(path, seed_filing)
    return path


def soffice_convert(src: Path, fmt: str, outdir: Path, infilter: str | None = None) -> Path:
    """Convert with LibreOffice headless (a private profile so parallel runs don't collide);
    ``infilter`` names the import filter and its options (e.g. ``CSV:44,34,76,1``: comma, quote, UTF-8)."""
    profile = outdir / ".lo-profile"
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           *([f"--infilter={infilter}"] if infilter else []), "--convert-to", fmt, "--outdir", str(outdir), str(src)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    assert proc.returncode == 0 and out.exists(), (proc.stdout, proc.stderr)
    return out


@pytest.fixture
def licensed():
    """xlwings' remote engine, licensed as the add-in's server runs it: the desktop button and the add-in
    driven without Excel (``xw.Book(json=…)``); skipped where xlwings is not installed."""
    pytest.importorskip("xlwings")
    from tests.support.servers import licensed_environment
    with licensed_environment():
        from xl_tools.server.app import enable_remote_engine
        enable_remote_engine()
        yield


@pytest.fixture(autouse=True)
def _no_mock_caller_after():
    """``xw.Book.set_mock_caller()`` sets a class attribute: a test that presses the desktop button through
    it would leave every later test's ``desktop.caller()`` finding that book instead of refusing."""
    yield
    xw = sys.modules.get("xlwings")
    if xw is not None and hasattr(xw.Book, "_mock_caller"):
        del xw.Book._mock_caller
