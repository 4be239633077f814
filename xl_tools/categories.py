"""Indicator category frameworks (data in ``data/frameworks/*.toml``) and name/code resolution.

A framework is the category table of one family of published tables: 广东2015 (today's default: 成本
under 产出), 中央2021 (财预〔2021〕101号: 成本 a first-level category), 湘鄂申报表 (满意度 a row inside
效益, 生态效益 also written 环境效益). A region profile names its framework (``profiles.Profile``).

"11-数量指标", "数量指标", "数量", "１１－数量指标", "11" all resolve to (11, 数量指标). Names and their
``aliases`` are compared after removing 指标 and normalising width. What cannot be resolved is reported
(status), never dropped.

Each category has a ``role``: which kind of category the rules take it for, named by the code the
default framework gives that kind (1 产出, 2 效益, 3 满意度, 4 成本; 11 数量 … 31 服务对象满意度 … 43). A
framework's own codes can differ (湘鄂申报表's 25-社会公众或服务对象满意度 sits under 2-效益指标 and has
role 31), so the rules, written once, read every framework.
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
    kind: str = ""                      # the role, when it differs from the code
    aliases: tuple[str, ...] = ()       # other names tables print for it (环境效益 for 生态效益)
    added: bool = False                 # from the workbook's 代码表, not from the framework

    @property
    def role(self) -> str:
        """What the rules take this category for (see the module docstring)."""
        return self.kind or self.code

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
    def __init__(self, level1: list[Category], level2: list[Category], name: str = "") -> None:
        self.name = name                  # the framework's name ("" for a table built in code)
        self.level1 = level1
        self.level2 = level2
        self._by_code = {c.code: c for c in level1 + level2}
        self._l1_stem: dict[str, Category] = {}
        for c in level1:
            for written in (c.name, *c.aliases):
                self._l1_stem.setdefault(name_stem(written), c)
        self._l2_stem: dict[str, list[Category]] = {}
        self._resolved: dict[tuple, Resolution] = {}      # a filing repeats the same few labels
        for c in level2:
            for written in (c.name, *c.aliases):
                self._l2_stem.setdefault(name_stem(written), []).append(c)

    @classmethod
    def load(cls, text: str | None = None, name: str = "") -> "CodeTable":
        """The table of a framework file's text; None: the default framework."""
        if text is None:
            return framework_table(DEFAULT_FRAMEWORK)
        data = tomllib.loads(text)

        def category(c: dict, parent: str | None) -> Category:
            return Category(str(c["code"]), c["name"], parent, c.get("confirmed", True), str(c.get("kind", "")),
                            tuple(c.get("aliases", ())))
        l1 = [category(c, None) for c in data["level1"]]
        l2 = [category(c, str(c["parent"])) for c in data["level2"]]
        return cls(l1, l2, name)

    def with_additions(self, additions: list[tuple[str, str, str | None]]) -> "CodeTable":
        """This table plus categories a workbook's 代码表 adds: (code, name, parent code or None for a
        first-level one). Codes or names the table already has are left as they are."""
        l1, l2 = list(self.level1), list(self.level2)
        known = set(self._by_code) | {name_stem(c.name) for c in l1 + l2}
        l1_codes = {c.code for c in l1}
        for code, name, parent in additions:
            if not code or not name or code in known or name_stem(name) in known:
                continue
            if parent is None:
                l1.append(Category(code, name, None, True, added=True))
                l1_codes.add(code)
            elif parent in l1_codes:
                l2.append(Category(code, name, parent, True, added=True))
            else:
                continue
            known |= {code, name_stem(name)}
        if len(l1) == len(self.level1) and len(l2) == len(self.level2):
            return self
        return CodeTable(l1, l2, self.name)

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
            hits = list(dict.fromkeys(c for s, c in self._l1_stem.items() if s and (stem == s[: len(stem)]) and stem))
            return hits[0] if len(hits) == 1 else None
        return self._resolve(raw, by_stem, {c.code for c in self.level1})

    def _resolve_level2(self, raw: str | None, level1_code: str | None = None) -> Resolution:
        def by_stem(stem, parent):
            cands = self._l2_stem.get(stem, [])
            if not cands and stem:
                cands = list(dict.fromkeys(c for s, cs in self._l2_stem.items() for c in cs if s.startswith(stem)))
            if len(cands) > 1 and parent:
                cands = [c for c in cands if c.parent == parent] or cands
            return cands[0] if len(cands) == 1 else None
        return self._resolve(raw, by_stem, {c.code for c in self.level2}, level1_code)


DEFAULT_FRAMEWORK = "广东2015"


def _frameworks():
    return resources.files("xl_tools").joinpath("data/frameworks")


def framework_names() -> list[str]:
    return sorted(p.name[:-5] for p in _frameworks().iterdir() if p.name.endswith(".toml"))


@lru_cache(maxsize=16)
def framework_table(name: str) -> CodeTable:
    """The category table of the framework ``name`` (a file under ``data/frameworks``)."""
    if name not in framework_names():
        raise KeyError(name)
    return CodeTable.load(_frameworks().joinpath(f"{name}.toml").read_text("utf-8"), name)


def default_table() -> CodeTable:
    return framework_table(DEFAULT_FRAMEWORK)
