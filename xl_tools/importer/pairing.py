"""Pair project names (with their amounts) with content blocks (绩效目标 + 绩效指标).

Text extraction emits a row's name cell before, after or between other rows' content, so the text
order does not say which content belongs to which name. We pair them as an assignment problem:

* **What they say** – ``Similarity``: the name's character bigrams found in the content (target
  text and indicator list), each weighted by its inverse document frequency over all project names
  and summed (divided by ``SIMILARITY_SCALE``). The unit / department name that starts many project
  names is cut out of names and contents first; words every name shares (项目, 经费) weigh ~0, the
  distinctive ones (免学费, 2023年智慧校园, 维修维护) decide. Years are bigrams like any other.
* **Where they are** – ``position_score``: a content block right after a name scores 1.0, right
  before it 0.8, and each block in between halves that; blocks on another page score -1, because a
  published row never leaves its page in the text we have seen.

The score of a pair is ``similarity + 0.5 × position``. The assignment that maximises the sum of the
scores is found exactly with the Hungarian algorithm (O(n³), solved page by page when every page has
as many names as content blocks, else over the unbalanced pages together). A greedy choice is not
enough: a content block can be nearest to the wrong name and only the joint optimum frees it.

Certainty: for every chosen pair we solve again with that pair forbidden; the loss of total score is
the pair's margin. A margin below ``UNSURE_MARGIN`` is reported as an unsure pairing (warning); a
pair whose content shares almost nothing with the name (similarity below ``WEAK_SIMILARITY``) is
reported as paired by position only (info). Names or contents left over are reported by the caller.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from .. import limits
from ..textnorm import squash
from .blocks import ContentBlock, NameBlock

POSITION_WEIGHT = 0.5
SIMILARITY_SCALE = 4.0
UNSURE_MARGIN = 0.15
WEAK_SIMILARITY = 0.12
_FORBIDDEN = -1e6
_SHIFT = 10.0
MAX_GROUP = 32          # names solved together at most (see ``_windows``)


def bigrams(text: str) -> set[str]:
    key = squash(text)
    return {key[k:k + 2] for k in range(len(key) - 1)}


@dataclass
class Pair:
    name: NameBlock
    content: ContentBlock
    similarity: float
    position: float
    margin: float          # loss of total score if this pair were not allowed (inf if no alternative)

    @property
    def unsure(self) -> bool:
        return self.margin < UNSURE_MARGIN

    @property
    def position_only(self) -> bool:
        return self.similarity < WEAK_SIMILARITY


@dataclass
class Pairing:
    pairs: list[Pair]
    unpaired_names: list[NameBlock]
    unpaired_contents: list[ContentBlock]


def owner_prefixes(names: list[str], owners: list[str]) -> list[str]:
    """The forms of the unit / department names that start project names ("广州市机电技师学院",
    "市机电技师学院"), longest first; they say nothing about which content is whose."""
    found: set[str] = set()
    keys = [squash(n) for n in names]
    owner_keys = {squash(owner) for owner in owners}
    longest = max((len(o) for o in owner_keys), default=0)
    starts = {k[:n] for k in set(keys) for n in range(1, min(len(k), longest) + 1)}   # every name's beginnings
    for okey in owner_keys:
        for cut in range(0, max(len(okey) - 2, 0)):
            suffix = okey[cut:]
            if suffix in starts:
                found.add(suffix)
    if not found and len(keys) > 1:
        common = keys[0]
        for k in keys[1:]:
            while common and not k.startswith(common):
                common = common[:-1]
        if len(common) >= 3:
            found.add(common)
    return sorted(found, key=len, reverse=True)


def strip_owners(text: str, prefixes: list[str]) -> str:
    key = squash(text)
    for prefix in prefixes:
        key = key.replace(prefix, "|")
    return key


class Similarity:
    """IDF-weighted bigrams a name shares with a content block's text."""

    def __init__(self, names: list[NameBlock], prefixes: list[str] = ()) -> None:
        self.prefixes = list(prefixes)
        self.name_grams = [self.grams(n.name) for n in names]
        df = Counter(g for grams in self.name_grams for g in grams)
        total = len(names)
        self.idf = {g: math.log((total + 1) / (c + 0.5)) for g, c in df.items()}

    def grams(self, text: str) -> set[str]:
        return {g for g in bigrams(strip_owners(text, self.prefixes)) if "|" not in g}

    def score(self, name_index: int, content_grams: set[str]) -> float:
        grams = self.name_grams[name_index]
        hit = sum(max(self.idf[g], 0.0) for g in grams if g in content_grams)
        return hit / SIMILARITY_SCALE


def position_score(name: NameBlock, content: ContentBlock, between: int) -> float:
    if name.page != content.page:
        return -1.0
    base = 1.0 if content.seq > name.seq else 0.8
    return base * 0.5 ** between


def hungarian(score: list[list[float]]) -> list[int]:
    """Maximum-score assignment on a square matrix; returns column chosen for each row."""
    n = len(score)
    inf = float("inf")
    cost = [[-s for s in row] for row in score]
    u = [0.0] * (n + 1)
    v = [0.0] * (n + 1)
    p = [0] * (n + 1)
    way = [0] * (n + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            row = cost[i0 - 1]
            for j in range(1, n + 1):
                if not used[j]:
                    cur = row[j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    result = [0] * n
    for j in range(1, n + 1):
        if p[j]:
            result[p[j] - 1] = j - 1
    return result


def _solve(matrix: list[list[float]], rows: int, cols: int) -> tuple[list[tuple[int, int]], float]:
    """Assignment on a rows×cols score matrix (padded with 0-score dummies); real pairs and total."""
    n = max(rows, cols)
    square = [[(matrix[i][j] + _SHIFT if i < rows and j < cols else 0.0) for j in range(n)]
              for i in range(n)]
    cols_of = hungarian(square)
    pairs = [(i, cols_of[i]) for i in range(rows) if cols_of[i] < cols
             and matrix[i][cols_of[i]] > _FORBIDDEN / 2]
    total = sum(matrix[i][j] + _SHIFT for i, j in pairs)
    return pairs, total


def pair_blocks(names: list[NameBlock], contents: list[ContentBlock],
                owners: list[str] = (), by_position_only: bool = False) -> Pairing:
    """Assign content blocks to project names (see the module docstring); ``owners`` are the unit and
    department names, whose words are left out of the comparison.

    Scores are computed only within a group (``_groups``: a page, or the pages solved together), so
    the work grows with the input's length, not its square."""
    if not names or not contents:
        return Pairing([], list(names), list(contents))
    if by_position_only:
        return _pair_in_place(names, contents)
    sim = Similarity(names, owner_prefixes([n.name for n in names], list(owners)))
    content_grams = [sim.grams(c.target + "|" + c.indicator_text) for c in contents]
    # order of all blocks on each page, to count the blocks between a name and a content
    order = sorted([(b.page, b.seq, id(b)) for b in [*names, *contents]])
    rank = {key: k for k, (_, _, key) in enumerate(order)}

    pairs: list[Pair] = []
    paired_n, paired_c = set(), set()
    for name_idx, content_idx in _groups(names, contents):
        limits.check_time()
        sims = {(i, j): sim.score(i, content_grams[j]) for i in name_idx for j in content_idx}
        poss = {(i, j): position_score(names[i], contents[j], abs(rank[id(names[i])] - rank[id(contents[j])]) - 1)
                for i in name_idx for j in content_idx}
        matrix = [[sims[i, j] + POSITION_WEIGHT * poss[i, j] for j in content_idx] for i in name_idx]
        chosen, best = _solve(matrix, len(name_idx), len(content_idx))
        for a, b in chosen:
            forbidden = [row[:] for row in matrix]
            forbidden[a][b] = _FORBIDDEN
            _, alt = _solve(forbidden, len(name_idx), len(content_idx))
            margin = best - alt
            i, j = name_idx[a], content_idx[b]
            pairs.append(Pair(names[i], contents[j], sims[i, j], poss[i, j], margin))
            paired_n.add(i)
            paired_c.add(j)
    pairs.sort(key=lambda p: p.name.seq)
    return Pairing(pairs, [n for i, n in enumerate(names) if i not in paired_n],
                   [c for j, c in enumerate(contents) if j not in paired_c])


def _groups(names: list[NameBlock], contents: list[ContentBlock]) -> list[tuple[list[int], list[int]]]:
    """Pages with as many names as contents are solved alone; the other pages together, cut into
    windows of at most ``MAX_GROUP`` names in text order (``_windows``)."""
    by_page_n: dict[int, list[int]] = {}
    by_page_c: dict[int, list[int]] = {}
    for i, n in enumerate(names):
        by_page_n.setdefault(n.page, []).append(i)
    for j, c in enumerate(contents):
        by_page_c.setdefault(c.page, []).append(j)
    groups, rest_n, rest_c = [], [], []
    for page in sorted(by_page_n.keys() | by_page_c.keys()):
        ni, ci = by_page_n.get(page, []), by_page_c.get(page, [])
        if len(ni) == len(ci):
            groups.extend(_windows(ni, ci, names, contents))
        else:
            rest_n += ni
            rest_c += ci
    if rest_n or rest_c:
        groups.extend(_windows(rest_n, rest_c, names, contents))
    return groups


def _windows(ni: list[int], ci: list[int], names: list[NameBlock],
             contents: list[ContentBlock]) -> list[tuple[list[int], list[int]]]:
    """A group as is when it has at most ``MAX_GROUP`` names; else consecutive windows of that many
    names in text order, each with the contents that follow its names (the exact assignment costs
    the fourth power of a group's size, with its margins: a text of one endless page stays linear,
    at the price of optimality only across a window's edge)."""
    if len(ni) <= MAX_GROUP:
        return [(ni, ci)] if ni or ci else []
    blocks = sorted([((names[i].page, names[i].seq), 0, i) for i in ni]
                    + [((contents[j].page, contents[j].seq), 1, j) for j in ci])
    out: list[tuple[list[int], list[int]]] = [([], [])]
    for _key, kind, k in blocks:
        if kind == 0:
            if len(out[-1][0]) == MAX_GROUP:
                out.append(([], []))
            out[-1][0].append(k)
        else:
            out[-1][1].append(k)
    return out


def _pair_in_place(names: list[NameBlock], contents: list[ContentBlock]) -> Pairing:
    """Blocks read from the same table row (PDF cells) carry the same ``seq``: pair those."""
    by_seq = {c.seq: c for c in contents}
    pairs = [Pair(n, by_seq[n.seq], 1.0, 1.0, float("inf")) for n in names if n.seq in by_seq]
    taken = {id(p.content) for p in pairs}
    return Pairing(pairs, [n for n in names if n.seq not in by_seq],
                   [c for c in contents if id(c) not in taken])
