"""Which project an indicator row of 绩效指标 belongs to: its 项目名称, and its 项目序号 where the name
alone does not say.

A row names its project by 项目名称 (the dropdown of the 项目 sheet's names). Two projects may share a
name — two units of a department each with a 「校园安保经费」, or one unit listing a name twice — and
then the name says nothing about which one: the row's 项目序号 (the project's 序号 on 项目) does. The
workbook has a 项目序号 column on 绩效指标 wherever its filing has such names (``template``; a refresh
adds it when the filing comes to have them, ``refresh.keycolumn``); a row is
linked so:

- its 项目序号 names exactly one project (by 序号) and that project has the row's name: that project. A
  project whose 序号 is blank goes by the 序号 the refresh fills in, its position on 项目 (the guide says
  序号 may be left blank; the rows that name it are its own from the first refresh, not only after the
  refresh that filled the 序号 in);
- its 项目序号 names a project of another name: none — the row says two different things (a project
  renamed on 项目 whose rows kept the old name), and the rules say so (STR011) instead of guessing;
- otherwise by name: the one project of that name, or none when there are none or several (the rules
  ask for the 项目序号).

Nothing here knows Excel: the reader, the drafted rows' settling and the rules use the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Project
from .textnorm import name_key

PROJECT_NO = "项目序号"          # the header of the column on 绩效指标 (read wherever it is)

LINKED, MISSING, SHARED, CONFLICT = "linked", "missing", "shared", "conflict"


@dataclass(frozen=True)
class Link:
    """The project a row belongs to (None unless ``how`` is LINKED); ``named``: the projects of the row's
    name; ``numbered``: the project its 项目序号 names, if exactly one does."""

    project: Project | None
    how: str
    named: tuple[Project, ...] = ()
    numbered: Project | None = None


def project_number(no) -> int | None:
    """A 序号 as a whole number (6, 6.0, "6", "６"), else None."""
    if isinstance(no, bool):
        return None
    if isinstance(no, int):
        return no
    if isinstance(no, float):
        return int(no) if no.is_integer() else None
    if isinstance(no, str):
        text = no.strip().translate({0xFF10 + k: 0x30 + k for k in range(10)})
        return int(text) if text.isascii() and text.isdigit() else None
    return None


class ProjectLinks:
    """The projects of a filing by name and by 序号, to link rows to (``link``)."""

    def __init__(self, projects: list[Project]) -> None:
        self.by_name: dict[str, list[Project]] = {}
        self.by_no: dict[int, list[Project]] = {}
        self._links: dict[tuple, Link] = {}          # (name, type, number) → its link, as asked
        for position, p in enumerate(projects, start=1):
            self.by_name.setdefault(name_key(p.name), []).append(p)
            no = position if p.no is None else project_number(p.no)      # blank: the 序号 refresh fills in
            if no is not None:
                self.by_no.setdefault(no, []).append(p)

    def shared(self, name: str) -> bool:
        """Whether several projects have this name."""
        return len(self.by_name.get(name_key(name), ())) > 1

    def link(self, name: str, number=None) -> Link:
        """The project of a row naming ``name`` with the 项目序号 ``number`` (None: blank or no column).
        Rows repeat their project's name and number: each pair is worked out once (the answer is frozen)."""
        asked = (name, number.__class__, number)         # (1, 1.0 and True are one key to a dict)
        try:
            return self._links[asked]
        except KeyError:
            pass
        except TypeError:                                # a value no dict holds
            return self._link(name, number)
        found = self._links[asked] = self._link(name, number)
        return found

    def _link(self, name: str, number) -> Link:
        key = name_key(name)
        named = tuple(self.by_name.get(key, ()))
        no = project_number(number)
        hits = self.by_no.get(no, ()) if no is not None else ()
        numbered = hits[0] if len(hits) == 1 else None
        if numbered is not None:
            if any(p is numbered for p in named):
                return Link(numbered, LINKED, named, numbered)
            if key:
                return Link(None, CONFLICT, named, numbered)
        if len(named) == 1:
            return Link(named[0], LINKED, named, numbered)
        return Link(None, SHARED if named else MISSING, named, numbered)


def shared_names(projects: list[Project]) -> set[str]:
    """The names (``name_key``) more than one of ``projects`` has."""
    seen: set[str] = set()
    out: set[str] = set()
    for p in projects:
        key = name_key(p.name)
        (out if key in seen else seen).add(key)
    return out
