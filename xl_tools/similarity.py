"""String similarity in pure Python: the longest common subsequence and the Indel ratio.

The same numbers as rapidfuzz's ``LCSseq.similarity`` and ``fuzz.ratio`` (``tests/test_similarity.py``
compares them on the real names and on random strings when rapidfuzz is installed), without a compiled
dependency, so the refresh and the 公开表 run where rapidfuzz has no build (xlwings Lite: Pyodide).

The LCS length is the bit-parallel algorithm of Allison and Dix (1986) as rapidfuzz computes it: one row
of the dynamic programme is one Python integer, so a pair of names costs a few big-integer operations per
character of the second string.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def _masks(a: str) -> dict[str, int]:
    masks: dict[str, int] = {}
    for i, ch in enumerate(a):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    return masks


def lcs_length(a: str, b: str) -> int:
    """The length of the longest common subsequence of ``a`` and ``b`` (rapidfuzz ``LCSseq.similarity``)."""
    if not a or not b:
        return 0
    if len(b) > len(a):
        a, b = b, a                      # the longer string in the bit vector: fewer steps
    masks = _masks(a)
    full = (1 << len(a)) - 1
    row = full
    for ch in b:
        matches = masks.get(ch)
        if matches:
            u = row & matches
            row = ((row + u) | (row - u)) & full
    return len(a) - row.bit_count()


def _normalized(a: str, b: str) -> float:
    """1 − Indel distance / (|a| + |b|), in rapidfuzz's float operations and order (so the same float)."""
    total = len(a) + len(b)
    distance = total - 2 * lcs_length(a, b)
    return 1.0 - (distance / total if total else 0)


def ratio(a: str, b: str) -> float:
    """The normalised Indel similarity × 100, 0–100 (rapidfuzz ``fuzz.ratio``): 2·LCS / (|a| + |b|);
    100 for two empty strings."""
    return _normalized(a, b) * 100


def best_matches(query: str, choices: list[str], cutoff: float) -> list[tuple[str, float, int]]:
    """(choice, ratio, index) for every choice whose ratio to ``query`` is at least ``cutoff``, best first
    (rapidfuzz ``process.extract(query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)``:
    the cutoff compared with the normalised similarity, as it does)."""
    scored = [(c, _normalized(query, c), k) for k, c in enumerate(choices)]
    kept = [(c, sim * 100, k) for c, sim, k in scored if sim >= cutoff / 100]
    return sorted(kept, key=lambda s: (-s[1], s[2]))
