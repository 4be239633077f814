"""One identity for the names of units and departments (资金使用单位, 部门名称).

People type the same unit in several forms: 「某区卫生健康局（本级）」 with full-width brackets in the
unit table, 「某区卫生健康局(本级)」 with half-width ones in a project row, a full-width digit, a space
or an invisible character pasted from a document. All of these name one unit. ``unit_key`` is the
comparison key every task uses (check, refresh, publish, diff, batch, import): two names with the same
key are the same unit. The names themselves are never changed; a filing shows the spelling of its unit
table (``UnitNames.canonical``), and rule FLG009 tells the person when two spellings of one unit are in
use.

What the key folds (and nothing else):

- width: full-width ASCII forms → ASCII (（）→ (), ０-９ → 0-9, Ａ → A), the ideographic space;
- brackets: 〔〕【】［］ and [] → ();
- white space anywhere (spaces, tabs, line breaks, the no-break and ideographic spaces) and invisible
  format characters (zero-width spaces, the BOM, bidirectional controls): removed.

Letters keep their case, and different words stay different names: 「卫健局」 is not 「卫生健康局」.
Names a reviewer knows to be one unit although they are written differently (an old name, a short
name) go in an alias list::

    names = UnitNames(aliases={"某区卫生健康局": ["某区卫健局", "某区卫生和计划生育局"]})
    names.same("某区卫健局", "某区卫生健康局")     # True
    names.canonical("某区卫 健局")                 # "某区卫生健康局"

An alias list maps the name to show to the other names of the same unit; aliases are compared by
their keys too, so an alias need not be written in every width. ``UnitNames`` also remembers every
spelling it has been given (``add``), to show one name per unit and to list the spellings of a unit
that were written in more than one form (``variants``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Mapping

from .textnorm import drop_invisible, to_halfwidth

_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")", "［": "(", "］": ")", "[": "(",
                           "]": ")", "﹙": "(", "﹚": ")"})
_WS = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def unit_key(name: str | None) -> str:
    """The key under which two unit or department names are the same (see the module docstring).
    Cached: a filing names a few units on thousands of rows, and a check asks for the key again and again."""
    if not name:
        return ""
    return _WS.sub("", to_halfwidth(drop_invisible(str(name))).translate(_BRACKETS))


def same_name(a: str | None, b: str | None) -> bool:
    """Whether ``a`` and ``b`` name the same unit (equal keys, both non-empty)."""
    key = unit_key(a)
    return bool(key) and key == unit_key(b)


class UnitNames:
    """Unit (or department) names grouped by identity, with an optional alias list.

    ``canonical(name)`` is the spelling shown for the unit: the alias list's name when it has one,
    else the first spelling given to ``add`` (a filing adds its unit table first, so its spelling
    wins), else ``name`` itself.
    """

    def __init__(self, aliases: Mapping[str, Iterable[str]] | None = None) -> None:
        self._alias: dict[str, str] = {}          # key of an alias → key of the name it stands for
        self._shown: dict[str, str] = {}          # key → the spelling shown
        self._spellings: dict[str, list[str]] = {}
        for name, others in (aliases or {}).items():
            main = unit_key(name)
            if not main:
                continue
            self._shown.setdefault(main, name)
            for other in others:
                if unit_key(other) and unit_key(other) != main:
                    self._alias[unit_key(other)] = main

    def key(self, name: str | None) -> str:
        """``unit_key`` with the alias list applied."""
        key = unit_key(name)
        return self._alias.get(key, key)

    def same(self, a: str | None, b: str | None) -> bool:
        key = self.key(a)
        return bool(key) and key == self.key(b)

    def add(self, name: str | None) -> str:
        """Remember ``name`` as a spelling of its unit; returns the unit's shown spelling ("" for none)."""
        key = self.key(name)
        if not key:
            return ""
        shown = self._shown.setdefault(key, name)
        spellings = self._spellings.setdefault(key, [])
        if name not in spellings:
            spellings.append(name)
        return shown

    def canonical(self, name: str | None) -> str:
        """The spelling shown for ``name``'s unit ("" for a blank name)."""
        key = self.key(name)
        return self._shown.get(key, name or "") if key else ""

    def variants(self) -> list[list[str]]:
        """The units given in more than one spelling, each as its spellings in the order given."""
        return [list(s) for s in self._spellings.values() if len(s) > 1]
