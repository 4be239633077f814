"""``xl_tools.similarity`` gives rapidfuzz's numbers exactly (rapidfuzz, a compiled library, has no build
for xlwings Lite's Pyodide, so the rules and the diff use this pure-Python one): the LCS length, the
Indel ratio as the same float, and the matches above a cutoff — on every pair of names of the bundled
sample and the real-table set, and on random strings (hypothesis)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_tools import similarity
from xl_tools.importer import import_path

rapidfuzz = pytest.importorskip("rapidfuzz")
from rapidfuzz import fuzz, process  # noqa: E402
from rapidfuzz.distance import LCSseq  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ALPHABET = "项目经费设备维修采购学校年（）-ab 2024≥%"


def _names() -> list[str]:
    """The sample's project and indicator names and targets, and the lines of the real-table set's texts
    (other provinces' layouts: their lines are names, targets and values as published)."""
    filing = import_path(ROOT / "xl_tools" / "data" / "sample_2024.txt").filing
    names = {p.name for p in filing.projects} | {i.name for i in filing.indicators}
    names |= {p.target for p in filing.projects if p.target}
    for path in sorted((ROOT / "tests" / "realworld" / "sources").glob("*.txt")):
        names |= {line.strip() for line in path.read_text("utf-8").splitlines() if 2 <= len(line.strip()) <= 120}
    return sorted(names)


@pytest.fixture(scope="module")
def names():
    found = _names()
    assert len(found) > 200
    return found


def test_same_numbers_on_real_names(names):
    pairs = list(itertools.combinations(names[:400], 2))
    for a, b in pairs:
        assert similarity.lcs_length(a, b) == LCSseq.similarity(a, b), (a, b)
        assert similarity.ratio(a, b) == fuzz.ratio(a, b), (a, b)
    for query in names[:60]:
        for cutoff in (0, 50, 85):
            expected = sorted(process.extract(query, names, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None),
                              key=lambda t: (-t[1], t[2]))
            assert similarity.best_matches(query, names, cutoff) == expected, (query, cutoff)


@settings(max_examples=3000, deadline=None)
@given(st.text(ALPHABET, max_size=80), st.text(ALPHABET, max_size=80))
def test_same_numbers_on_random_strings(a, b):
    assert similarity.lcs_length(a, b) == LCSseq.similarity(a, b)
    assert similarity.ratio(a, b) == fuzz.ratio(a, b)


@settings(max_examples=500, deadline=None)
@given(st.text(ALPHABET, max_size=30), st.lists(st.text(ALPHABET, max_size=30), max_size=12),
       st.sampled_from([0, 50, 66.66666666666667, 85, 100]))
def test_same_matches_above_a_cutoff(query, choices, cutoff):
    expected = sorted(process.extract(query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None),
                      key=lambda t: (-t[1], t[2]))
    assert similarity.best_matches(query, choices, cutoff) == expected
