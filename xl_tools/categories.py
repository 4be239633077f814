"""The indicator category code table (data in ``data/codes.toml``) and name/code resolution.

"11-数量指标", "数量指标", "数量", "１１－数量指标", "11" all resolve to (11, 数量指标). Names are compared
after removing 指标 and normalising width. What cannot be resolved is reported (status), never dropped.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .textnorm import squash

OK, UNKNOWN, CONFLICT, EMPTY = "ok", "unknown", "conflict", "empty"

_SPLIT = re.compile(r"^\s*(\d+)\s*(?:[-.、:_\s]\s*)?(.*)$")


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    parent: str | None = None
    confirmed: bool = True

    @property
    def label(self) -> str:
        """"11-数量指标" form used in the workbook and the published table."""
        return f"{self.code}-{self.name}"


@dataclass(frozen=True)
class Resolution:
    """What a category cell says: the written code/name and the category they resolve to."""

    raw: str
    code: str            # as written ("" if none)
    name: str            # as written ("" if none)
    category: Category | None
    status: str          # ok | unknown | conflict | empty

    @property
    def ok(self) -> bool:
        return self.status == OK


@lru_cache(maxsize=4096)
def split_label(text: str | None) -> tuple[str, str]:
    """"11-数量指标" → ("11", "数量指标"); "数量指标" → ("", "数量指标"); full-width accepted.

    Cached: a filing writes the same few labels on every indicator row (one pair of strings for all)."""
    norm = squash(text or "")
    if not norm:
        return "", ""
    m = _SPLIT.match(norm)
    if m:
        return m.group(1), m.group(2).strip()
    return "", norm


def name_stem(name: str) -> str:
    """Name compared without 指标 and width: 数量指标 → 数量, 服务对象满意度指标 → 服务对象满意度."""
    return squash(name).replace("指标", "")


class CodeTable:
    def __init__(self, level1: list[Category], level2: list[Category]) -> None:
        self.level1 = level1
        self.level2 = level2
        self._by_code = {c.code: c for c in level1 + level2}
        self._l1_stem = {name_stem(c.name): c for c in level1}
        self._l2_stem: dict[str, list[Category]] = {}
        self._resolved: dict[tuple, Resolution] = {}      # a filing repeats the same few labels
        for c in level2:
            self._l2_stem.setdefault(name_stem(c.name), []).append(c)

    @classmethod
    def load(cls, text: str | None = None) -> "CodeTable":
        if text is None:
            text = resources.files("xl_tools").joinpath("data/codes.toml").read_text("utf-8")
        data = tomllib.loads(text)
        l1 = [Category(str(c["code"]), c["name"], None, c.get("confirmed", True)) for c in data["level1"]]
        l2 = [Category(str(c["code"]), c["name"], str(c["parent"]), c.get("confirmed", True))
              for c in data["level2"]]
        return cls(l1, l2)

    def get(self, code: str) -> Category | None:
        return self._by_code.get(code)

    def children(self, level1_code: str) -> list[Category]:
        return [c for c in self.level2 if c.parent == level1_code]

    def _resolve(self, raw: str | None, by_stem, level_codes: set[str],
                 parent: str | None = None) -> Resolution:
        raw = raw or ""
        code, name = split_label(raw)
        if not code and not name:
            return Resolution(raw, "", "", None, EMPTY)
        by_code = self._by_code.get(code) if code in level_codes else None
        by_name = None
        if name:
            found = by_stem(name_stem(name), parent)
            by_name = found
        if code and name:
            if by_code and by_name and by_code == by_name:
                return Resolution(raw, code, name, by_code, OK)
            if by_code and by_name is None and name_stem(name) == "":
                return Resolution(raw, code, name, by_code, OK)
            if by_code or by_name:
                return Resolution(raw, code, name, by_code or by_name, CONFLICT)
            return Resolution(raw, code, name, None, UNKNOWN)
        if code:
            return Resolution(raw, code, name, by_code, OK if by_code else UNKNOWN)
        return Resolution(raw, code, name, by_name, OK if by_name else UNKNOWN)

    def resolve_level1(self, raw: str | None) -> Resolution:
        key = (1, raw, None)
        hit = self._resolved.get(key)
        if hit is None:
            hit = self._resolved[key] = self._resolve_level1(raw)
        return hit

    def resolve_level2(self, raw: str | None, level1_code: str | None = None) -> Resolution:
        key = (2, raw, level1_code)
        hit = self._resolved.get(key)
        if hit is None:
            hit = self._resolved[key] = self._resolve_level2(raw, level1_code)
        return hit

    def _resolve_level1(self, raw: str | None) -> Resolution:
        def by_stem(stem, _parent):
            if stem in self._l1_stem:
                return self._l1_stem[stem]
            hits = [c for s, c in self._l1_stem.items() if s and (stem == s[: len(stem)]) and stem]
            return hits[0] if len(hits) == 1 else None
        return self._resolve(raw, by_stem, {c.code for c in self.level1})

    def _resolve_level2(self, raw: str | None, level1_code: str | None = None) -> Resolution:
        def by_stem(stem, parent):
            cands = self._l2_stem.get(stem, [])
            if not cands and stem:
                cands = [c for s, cs in self._l2_stem.items() for c in cs if s.startswith(stem)]
            if len(cands) > 1 and parent:
                cands = [c for c in cands if c.parent == parent] or cands
            return cands[0] if len(cands) == 1 else None
        return self._resolve(raw, by_stem, {c.code for c in self.level2}, level1_code)


@lru_cache(maxsize=1)
def default_table() -> CodeTable:
    return CodeTable.load()
