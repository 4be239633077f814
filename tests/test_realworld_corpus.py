"""The real-table set of issue 23 (tests/realworld): its metadata is complete and matches the texts."""

from __future__ import annotations

import datetime
import hashlib
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parent / "realworld"
FRAMEWORKS = {"广东2015", "中央2021", "湘鄂申报表", "四川导出"}
REQUIRED = ("id", "file", "url", "retrieved", "province", "issuer", "budget_year", "title", "framework",
            "layout", "money_unit", "value_columns", "complete", "indicators", "anchor", "features", "note",
            "sha256")


def _tables() -> list[dict]:
    return tomllib.loads((ROOT / "corpus.toml").read_text("utf-8"))["table"]


def test_the_set_is_large_and_spread_enough():
    tables = _tables()
    assert len(tables) >= 12
    provinces = {t["province"] for t in tables}
    assert "广东" not in provinces and len(provinces) >= 6
    assert len({t["id"] for t in tables}) == len(tables)
    assert len({t["file"] for t in tables}) == len(tables)
    assert len({t["url"] for t in tables}) == len(tables)
    # every framework a profile will be built from is represented by a real table
    assert {t["framework"] for t in tables} == FRAMEWORKS


@pytest.mark.parametrize("table", _tables(), ids=lambda t: t["id"])
def test_each_entry_is_complete_and_matches_its_text(table):
    missing = [k for k in REQUIRED if k not in table or table[k] in ("", [])]
    assert not [k for k in missing if k not in ("note", "features")], missing
    assert table["url"].startswith(("http://", "https://"))
    datetime.date.fromisoformat(table["retrieved"])
    assert 2015 <= table["budget_year"] <= 2026
    assert table["framework"] in FRAMEWORKS
    assert table["money_unit"] in ("元", "万元")
    assert table["value_columns"] in (1, 2)
    assert table["indicators"] >= 1
    assert table["complete"] or table["note"], "a cut table says where it was cut"
    path = ROOT / table["file"]
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == table["sha256"]
    assert table["anchor"] in data.decode("utf-8")
