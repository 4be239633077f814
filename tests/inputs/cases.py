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
from xl_tools.schema import PROJECT_HEADERS
from xl_tools.workbook import build_workbook

ROOT = Path(__file__).resolve().parents[2]
SEED_JSON = ROOT / "xl_tools" / "data" / "sample_2024.expected.json"


def seed_book(folder: Path, name: str = "seed.xlsx", *, shared: bool = False) -> Path:
    """The seed filing's standard workbook; `shared`: its texts in a shared string table, as Excel
    saves them (the tool writes them inline), for the cases that are about that part."""
    path = folder / name
    build_workbook(path, load_json(SEED_JSON))
    return with_shared_strings(path) if shared else path


def with_shared_strings(path: Path) -> Path:
    """`path` rewritten with every inline string of its sheets moved into ``xl/sharedStrings.xml``
    (one entry per distinct text, in order of first use), as Excel stores the texts it saves."""
    from lxml import etree

    from xl_tools.ooxml.book import Book
    from xl_tools.ooxml.package import Package
    from xl_tools.ooxml.xml import MAIN, RT_SHARED_STRINGS
    q = lambda local: f"{{{MAIN}}}{local}"                      # noqa: E731
    sst = etree.Element(q("sst"), nsmap={None: MAIN})
    index: dict[bytes, int] = {}
    out = path.with_suffix(".shared")
    with Package(path) as pkg:
        book = Book(pkg)
        for entry in book.sheets():
            root = pkg.xml(entry.part)
            for cell in root.iter(q("c")):
                holder = cell.find(q("is"))
                if cell.get("t") != "inlineStr" or holder is None:
                    continue
                key = etree.tostring(holder)
                if key not in index:
                    index[key] = len(index)
                    item = etree.SubElement(sst, q("si"))
                    item.extend(holder)
                cell.remove(holder)
                cell.set("t", "s")
                etree.SubElement(cell, q("v")).text = str(index[key])
            pkg.mark(entry.part)
        sst.set("count", str(len(index)))
        sst.set("uniqueCount", str(len(index)))
        pkg.set_bytes("xl/sharedStrings.xml", etree.tostring(sst, xml_declaration=True, encoding="UTF-8",
                                                              standalone=True),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
        pkg.add_rel(book.part, RT_SHARED_STRINGS, "xl/sharedStrings.xml")
        pkg.save(out)
    out.replace(path)
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
    src = seed_book(folder, "base.xlsx", shared=True)
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{k} "{("&lol" + str(k - 1) + ";") * 10 if k > 1 else "&lol;" * 10}">'
                     for k in range(1, 10))
           + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
             'uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    return _replace_member(src, folder / "billion_laughs.xlsx", "xl/sharedStrings.xml", lol.encode())


def external_entity(folder: Path) -> Path:
    """XXE: an external entity pointing at a local file."""
    src = seed_book(folder, "base2.xlsx", shared=True)
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
    src = seed_book(folder, "base4.xlsx", shared=True)
    target = load_json(SEED_JSON).projects[1].target
    with zipfile.ZipFile(src) as zf:
        xml = zf.read("xl/sharedStrings.xml").decode("utf-8")
    xml = xml.replace(target, "很长的目标。" * 6000, 1)
    return _replace_member(src, folder / "too_long.xlsx", "xl/sharedStrings.xml", xml.encode("utf-8"))


# --- round two (issue 14): parts, state, links, limits ----------------------------------------------

def with_part(folder: Path, name: str, part: str, change) -> Path:
    """The seed workbook with one part's bytes replaced by ``change(bytes)``."""
    src = seed_book(folder, "base_" + name, shared=True)
    with zipfile.ZipFile(src) as zf:
        data = zf.read(part)
    return _replace_member(src, folder / name, part, change(data))


def xml_parts(folder: Path) -> list[str]:
    """Every XML part of the seed workbook (what the fuzz and the damaged-part tests go through)."""
    with zipfile.ZipFile(seed_book(folder, "parts.xlsx")) as zf:
        return [n for n in zf.namelist() if n.endswith((".xml", ".rels"))]


def with_doctype(data: bytes) -> bytes:
    """An internal DTD with an entity declaration put before the root element."""
    decl, _, body = data.partition(b"?>") if data.startswith(b"<?xml") else (b"", b"", data)
    head = decl + b"?>" if decl else b""
    return head + b'<!DOCTYPE x [<!ENTITY e "boom">]>' + body


def cut_in_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def unknown_compression(folder: Path, part: str = "xl/sharedStrings.xml") -> Path:
    """A zip whose member claims compression method 99 (nothing zipfile or Excel knows)."""
    src = seed_book(folder, "method_base.xlsx", shared=True)
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        offset = zf.getinfo(part).header_offset
    data[offset + 8:offset + 10] = (99).to_bytes(2, "little")            # the local header
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:                    # its central directory entry
        size = int.from_bytes(data[pos + 28:pos + 30], "little")
        if bytes(data[pos + 46:pos + 46 + size]) == part.encode():
            data[pos + 10:pos + 12] = (99).to_bytes(2, "little")
        pos += 4
    path = folder / "method99.xlsx"
    path.write_bytes(bytes(data))
    return path


def dde_defined_name(folder: Path) -> Path:
    """Defined names that are DDE and external links, including one the reader looks up (预算年度)."""
    def change(xml: bytes) -> bytes:
        extra = ("<definedName name=\"dde\">cmd|'/c calc'!A0</definedName>"
                 "<definedName name=\"ext\">[1]Sheet1!$A$1</definedName>"
                 "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"0\">cmd|'/c calc'!A0</definedName>")
        xml = xml.replace("<definedName name=\"预算年度\">".encode(), "<definedName name=\"预算年度\">cmd|'/c calc'!A0"
                          "</definedName><definedName name=\"旧预算年度\">".encode())
        return xml.replace(b"</definedNames>", extra.encode() + b"</definedNames>")
    return with_part(folder, "dde_name.xlsx", "xl/workbook.xml", change)


def huge_money(folder: Path) -> Path:
    """1.6e26 in a money cell: beyond what two-decimal Decimal arithmetic can hold."""
    def edit(wb):
        wb["项目"]["D2"] = 1.6e26
        wb["项目"]["E3"] = "99999999999999999999999999999.99"
    return _edit(folder, "huge_money.xlsx", edit)


LIVE_LINKS = {"H2": "=cmd|' /C calc'!A0", "D3": "=[1]Sheet1!D3", "H4": '=WEBSERVICE("http://evil.example/x")'}


def live_links(folder: Path) -> Path:
    """DDE, external-reference and web formulas typed into a filing's cells (as formulas)."""
    def edit(wb):
        for ref, formula in LIVE_LINKS.items():
            wb["项目"][ref] = formula
    return _edit(folder, "live_links.xlsx", edit)


def refreshed_seed(folder: Path, name: str = "refreshed.xlsx") -> Path:
    from xl_tools.app import refresh_path as refresh_file
    path = seed_book(folder, name)
    refresh_file(path, now="2026-01-05 09:00")
    return path


def tampered_state(folder: Path, rows: list[list], name: str = "tampered.xlsx") -> Path:
    """A refreshed seed with ``rows`` appended to its hidden state sheet."""
    path = refreshed_seed(folder, name)
    wb = openpyxl.load_workbook(path)
    for row in rows:
        wb["_xltools"].append(row)
    wb.save(path)
    return path


def summary_name_on_a_header(folder: Path) -> Path:
    """The 上次刷新 name moved onto the header 项目!A1 (the tool must not write its summary there)."""
    def edit(wb):
        wb.defined_names["上次刷新"].attr_text = "'项目'!$A$1"
    return _edit(folder, "summary_on_header.xlsx", edit)


def renamed_after_refresh(folder: Path) -> Path:
    """Refreshed, then 项目 and 绩效指标 renamed with a trailing space (the state names the old ones)."""
    path = refreshed_seed(folder, "renamed.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["项目"]["D2"] = 1                      # an error, so the state records a highlight there
    wb.save(path)
    from xl_tools.app import refresh_path as refresh_file
    refresh_file(path)
    wb = openpyxl.load_workbook(path)
    wb["项目"].title = "项目 "
    wb["绩效指标"].title = "绩效指标 "
    wb.save(path)
    return path


def tall_sheet(folder: Path, rows: int = 1_048_576) -> Path:
    """The seed with 项目 replaced by a sheet of ``rows`` rows that each hold a value (written straight
    into the zip as XML: openpyxl would need minutes)."""
    src = seed_book(folder, "tall_base.xlsx")
    dst = folder / "tall.xlsx"
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1">' + "".join(f'<c r="{chr(65 + k)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                                    for k, h in enumerate(PROJECT_HEADERS)) + '</row>')
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for item in zin.infolist():
            if item.filename != "xl/worksheets/sheet3.xml":
                zout.writestr(item, zin.read(item.filename))
                continue
            with zout.open("xl/worksheets/sheet3.xml", "w", force_zip64=True) as fh:
                fh.write(head.encode())
                chunk = []
                for r in range(2, rows + 1):
                    chunk.append(f'<row r="{r}"><c r="A{r}"><v>{r - 1}</v></c><c r="E{r}"><v>1</v></c></row>')
                    if len(chunk) == 20_000:
                        fh.write("".join(chunk).encode())
                        chunk = []
                fh.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    return dst


def long_indicators_json(chars: int = 40_000) -> dict:
    """A filing whose second project has more than ``chars`` characters of indicators."""
    import json
    data = json.loads(SEED_JSON.read_text("utf-8"))
    project = data["projects"][1]
    first = project["indicators"][0]
    count = chars // 60 + 1
    project["indicators"] = [dict(first, no=k + 1, name=f"第{k + 1}项设备的购置与安装调试验收完成情况") for k in range(count)]
    return data


def amounts_text(value: str) -> str:
    """The bundled published text with the first project's amounts line replaced by ``value``."""
    text = SEED_TXT.read_text("utf-8")
    assert "600.00 600.00" in text
    return text.replace("600.00 600.00", value, 1)


SEED_TXT = ROOT / "xl_tools" / "data" / "sample_2024.txt"


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file from its numbered objects (1-based), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{k} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d /Filter /FlateDecode %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def flate_bomb_pdf(folder: Path, megabytes: int = 64, double: bool = False) -> Path:
    """A one-page PDF whose content stream inflates to ``megabytes`` MB of spaces (once more when
    ``double``: the stream is compressed twice, /Filter [/FlateDecode /FlateDecode])."""
    import zlib
    comp = zlib.compressobj(9)
    inner = b"".join(comp.compress(b" " * 2**20) for _ in range(megabytes)) + comp.flush()
    data = zlib.compress(inner, 9) if double else inner
    content = (b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(data) + data + b"\nendstream"
               if double else _stream(data))
    pdf = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                content])
    path = folder / ("double_bomb.pdf" if double else "bomb.pdf")
    path.write_bytes(pdf)
    return path


def many_pages_pdf(folder: Path, pages: int) -> Path:
    kids = " ".join(f"{3 + k} 0 R" for k in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    path = folder / "pages.pdf"
    path.write_bytes(_pdf(objects))
    return path


FORMULA_NAMES = ["=HYPERLINK(\"#'项目'!A1\",\"x\")&CALL(\"kernel32\",\"WinExec\",\"JCJ\",\"calc\",0)",
                 "=cmd|' /C calc'!A0", "=[1]Sheet1!A1"]


def formula_named_projects() -> dict:
    """A filing whose project names (and one unit) look like formulas, internal links included."""
    import json
    data = json.loads(SEED_JSON.read_text("utf-8"))
    for p, name in zip(data["projects"], FORMULA_NAMES):
        p["name"] = name
        p["total"] = "1.00"                  # an error on the project: its name goes into 校验结果
    return data


def spread_positions(count: int, length: int, rnd) -> list[int]:
    """``count`` positions in ``range(length)``, one in each of ``count`` equal strata: spread evenly
    over the input (a fuzz that draws positions freely clusters them at a few places)."""
    return [min(length - 1, int((k + rnd.random()) * length / count)) for k in range(count)]


def _one_page_pdf(folder: Path, name: str, content: bytes, *, mediabox: bytes = b"[0 0 595 842]",
                  resources: bytes = b"", extra: list[bytes] = ()) -> Path:
    """A one-page PDF with ``content`` (Flate-compressed) as its content stream, Helvetica as /F1 and
    ``extra`` objects numbered from 6 on."""
    import zlib
    pdf = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> %s >> >>" % (mediabox, resources),
                _stream(zlib.compress(content, 9)),
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", *extra])
    path = folder / name
    path.write_bytes(pdf)
    return path


def huge_mediabox_pdf(folder: Path, box: bytes = b"[-1e30 -1e30 1e30 1e30]") -> Path:
    """A page whose MediaBox is absurd (exponent notation, which PDF does not have, or 10^30)."""
    return _one_page_pdf(folder, "mediabox.pdf", b"BT /F1 12 Tf 100 700 Td (x) Tj ET", mediabox=box)


# --- round three (issue 22): one boundary per file and per text ---------------------------------------

def lone_surrogate(folder: Path) -> Path:
    """A shared string holding half an emoji as Excel writes it (``_xD83D_``, a lone UTF-16 surrogate)
    in the first project's name, and a whole one (``_xD83D__xDE00_``) in the second's."""
    import json
    names = [p["name"] for p in json.loads(SEED_JSON.read_text("utf-8"))["projects"][:2]]

    def change(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        for name, emoji in zip(names, ["_xD83D_", "_xD83D__xDE00_"]):
            assert f"<t>{name}</t>" in text, name
            text = text.replace(f"<t>{name}</t>", f"<t>{name}{emoji}</t>")
        return text.encode("utf-8")
    return with_part(folder, "surrogate.xlsx", "xl/sharedStrings.xml", change)


# --- PDFs that cost more than their size (issue 22.2) -------------------------------------------------

def _lzw(data: bytes) -> bytes:
    """``data`` LZW-encoded as pdfminer's /LZWDecode reads it (early change, 9–12-bit codes, MSB
    first). It ends with clear codes up to a whole byte instead of an end code, so copies of it can
    be joined into one stream (pdfminer reads on past an end code)."""
    table = {bytes([k]): k for k in range(256)}
    nxt, width, out, acc, bits = 258, 9, bytearray(), 0, 0

    def put(code: int) -> None:
        nonlocal acc, bits
        acc, bits = ((acc << width) | code) & 0xFFFFFF, bits + width
        while bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    put(256)
    word = b""
    for byte in data:
        cand = word + bytes([byte])
        if cand in table:
            word = cand
            continue
        put(table[word])
        if nxt < 4096:
            table[cand] = nxt
        nxt += 1
        if nxt >= 1 << width and width < 12:
            width += 1
        elif nxt >= 4095:
            put(256)
            table, nxt, width = {bytes([k]): k for k in range(256)}, 258, 9
        word = bytes([byte])
    if word:
        put(table[word])
    while bits:
        put(256)
        width = 9
    return bytes(out)


def _rle(data: bytes, end: bool = True) -> bytes:
    """``data`` as /RunLengthDecode reads it (runs of up to 128 equal bytes; the end code unless not
    ``end``, so that copies can be joined)."""
    out = bytearray()
    k = 0
    while k < len(data):
        run = 1
        while k + run < len(data) and run < 128 and data[k + run] == data[k]:
            run += 1
        out += bytes([257 - run, data[k]]) if run > 1 else bytes([0, data[k]])
        k += run
    return bytes(out + (b"\x80" if end else b""))


def stream_bomb_pdf(folder: Path, kind: str, megabytes: int = 64) -> Path:
    """A one-page PDF whose content stream decodes to ``megabytes`` MB of spaces, hidden the ways the
    red team found: ``image`` (the stream tagged /Subtype /Image), ``ascii85`` (/ASCII85Decode over
    Flate), ``hex`` (/ASCIIHexDecode over Flate), ``padded`` (a dictionary padded past 8 KB),
    ``lzw`` (Flate over LZW), ``runlength`` (Flate over RunLength) and ``objstm`` (the content inside a
    compressed object stream, so the bytes are inflated while pdfminer looks an object up)."""
    import base64
    import zlib
    comp = zlib.compressobj(9)
    flate = b"".join(comp.compress(b" " * 2**20) for _ in range(megabytes)) + comp.flush()
    if kind == "lzw":
        data, filters = zlib.compress(_lzw(b" " * 2**20) * megabytes, 9), b"[/FlateDecode /LZWDecode]"
    elif kind == "runlength":
        data, filters = zlib.compress(_rle(b" " * 2**20, end=False) * megabytes + b"\x80", 9), b"[/FlateDecode /RunLengthDecode]"
    elif kind == "ascii85":
        data, filters = base64.a85encode(flate) + b"~>", b"[/ASCII85Decode /FlateDecode]"
    elif kind == "hex":
        data, filters = flate.hex().encode() + b">", b"[/ASCIIHexDecode /FlateDecode]"
    else:
        data, filters = flate, b"/FlateDecode"
    extra = {"image": b"/Subtype /Image /Width 1 /Height 1 /BitsPerComponent 8 /ColorSpace /DeviceGray",
             "padded": b"/Pad (" + b"x" * 9000 + b")"}.get(kind, b"")
    content = b"<< /Length %d /Filter %s %s >>\nstream\n" % (len(data), filters, extra) + data + b"\nendstream"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, content]
    path = folder / f"bomb_{kind}.pdf"
    if kind == "objstm":                 # the object stream holding the page inflates to the bomb
        small = zlib.compress(b"BT ET")
        path.write_bytes(_pdf_objstm(objects[:3], b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(small)
                                     + small + b"\nendstream", pad=megabytes))
    else:
        path.write_bytes(_pdf(objects))
    return path


def _pdf_objstm(objects: list[bytes], content_stream: bytes, pad: int = 0) -> bytes:
    """A PDF 1.5 whose objects 1–3 lie in a compressed object stream (object 5, followed by ``pad`` MB
    of spaces) and whose object 4 is ``content_stream``, with a cross-reference stream (object 6)."""
    import zlib
    body = b"".join(o + b"\n" for o in objects)
    offsets, pos = [], 0
    for o in objects:
        offsets.append(pos)
        pos += len(o) + 1
    head = b" ".join(b"%d %d" % (k + 1, off) for k, off in enumerate(offsets)) + b"\n"
    comp = zlib.compressobj(9)
    packed = comp.compress(head + body) + b"".join(comp.compress(b" " * 2**20) for _ in range(pad)) + comp.flush()
    objstm = (b"<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
              % (len(objects), len(head), len(packed)) + packed + b"\nendstream")
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    at4 = len(out)
    out += b"4 0 obj\n" + content_stream + b"\nendobj\n"
    at5 = len(out)
    out += b"5 0 obj\n" + objstm + b"\nendobj\n"
    at6 = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    rows += [b"\x02" + (5).to_bytes(4, "big") + k.to_bytes(2, "big") for k in range(len(objects))]
    rows += [b"\x01" + at.to_bytes(4, "big") + b"\x00\x00" for at in (at4, at5, at6)]
    xref = b"".join(rows)
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(xref)
            + xref + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % at6
    return bytes(out)


def form_nest_pdf(folder: Path, depth: int = 7, fan: int = 10) -> Path:
    """A page that draws form XObject X0, which draws X1 ``fan`` times, … down to X``depth-1``, which
    strokes one line: ``fan ** depth`` draws (10⁷) from a file of about 2 KB."""
    forms = []
    for level in range(depth):
        body = (b"0 0 m 1 1 l S" if level == depth - 1 else b" ".join([b"/X%d Do" % (level + 1)] * fan))
        res = b"" if level == depth - 1 else b"/Resources << /XObject << /X%d %d 0 R >> >>" % (level + 1, 7 + level)
        forms.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] %s /Length %d >>\nstream\n"
                     % (res, len(body)) + body + b"\nendstream")
    return _one_page_pdf(folder, "form_nest.pdf", b"/X0 Do", resources=b"/XObject << /X0 6 0 R >>", extra=forms)


def glyph_flood_pdf(folder: Path, glyphs: int = 2_000_000) -> Path:
    """One page showing ``glyphs`` characters (a few kilobytes compressed)."""
    line = b"(" + b"A" * 1000 + b") Tj "
    content = b"BT /F1 1 Tf 10 800 Td " + line * (glyphs // 1000) + b"ET"
    return _one_page_pdf(folder, "glyph_flood.pdf", content)


def state_flood_pdf(folder: Path, saves: int = 5_000_000) -> Path:
    """One page whose content saves the graphics state ``saves`` times and never restores it."""
    return _one_page_pdf(folder, "state_flood.pdf", b"q " * saves)


# content operators that neither show a glyph nor draw, ``count`` times on one page (a few kilobytes
# compressed): a path built and never painted, the matrix changed, an operator nobody knows, operands no
# operator takes, one array of numbers, an inline image whose data never ends
OPERATOR_FLOODS = {
    "path": b"0 0 m 1 1 l ",
    "matrix": b"1 0 0 1 0 0 cm ",
    "unknown": b"zz ",
    "operands": b"1 ",
    "array": b"1 ",
    "inline image": b"a ",
}


def operator_flood_pdf(folder: Path, kind: str, count: int = 5_000_000) -> Path:
    """One page whose content is ``OPERATOR_FLOODS[kind]`` ``count`` times."""
    body = OPERATOR_FLOODS[kind] * count
    if kind == "array":
        body = b"BT /F1 1 Tf [" + body + b"] TJ ET"
    elif kind == "inline image":
        body = b"BI /W 1 /H 1 /BPC 8 /CS /G ID " + body
    return _one_page_pdf(folder, f"flood_{kind.replace(' ', '_')}.pdf", body)


def chartsheet_named_results(folder: Path) -> Path:
    """The user's chart sheet (a sheet holding only a chart) named 校验结果, the tool's own sheet name."""
    from openpyxl.chart import BarChart, Reference

    def edit(wb):
        chart = BarChart()
        chart.add_data(Reference(wb["项目"], min_col=4, min_row=1, max_row=6), titles_from_data=True)
        wb.create_chartsheet("校验结果").add_chart(chart)
    return _edit(folder, "chartsheet.xlsx", edit)


# --- the extent of a sheet: values far from A1 (round four) ---------------------------------------------

def value_in_last_cell(folder: Path, sheet: str, name: str = "corner.xlsx", ref: str = "XFD1048576") -> Path:
    """The seed with one value typed in the last cell of ``sheet`` (Ctrl+End, then a keystroke)."""
    def edit(wb):
        wb[sheet][ref] = "x"
    return _edit(folder, name, edit)


def values_far_right(folder: Path, sheet: str, rows: int, name: str = "wide.xlsx") -> Path:
    """The seed with ``rows`` rows below the table holding a value in column A and one in XFD (written
    straight into the sheet's XML: a few KB compressed)."""
    import re
    src = seed_book(folder, "wide_base.xlsx")
    dst = folder / name
    with zipfile.ZipFile(src) as zin:
        book = zin.read("xl/workbook.xml").decode()
        rels = zin.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(r'<sheet [^>]*name="%s"[^>]*r:id="([^"]+)"' % sheet, book).group(1)
        target = re.search(r'<Relationship [^>]*Id="%s"[^>]*/>' % rid, rels).group(0)
        part = "xl/" + re.search(r'Target="/?(?:xl/)?([^"]+)"', target).group(1)
        first = 1000
        extra = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c>'
                        f'<c r="XFD{r}" t="inlineStr"><is><t>y</t></is></c></row>' for r in range(first, first + rows))
        data = re.sub(r'<dimension ref="[^"]*"/>', "", zin.read(part).decode()).replace("</sheetData>", extra + "</sheetData>")
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                zout.writestr(item, data if item.filename == part else zin.read(item.filename))
    return dst


def published_table_with_last_cell(folder: Path, ref: str = "XFD1048576") -> Path:
    """The 公开表 ``xl-tools publish`` writes for the seed, with one value typed in ``ref``."""
    from xl_tools import app
    src = seed_book(folder, "pub_seed.xlsx")
    path = folder / "公开表.xlsx"
    app.publish_file(src, path, None, allow_errors=True)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0][ref] = "x"
    wb.save(path)
    return path


def regional_export(folder: Path, *, merged: bool = False, ref: str | None = None) -> Path:
    """A 一体化导出 (四川) table as xlsx, one project of three indicators (its 单位名称…年度目标 cells merged
    over its rows when ``merged``), and one value typed in ``ref`` when given."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["部门预算项目绩效目标申报表(2023年度)"])
    ws.append(["金额单位：元"])
    ws.append(["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
               "度量单位", "权重", "指标方向性"])
    rows = [["效益指标", "社会效益指标", "维护社会稳定", "≥", "95", "%", 10, "正向指标"],
            ["产出指标", "数量指标", "村组干部人数", "≥", "230", "人", 10, "正向指标"],
            ["满意度指标", "服务对象满意度指标", "人民群众满意度", "≥", "95", "%", 10, "正向指标"]]
    for k, row in enumerate(rows):
        lead = ["820001-井研县马踏镇人民政府", "村组干部报酬", "3,309,840.00", "按时发放村组干部报酬"] if k == 0 else [None] * 4
        ws.append(lead + row)
    if merged:
        for col in "ABCD":
            ws.merge_cells(f"{col}4:{col}6")
    if ref:
        ws[ref] = "x"
    path = folder / "导出.xlsx"
    wb.save(path)
    return path


def table_grid_pdf(folder: Path, lines: int, *, cross: bool = True, glyphs: int = 0) -> Path:
    """One page of ``lines`` horizontal and ``lines`` vertical ruled lines, 40 pt apart on a page as large
    as they need (so no two are joined): each crossing all the others (``cross``: lines × lines crossings),
    or short ticks that cross nothing; and ``glyphs`` characters spread over the grid in lines of 1,000.
    About 10 bytes a line compressed."""
    size = 40 * lines + 100
    parts = [b"BT /F1 12 Tf 10 10 Td (x) Tj ET "]
    rows = glyphs // 1000
    parts += [b"BT /F1 1 Tf 55 %.1f Td (%s) Tj ET " % (55 + k * 40 * lines / rows, b"G" * 1000) for k in range(rows)]
    for k in range(lines):
        at = 50 + 40 * k
        end = size if cross else 20
        parts.append(b"0 %d m %d %d l S %d 0 m %d %d l S " % (at, end, at, at, at, end))
    return _one_page_pdf(folder, f"grid_{lines}{'' if cross else '_ticks'}.pdf", b"".join(parts),
                         mediabox=b"[0 0 %d %d]" % (size, size))


_CAPTIONS_CMAP = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def /CMapType 2 def "
                  b"1 begincodespacerange <00> <FF> endcodespacerange 6 beginbfchar <41> <9879> <42> <76EE> <43> <540D> "
                  b"<44> <79F0> <45> <603B> <46> <8BA1> endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")


def banded_table_pdf(folder: Path, rules: int, glyphs: int) -> Path:
    """A ruled table whose header reads 项目名称 | 总计 (a font whose ToUnicode map gives A–F those
    characters), with ``rules`` horizontal rules 2.5 pt apart across its name column (each a row of the
    table reader; pdfplumber's finder joins them into one line) and ``glyphs`` characters in its body."""
    import zlib
    body = rules * 2.5 + 20
    top = body + 150
    head, bottom = top - 30, top - 40 - body
    content = [b"%d %.1f m %d %.1f l S" % (x, top, x, bottom) for x in (10, 300, 600)]
    content += [b"10 %.1f m 600 %.1f l S" % (y, y) for y in (top, head, bottom)]
    content += [b"BT /F2 10 Tf 20 %.1f Td (ABCD) Tj ET" % (head + 10), b"BT /F2 10 Tf 310 %.1f Td (EF) Tj ET" % (head + 10)]
    content += [b"10 %.2f m 300 %.2f l S" % (head - 10 - k * 2.5, head - 10 - k * 2.5) for k in range(rules)]
    lines = max(1, glyphs // 1000)
    content += [b"BT /F1 0.5 Tf 20 %.1f Td (%s) Tj ET" % (head - 12 - k * body / lines, b"G" * 1000) for k in range(lines)]
    pdf = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 700 %d] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>" % int(top + 50),
                _stream(zlib.compress(b"\n".join(content), 9)),
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 7 0 R >>",
                _stream(zlib.compress(_CAPTIONS_CMAP, 9))])
    path = folder / f"banded_{rules}.pdf"
    path.write_bytes(pdf)
    return path


def published_table_with_sheets(folder: Path, sheets: int, cells: int) -> Path:
    """The 公开表 of the seed with ``sheets`` more sheets of ``cells`` numbers each (40 to a row, within
    every limit of one sheet), written straight into the zip."""
    src = published_table_with_last_cell(folder, ref="A1000")
    dst = folder / "公开表_多表.xlsx"
    wb = openpyxl.load_workbook(src)
    for k in range(sheets):
        wb.create_sheet(f"附表{k + 1}")
    wb.save(dst)
    rows = ''.join(f'<row r="{r}">' + ''.join(f'<c r="{_col(c)}{r}"><v>{c}</v></c>' for c in range(1, 41)) + '</row>'
                   for r in range(1, cells // 40 + 1))
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows
             + '</sheetData></worksheet>').encode()
    with zipfile.ZipFile(dst) as zin:
        items = [(item, zin.read(item.filename)) for item in zin.infolist()]
    parts = {f"xl/worksheets/sheet{k + 2}.xml" for k in range(sheets)}
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item, data in items:
            zout.writestr(item, sheet if item.filename in parts else data)
    return dst


def _col(c: int) -> str:
    from xl_tools.address import column_letter
    return column_letter(c)


def many_user_notes(folder: Path, notes: int) -> Path:
    """The seed with ``notes`` notes of the person's own on 绩效指标 (column AD, below the table): openpyxl
    writes their shapes in one o:idmap block with ids that run far past it."""
    from openpyxl.comments import Comment

    def edit(wb):
        ws = wb["绩效指标"]
        for r in range(2, notes + 2):
            ws.cell(r, 30).comment = Comment("备注", "张三")
    return _edit(folder, "notes.xlsx", edit)
