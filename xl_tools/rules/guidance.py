"""The official requirements and the rules that enforce them (data in ``data/guidance.toml``).

One place holds what each requirement says, where it comes from (document, article, the page it was
read on, whether only a secondary copy had it), or why the table cannot show it. Which rules check it
is not written there: each rule names the requirement ids it rests on in its ``basis``, and
``Requirement.rules`` is worked out from the rule classes. ``docs.py`` renders it as the coverage table
of ``docs/rules.md``.
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
    from .registry import RULES  # the rules name their basis; the data never lists rules

    data = tomllib.loads(resources.files("xl_tools").joinpath("data/guidance.toml").read_text("utf-8"))
    sources = tuple(Source(**s) for s in data["source"])
    reqs = []
    for r in data["requirement"]:
        if "rules" in r:
            raise ValueError(f"guidance.toml: {r['id']} lists rules; a rule names its requirements in its "
                             "own basis (xl_tools/rules/*.py)")
        reqs.append(Requirement(**r, rules=tuple(rule.code for rule in RULES if r["id"] in rule.basis)))
    return Guidance(sources, tuple(reqs))
