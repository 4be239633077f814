"""The official requirements and the rules that enforce them (data in ``data/guidance.toml``).

One place holds what each requirement says, where it comes from (document, article, the page it was
read on, whether only a secondary copy had it) and which rules check it, or why the table cannot show
it. ``docs.py`` renders it as the coverage table of ``docs/rules.md``; each rule's docstring names the
requirement ids in its 依据 section.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    read: str


@dataclass(frozen=True)
class Requirement:
    id: str
    text: str
    source: str
    where: str
    quote: str
    rules: tuple[str, ...] = ()
    unchecked: str = ""           # why the table cannot show it (then ``rules`` is empty)
    secondary: bool = False       # only a secondary copy had the text
    house: bool = False           # the tool's own convention, not an official requirement


@dataclass(frozen=True)
class Guidance:
    sources: tuple[Source, ...]
    requirements: tuple[Requirement, ...]

    def source(self, sid: str) -> Source:
        return next(s for s in self.sources if s.id == sid)

    def for_rule(self, code: str) -> list[Requirement]:
        return [r for r in self.requirements if code in r.rules]


@lru_cache(maxsize=1)
def guidance() -> Guidance:
    data = tomllib.loads(resources.files("xl_tools").joinpath("data/guidance.toml").read_text("utf-8"))
    sources = tuple(Source(**s) for s in data["source"])
    reqs = tuple(Requirement(**{**r, "rules": tuple(r.get("rules", ()))}) for r in data["requirement"])
    return Guidance(sources, reqs)
