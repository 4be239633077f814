"""The rule catalogue: what ``check`` runs and ``docs/rules.md`` lists, collected from the rule classes.

Every class with a ``code`` defined in one of ``FAMILY_MODULES`` is a rule; nothing else needs to list
it. ``RULES`` is in report order: by family (AMT, STR, VAL, TXT, RD, YR, FLG, as in
``data/catalogue.toml``), then by code. To add a rule: ``make rule CODE=… NAME=module.rule_name``
scaffolds the class and its cases, then ``make docs`` regenerates ``docs/rules.md`` and the rule part of
``data/catalogue.toml`` (a test fails when either is stale).
"""

from __future__ import annotations

import inspect

from .. import catalogue
from . import amounts, filing, fit, meaning, promises, quantify, read, structure, text, values, years
from .base import Rule

# the modules that hold rule classes (a test checks that no other module of the package defines one)
FAMILY_MODULES = (amounts, filing, fit, meaning, promises, quantify, read, structure, text, values, years)


def _collect() -> list[type[Rule]]:
    found: dict[str, type[Rule]] = {}
    names: dict[str, str] = {}
    for module in FAMILY_MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not (issubclass(cls, Rule) and cls.__module__ == module.__name__ and cls.code):
                continue
            for key, seen in ((cls.code, found), (cls.name, names)):
                if key in seen:
                    raise TypeError(f"two rules share {key}: {cls.__name__} and {seen[key]}")
            found[cls.code] = cls
            names[cls.name] = cls.__name__
    order = list(catalogue.families())
    return sorted(found.values(), key=lambda r: (order.index(catalogue.family_of(r.code))
                                                 if catalogue.family_of(r.code) in order else len(order),
                                                 r.code))


RULES: list[type[Rule]] = _collect()


def rule_by_code(code: str) -> type[Rule]:
    for rule in RULES:
        if rule.code == code:
            return rule
    raise KeyError(code)
