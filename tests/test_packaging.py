"""Installing xl-tools prints nothing but pip's own lines: the first thing a new user sees (``make demo``)
is not a page of setuptools warnings, and the wheel holds the data files the commands read."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from .conftest import ROOT


def test_the_wheel_builds_without_warnings_and_carries_the_data(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout + proc.stderr
    assert "BuildBackendWarning" not in out and "is absent from the `packages` configuration" not in out, out[-3000:]
    wheel = next(tmp_path.glob("xl_tools-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in ("xl_tools/data/catalogue.toml", "xl_tools/data/frameworks/广东2015.toml", "xl_tools/data/sample_2024.txt",
                 "xl_tools/data/profiles/广东.toml"):
        assert data in names, data
    assert not [n for n in names if "__pycache__" in n]
