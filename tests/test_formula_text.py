"""A user's text that looks like a formula never becomes one in what the tool writes.

CSV (``batch --csv``): a field starting with = + - @ tab or CR is read as a formula by Excel, WPS and
LibreOffice, so such a text gets a leading single quote (OWASP "CSV Injection"); Parquet keeps it raw.
The CSV is read back by pandas and opened by LibreOffice (CSV → xlsx, then openpyxl).

xlsx (batch review workbook with its 合并公开表, diff workbook, publish, refresh's 公开表 and 校验结果):
openpyxl takes a str starting with "=" for a formula; every cell holding such a user text must be stored
as text (data_type "s").
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.support.batch import review
from xl_tools.batch import consolidate, write_exports, write_review_xlsx
from xl_tools.cli import main

from .conftest import SEED_JSON, needs_soffice, soffice_convert

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NAMES = ['=HYPERLINK("http://evil.example","点我")', "+1+1项目", "-2+3项目", "@SUM(1,2)", "\t=1+2项目",
         "\r=3+4项目", "'=已有引号"]
DEPARTMENT = "@广州市人力资源和社会保障局"
UNIT = "-广州市机电技师学院+1"
INDICATOR = {"name": "=cmd|' /C calc'!A0", "period_value": "=1+1", "annual_value": "-5"}   # -5: a number
FILE = "=evil.json"
TEXT_TABLES = ("files", "findings", "consolidation", "projects", "indicators")


def hostile_filing(names=NAMES, department=DEPARTMENT, unit=UNIT, errors=False) -> dict:
    """The bundled sample whose department, unit, first project names, their 绩效目标 and one indicator
    start with characters a spreadsheet reads as a formula."""
    data = json.loads(SEED_JSON.read_text("utf-8"))
    data["department"] = department
    data["units"][0]["name"] = unit
    for p in data["projects"]:
        p["unit"] = unit
    for p, name in zip(data["projects"], names):
        p["name"] = name
        p["target"] = name + "的目标"
        if errors:
            p["total"] = "1.00"                  # an error on the project: its name goes into 校验结果
    data["projects"][0]["indicators"][0].update(INDICATOR)
    return data


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    inbox = tmp_path_factory.mktemp("inbox")
    (inbox / FILE).write_text(json.dumps(hostile_filing(), ensure_ascii=False), "utf-8")
    report = review([inbox])
    cons = consolidate(report)
    out = tmp_path_factory.mktemp("exports")
    write_exports(report, cons, out / "csv", "csv")
    write_exports(report, cons, out / "parquet", "parquet")
    return out


def _csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / "csv" / f"{name}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_csv_guards_formula_text_and_parquet_keeps_it_raw(exported):
    projects, raw = _csv(exported, "projects"), pd.read_parquet(exported / "parquet" / "projects.parquet")
    assert list(raw.project[:len(NAMES)]) == NAMES                              # Parquet: raw and exact
    assert list(raw.target[:len(NAMES)]) == [n + "的目标" for n in NAMES]
    assert list(projects.project[:len(NAMES)]) == ["'" + n for n in NAMES]      # CSV: a quote in front
    assert list(projects.target[:len(NAMES)]) == ["'" + n + "的目标" for n in NAMES]
    assert set(projects.department) == {"'" + DEPARTMENT} and set(projects.unit) == {"'" + UNIT}
    assert set(projects.file) == {"'" + FILE}
    first = _csv(exported, "indicators").iloc[0]
    assert (first["name"], first["period_value"], first["annual_value"]) == \
        ("'" + INDICATOR["name"], "'" + INDICATOR["period_value"], "-5")        # a plain number stays
    # money stays a number: the same exact amounts as Parquet's decimal column, never quoted
    assert [Decimal(v) for v in projects.total] == list(raw.total) and Decimal(projects.total[0]) == Decimal("600.00")
    for name in TEXT_TABLES:
        frame = _csv(exported, name)
        exact = pd.read_parquet(exported / "parquet" / f"{name}.parquet")
        assert len(frame) == len(exact), name
        for column in frame.columns:
            if pd.api.types.is_string_dtype(exact[column]):      # the documented way back to the raw text
                assert [v[1:] if v.startswith("'") else v for v in frame[column]] == \
                    ["" if v is None or v != v else v for v in exact[column]], (name, column)
            for value in frame[column]:
                assert not value.startswith(DANGEROUS) or value in ("-5",) or \
                    (column in ("total", "fiscal", "special", "other") and Decimal(value) < 0), (name, column, value)


@needs_soffice
def test_csv_opens_in_libreoffice_without_a_formula(exported, tmp_path):
    # the control: the same texts unguarded are formulas in LibreOffice, so the check below can fail
    raw = pd.read_parquet(exported / "parquet" / "projects.parquet")
    control = tmp_path / "control.csv"
    raw[["project", "total"]].assign(total=raw.total.map(str)).to_csv(control, index=False, encoding="utf-8-sig",
                                                                     lineterminator="\r\n")
    ws = openpyxl.load_workbook(soffice_convert(control, "xlsx", tmp_path, infilter="CSV:44,34,76,1")).active
    assert any(c.data_type == "f" for row in ws.iter_rows() for c in row)

    for name in ("projects", "indicators", "files"):
        book = soffice_convert(exported / "csv" / f"{name}.csv", "xlsx", tmp_path, infilter="CSV:44,34,76,1")
        ws = openpyxl.load_workbook(book).active
        formulas = [(c.coordinate, c.value) for row in ws.iter_rows() for c in row if c.data_type == "f"]
        assert formulas == [], (name, formulas)
        head = [c.value for c in ws[1]]
        rows = [dict(zip(head, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
        if name == "projects":
            shown = [r["project"] for r in rows[:len(NAMES)]]
            for text, cell in zip(NAMES, shown):              # the text is visible, behind its quote
                assert isinstance(cell, str) and cell.startswith("'") and \
                    cell[1:].strip() == text.strip(), (text, cell)
            totals = [r["total"] for r in rows]
            assert all(isinstance(v, (int, float)) for v in totals), totals      # money is a number
            assert Decimal(str(totals[0])) == Decimal("600") and \
                sum(Decimal(str(v)) for v in totals).quantize(Decimal("0.01")) == Decimal("5138.68")
        if name == "indicators":
            assert rows[0]["name"] == "'" + INDICATOR["name"] and rows[0]["annual_value"] == -5
        if name == "files":
            assert rows[0]["file"] == "'" + FILE and rows[0]["department"] == "'" + DEPARTMENT


# --- xlsx: every writer ------------------------------------------------------------------------------

X_NAMES = ["=1+2项目", '=HYPERLINK("http://evil.example","点我")', "=cmd|' /C calc'!A0"]
X_UNIT = "=单位"
X_DEPARTMENT = "=部门"


def _text_cells(path: Path) -> dict[str, list]:
    """sheet → the cells of the workbook at ``path`` (reloaded by openpyxl) whose value starts with "="."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
            for ws in wb.worksheets}


def _assert_texts(path: Path, sheets: dict[str, set[str]], own_links: tuple[str, ...] = ()) -> None:
    """Each sheet holds each expected text in a cell stored as text, and no cell of the workbook is a
    formula except the tool's own links on ``own_links`` sheets."""
    cells = _text_cells(path)
    for sheet, found in cells.items():
        for c in found:
            if c.data_type == "f":
                assert sheet in own_links and c.value.startswith('=HYPERLINK("#'), (path.name, sheet, c.coordinate,
                                                                                    c.value)
    for sheet, texts in sheets.items():
        stored = {c.value for c in cells[sheet] if c.data_type == "s"}
        assert texts <= stored, (path.name, sheet, texts - stored)


def test_formula_like_names_stay_text_in_every_workbook(tmp_path, capsys):
    data = hostile_filing(X_NAMES, X_DEPARTMENT, X_UNIT, errors=True)
    src = tmp_path / "inj.json"
    src.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    names, targets = set(X_NAMES), {n + "的目标" for n in X_NAMES}

    # batch review workbook, its 合并公开表 included (the filing has errors: counted on request)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "=evil.json").write_bytes(src.read_bytes())
    report = review([inbox])
    review_book = write_review_xlsx(report, tmp_path / "review.xlsx", consolidate(report, include_errors=True))
    _assert_texts(review_book, {"汇总": {X_UNIT, X_DEPARTMENT, "=evil.json"}, "问题明细": names | {X_UNIT},
                                "合并公开表2024年": names | targets | {X_UNIT}, "合并来源": {X_UNIT, X_DEPARTMENT}})

    # diff workbook
    diff = tmp_path / "diff.xlsx"
    assert main(["diff", str(SEED_JSON), str(src), "-o", str(diff)]) in (0, 1)
    diff_cells = _text_cells(diff)
    assert names <= {c.value for cells in diff_cells.values() for c in cells if c.data_type == "s"}
    _assert_texts(diff, {})

    # publish
    pub = tmp_path / "pub.xlsx"
    assert main(["publish", str(src), "-o", str(pub), "--allow-errors"]) == 1
    _assert_texts(pub, {"公开表": names | targets | {X_UNIT}})

    # refresh: 公开表 and 校验结果 written into the filing workbook
    book = tmp_path / "book.xlsx"
    assert main(["load", str(src), "-o", str(book)]) == 0
    assert main(["refresh", str(book)]) == 1
    _assert_texts(book, {"公开表": names | targets | {X_UNIT}, "校验结果": names, "项目": names | targets},
                  own_links=("校验结果", "公开表"))
    capsys.readouterr()
