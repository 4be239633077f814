"""What the 绩效目标 text states: each quantity with the words that name its measure, and the indicator
that measures the same thing (TXT004 compares their numbers).

A quantity in running text is read as a value is (``valuegrammar.quantities``: operator, number, the whole
unit — 人次 is not 人, 万元 is not 万). The words that name its measure are those of its clause before the
number (设备验收合格率100%) and after the unit (完成3个实训室改造), up to the neighbouring quantity. An
indicator measures the same thing when its value has the same unit (money converted to 万元) and its
name stands next to the number: the name without its unit word (培训人次 → 培训) is written there, or the
name's head (its last two characters: 面积, 满意度) is written there and most of the name is too — or,
when it is the project's only indicator with that unit, the head and a little more. When the text names
a measure more than once, the indicator agrees when any of those numbers is its value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Sequence

from rapidfuzz.distance import LCSseq

from ..textnorm import to_halfwidth
from ..valuegrammar import Quantity, quantities
from .measures import MONEY_SCALE, base_unit, canonical, per_part, to_wan

_SPACE = re.compile(r"\s")         # str.isspace's characters
_CLAUSE = re.compile(r"[,，。;；、!！?？:：]")
_COUNT_WORDS = ("数量", "人数", "次数", "个数", "总数", "数")
MIN_SHARE = 0.5          # share of the name's characters (in order) that must stand next to the number
HEAD = 2                 # characters at the end of a name that say what kind of measure it is


@dataclass(frozen=True, slots=True)
class Statement:
    quantity: Quantity
    words: str           # the words next to the number that name what it measures
    start: int           # where the statement starts (its clause, or after the previous quantity)
    end: int             # where it ends (its clause, or the next quantity)
    unit: str            # the unit it is compared in, and the amount in it (``unit_key``)
    amount: Decimal


@lru_cache(maxsize=8192)
def statements(text: str) -> tuple[Statement, ...]:
    """The quantities of a squashed (half-width, no spaces) text with the words that name them; not a
    year (2024年), an ordinal (第46届) or a quantity without a unit."""
    found = quantities(text)
    out = []
    for k, q in enumerate(found):
        if not q.unit or text.startswith("第", q.num_start - 1) or (
                q.unit == "年" and 1900 <= q.value <= 2100):
            continue
        before = [m.end() for m in _CLAUSE.finditer(text, 0, q.start)]
        start = max(before[-1] if before else 0, found[k - 1].end if k else 0)
        after = _CLAUSE.search(text, q.end)
        stop = min(after.start() if after else len(text), found[k + 1].start if k + 1 < len(found) else len(text))
        end = max(stop, q.end)
        out.append(Statement(q, text[start:q.start] + text[q.end:end], start, end, *unit_key(q.value, q.unit)))
    return tuple(out)


@lru_cache(maxsize=4096)
def unit_key(value: Decimal, unit: str) -> tuple[str, Decimal]:
    """What a number is compared as: money in 万元 (per the same thing), other units as written
    (synonyms folded: ㎡ = 平方米, 名 = 人)."""
    if base_unit(unit) in MONEY_SCALE:
        return "万元/" + per_part(unit), to_wan(value, unit)
    return canonical(unit), value


@lru_cache(maxsize=8192)
def stem(core: str, unit: str) -> str:
    """An indicator name without the unit or count word it ends with: 培训人次 → 培训, 新增监控前端数量 →
    新增监控前端 (the number in the text carries the unit itself)."""
    out = core
    for word in (unit, canonical(unit)):
        if word and out.endswith(word) and len(out) > len(word):
            out = out[:-len(word)]
            break
    for word in _COUNT_WORDS:
        if out.endswith(word) and len(out) > len(word) + 1:
            return out[:-len(word)]
    return out


def closeness(name: str, words: str) -> float:
    """How surely ``words`` name the measure ``name`` (a stem): 1 when written there whole; when its head
    is written there with more of it, the share of its characters written there (in order); else 0
    (服务学生 does not name 资助学生: only the head is shared)."""
    if not name:
        return 0.0
    if name in words:
        return 1.0
    if name[-HEAD:] not in words:
        return 0.0
    shared = LCSseq.similarity(name, words)
    return shared / len(name) if shared > HEAD else 0.0


def same_measure(candidates: list[tuple[str, object]], words: str) -> tuple[object, float] | None:
    """The candidate (stem, item) whose name stands next to the number, and how surely; or None."""
    best, score = None, 0.0
    for name, item in candidates:
        s = closeness(name, words)
        if s > score:
            best, score = item, s
    if score >= MIN_SHARE or (score > 0 and len(candidates) == 1):
        return best, score
    return None


@lru_cache(maxsize=1024)
def _kept(original: str) -> Sequence[int]:
    """Where each character of ``squash(original)`` stands in ``original`` (to_halfwidth keeps every
    character's place, and white space stays white space)."""
    if not _SPACE.search(original):
        return range(len(original))               # the usual case: nothing squashed out
    return tuple(i for i, c in enumerate(to_halfwidth(original)) if not c.isspace())


def as_written(original: str, start: int, end: int) -> str:
    """The characters of ``original`` behind ``squash(original)[start:end]`` (full-width digits and
    spaces as the person typed them)."""
    kept = _kept(original)
    if not kept or start >= len(kept):
        return ""
    return original[kept[start]:kept[min(end, len(kept)) - 1] + 1]
