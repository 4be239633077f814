"""Rewrite the README's figures on the real-table set (tests/realworld) from judged.toml: the table per
profile (precision, false alarms per 100 indicators) and the false alarms left. ``make docs`` runs it;
tests/test_realworld.py fails when the README differs from what it writes."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.realworld import with_readme_block  # noqa: E402


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text("utf-8")
    new = with_readme_block(text)
    if new != text:
        readme.write_text(new, "utf-8")
        print("README.md: figures on the real-table set updated")


if __name__ == "__main__":
    main()
