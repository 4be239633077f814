"""Subcommands beyond the foundation (import, check, refresh, publish, ...), registered here."""

from __future__ import annotations


def register(sub) -> None:
    return None
