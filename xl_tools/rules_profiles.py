"""Names of the rule profiles shipped in ``data/profiles`` (for the 规则配置 dropdown)."""

from __future__ import annotations

from importlib import resources


def profile_names() -> list[str]:
    folder = resources.files("xl_tools").joinpath("data/profiles")
    names = sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml")) if folder.is_dir() else []
    if "广东" in names:
        names.remove("广东")
    return ["广东", *names]
