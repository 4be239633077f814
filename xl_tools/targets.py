"""INTERIM stub: the value grammar is being written (see tests/test_targets.py when it lands)."""

from __future__ import annotations

from decimal import Decimal

from .model import Target


def dec_str(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


def parse_target(text: str | None, year: int | None = None) -> Target:
    return Target("text")
