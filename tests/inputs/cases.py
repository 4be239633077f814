"""Generators of the robustness inputs: one function per case, each writes its file into `folder`.

Files are generated (not committed) so each case stays readable as code; ``docs/robustness.md`` lists
the cases and what the user gets.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl

from xl_tools.jsonio import load_json
from xl_tools.workbook import build_workbook

ROOT = Path(__file__).resolve().parents[2]
SEED_JSON = ROOT / "xl_tools" / "data" / "sample_2024.expected.json"


def seed_book(folder: Path, name: str = "seed.xlsx") -> Path:
    path = folder / name
    build_workbook(path, load_json(SEED_JSON))
    return path


def _edit(folder: Path, name: str, edit) -> Path:
    path = seed_book(folder, name)
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


# --- messy but valid -------------------------------------------------------------------------------

def percent_cell(folder: Path) -> Path:
    """A satisfaction value typed as an Excel percentage: stored 0.95, shown 95%."""
    def edit(wb):
        ws = wb["绩效指标"]
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, 5).value == "服务对象满意度":
                ws.cell(r, 6).value = 0.95
                ws.cell(r, 6).number_format = "0%"
                ws.cell(r, 7).value = 0.95
                ws.cell(r, 7).number_format = "0.0%"
    return _edit(folder, "percent.xlsx", edit)


def text_numbers(folder: Path) -> Path:
    """Amounts typed as text with separators and full-width digits."""
    def edit(wb):
        ws = wb["项目"]
        ws["D12"] = "1,009.93"
        ws["E12"] = "１００９．９３"
    return _edit(folder, "text_numbers.xlsx", edit)


def date_cell(folder: Path) -> Path:
    """A date typed as an Excel date in a value column (时效 indicator)."""
    def edit(wb):
        ws = wb["绩效指标"]
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, 5).value == "项目验收并交付使用时间":
                ws.cell(r, 6).value = dt.datetime(2024, 6, 30)
                ws.cell(r, 6).number_format = "yyyy/m/d"
    return _edit(folder, "date_cell.xlsx", edit)


def formula_totals(folder: Path) -> Path:
    """总计 as simple formulas, written by a script (no cached values)."""
    def edit(wb):
        ws = wb["项目"]
        for r in range(2, 15):
            ws[f"D{r}"] = f"=E{r}+F{r}+G{r}" if r % 2 else f"=SUM(E{r}:G{r})"
    return _edit(folder, "formulas.xlsx", edit)


def complex_formula(folder: Path) -> Path:
    """A formula the tool cannot evaluate and no cached value."""
    def edit(wb):
        wb["项目"]["D2"] = "=ROUND(E2+F2+G2,2)"
    return _edit(folder, "complex_formula.xlsx", edit)


def padded_names(folder: Path) -> Path:
    """Project names with leading/trailing spaces and full-width spaces on the indicator sheet."""
    def edit(wb):
        ws = wb["绩效指标"]
        for r in range(2, ws.max_row + 1):
            if r % 3 == 0:
                ws.cell(r, 1).value = "\u3000" + ws.cell(r, 1).value + "  "
    return _edit(folder, "padded.xlsx", edit)


def blank_rows_merged_hidden_filtered(folder: Path) -> Path:
    """Blank rows inside the tables, a merged cell, hidden rows, an autofilter, a user column and sheet."""
    def edit(wb):
        ws = wb["绩效指标"]
        ws.insert_rows(10, 2)                       # two blank rows in the middle of the indicators
        ws.row_dimensions[5].hidden = True
        ws.auto_filter.ref = f"A1:G{ws.max_row}"
        p = wb["项目"]
        p.insert_rows(5)                            # a blank row between projects
        p.column_dimensions["C"].hidden = False
        p.row_dimensions[3].hidden = True
        p["J1"] = "经办人"
        p["J2"] = "张三"
        p.merge_cells("J2:J3")
        extra = wb.create_sheet("我的草稿")
        extra["A1"] = "草稿，不参与校验"
    return _edit(folder, "messy_layout.xlsx", edit)


def styles_to_last_row(folder: Path) -> Path:
    """Formats applied down to row 1,048,576 (one styled cell there, and whole-column styles)."""
    def edit(wb):
        from openpyxl.styles import PatternFill
        for name in ("项目", "绩效指标"):
            ws = wb[name]
            ws.cell(1_048_576, 2).fill = PatternFill("solid", fgColor="FFFFFF00")
            ws.column_dimensions["B"].fill = PatternFill("solid", fgColor="FFEEEEEE")
    return _edit(folder, "styled_to_bottom.xlsx", edit)


# --- broken -----------------------------------------------------------------------------------------

def empty_file(folder: Path) -> Path:
    path = folder / "empty.xlsx"
    path.write_bytes(b"")
    return path


def not_a_zip(folder: Path) -> Path:
    path = folder / "not_zip.xlsx"
    path.write_text("项目名称,总计\nA,1\n", "utf-8")
    return path


def truncated_zip(folder: Path) -> Path:
    data = seed_book(folder, "full.xlsx").read_bytes()
    path = folder / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def foreign_zip(folder: Path) -> Path:
    path = folder / "foreign.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    return path


def encrypted(folder: Path) -> Path:
    """What Excel writes for a password-protected workbook: an OLE compound file, not a zip."""
    path = folder / "encrypted.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le"))
    return path


def legacy_xls(folder: Path) -> Path:
    path = folder / "legacy.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    return path


def ods(folder: Path) -> Path:
    path = folder / "sheet.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    return path


def missing_sheet(folder: Path) -> Path:
    return _edit(folder, "missing_sheet.xlsx", lambda wb: wb.remove(wb["绩效指标"]))


def missing_header(folder: Path) -> Path:
    def edit(wb):
        wb["项目"]["D1"] = "金额"
    return _edit(folder, "missing_header.xlsx", edit)


# --- hostile ----------------------------------------------------------------------------------------

def _replace_member(src: Path, dst: Path, member: str, data: bytes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, data if item.filename == member else zin.read(item.filename))
    return dst


def billion_laughs(folder: Path) -> Path:
    """XML entity expansion in the shared strings."""
    src = seed_book(folder, "base.xlsx")
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{k} "{("&lol" + str(k - 1) + ";") * 10 if k > 1 else "&lol;" * 10}">'
                     for k in range(1, 10))
           + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
             'uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    return _replace_member(src, folder / "billion_laughs.xlsx", "xl/sharedStrings.xml", lol.encode())


def external_entity(folder: Path) -> Path:
    """XXE: an external entity pointing at a local file."""
    src = seed_book(folder, "base2.xlsx")
    xxe = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
           '<si><t>&xxe;</t></si></sst>')
    return _replace_member(src, folder / "xxe.xlsx", "xl/sharedStrings.xml", xxe.encode())


def zip_bomb(folder: Path) -> Path:
    """A part that inflates 1000:1 (64 MB of zeros)."""
    src = seed_book(folder, "base3.xlsx")
    dst = folder / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/media/padding.bin", b"\0" * (64 * 1024 * 1024))
    return dst


FORMULA_TEXTS = ['=HYPERLINK("http://evil.example","点我")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)"]


def formula_injection_json() -> dict:
    """A filing (JSON) whose texts would become formulas if written carelessly."""
    import json
    data = json.loads(SEED_JSON.read_text("utf-8"))
    for p, text in zip(data["projects"], FORMULA_TEXTS):
        p["target"] = text
    data["projects"][0]["indicators"][0]["period_value"] = "=1+1"
    data["projects"][0]["indicators"][0]["annual_value"] = "@A1"
    return data


def too_long_cell_json() -> dict:
    import json
    data = json.loads(SEED_JSON.read_text("utf-8"))
    data["projects"][1]["target"] = "很长的目标。" * 6000          # 36,000 characters
    return data


def too_long_cell_book(folder: Path) -> Path:
    """A workbook whose target cell (项目!H3) holds more than Excel's 32,767 characters, as a script
    writing the XML directly can produce (openpyxl itself truncates)."""
    src = seed_book(folder, "base4.xlsx")
    target = load_json(SEED_JSON).projects[1].target
    with zipfile.ZipFile(src) as zf:
        xml = zf.read("xl/sharedStrings.xml").decode("utf-8")
    xml = xml.replace(target, "很长的目标。" * 6000, 1)
    return _replace_member(src, folder / "too_long.xlsx", "xl/sharedStrings.xml", xml.encode("utf-8"))
