"""The file refresh of the benchmark's 100× workbook writes exactly the bytes it wrote before its speed
work: every part of three refreshes (first, with broken cells, mended) against committed digests
(``tests/support/refresh_digests.py`` says how to regenerate them after an intended change)."""

from __future__ import annotations

import json

import pytest

from tests.support.refresh_digests import EXPECTED, run


@pytest.fixture(scope="module")
def digests(tmp_path_factory):
    return run(tmp_path_factory.mktemp("digests"))


@pytest.mark.parametrize("step", ["first", "broken", "mended"])
def test_every_part_is_byte_identical(digests, step):
    expected = json.loads(EXPECTED.read_text("utf-8"))[step]
    got = digests[step]
    assert list(got) == list(expected), "the parts or their order changed"
    changed = [name for name in expected if got[name] != expected[name]]
    assert not changed, f"{step}: parts whose bytes changed: {changed}"


def test_the_steps_use_every_path(digests):
    """The broken step adds notes and highlights, the mended one takes them off again."""
    first, broken, mended = digests["first"], digests["broken"], digests["mended"]
    notes = [n for n in first if "comments" in n]
    assert notes and any(broken[n] != first[n] for n in notes if n in broken)
    assert any(mended[n] != broken[n] for n in mended if n in broken and "comments" in n)
