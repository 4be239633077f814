"""Region profiles of the rule configuration: TOML files under ``data/profiles`` (``广东.toml`` …).

Only their names and texts live here (the workbook template offers the names in a dropdown); what a
profile means is ``rules.config``'s business.
"""

from __future__ import annotations

from importlib import resources

from .errors import XlToolsError

DEFAULT_PROFILE = "广东"


def _folder():
    return resources.files("xl_tools").joinpath("data/profiles")


def profile_names() -> list[str]:
    return sorted(p.name[:-5] for p in _folder().iterdir() if p.name.endswith(".toml"))


def profile_text(name: str) -> str:
    """The TOML text of the profile ``name``; XlToolsError listing the known ones otherwise."""
    if name not in profile_names():
        raise XlToolsError(f"未知的规则配置「{name}」，可选：{'、'.join(profile_names())}")
    return _folder().joinpath(f"{name}.toml").read_text("utf-8")
