"""The package patcher on 54 workbooks saved by Excel (tests/corpus/excel_made, one feature each, BSD
licence in that folder): a plan of fills, highlights and notes plus a new sheet of the tool's, then a
plan that takes the highlights and notes off again.

For every workbook: each part the plans do not own is byte-identical; the owned parts are valid
(openpyxl reads the file, LibreOffice opens and re-saves it and still shows the note, the highlight and
the new sheet); taking the highlights off restores the touched cells' XML byte for byte; a repeated
plan changes nothing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from xl_tools.address import a1, parse_a1
from xl_tools.ooxml.cells import ROW, C
from xl_tools.ooxml.package import Package, rels_name
from xl_tools.ooxml.patch import Generated, WorkbookPatch
from xl_tools.ooxml.sheetgen import SheetSpec
from xl_tools.ooxml.styles import Format
from xl_tools.ooxml.view import WorkbookView
from xl_tools.ooxml.xml import RT_COMMENTS, RT_VML

from .conftest import HAS_SOFFICE

CORPUS = Path(__file__).parent / "corpus" / "excel_made"
BOOKS = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".xlsm"))
RED, RED_FONT = "FFCCD3", "9E0A14"
AUTHOR = "xl-tools"
NOTE = "xl-tools 校验：\n[TST001] 测试问题\n建议：测试建议"
OWN_SHEET = "工具表"


def _target_sheet(view: WorkbookView):
    """The first worksheet with a part, a cell with a value on it (or B2), and the last row the sheet's
    XML has an element for (valued or only formatted: below it, a cell is truly blank)."""
    entry = next(e for e in view.book.sheets() if e.is_worksheet and e.part)
    ws = view[entry.name]
    last = max([ws.max_row, *(int(n) for n in _ROW_NUMBER.findall(view.pkg.read(entry.part)))])
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        for c, v in enumerate(row, start=1):
            if v not in (None, ""):
                return entry, (r, c), last
    return entry, (2, 2), last


_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")


def _plan(path: Path, out: Path, clear: dict | None = None, cells=None):
    """Apply the fill plan (clear=None) or the clearing plan (clear = what the fill plan reported)."""
    pkg = Package(path)
    view = WorkbookView(pkg, max_rows=50_000, blank_run=1_000)
    if cells is None:
        entry, valued, last = _target_sheet(view)
        cells = entry, valued, (last + 3, 3), (last + 4, 1)   # blank: no <row>, no <c> before
    entry, valued, blank, filled = cells
    patch = WorkbookPatch(view, note_author=AUTHOR)
    for cell in (valued, blank):
        if clear is None:
            patch.colour(entry.name, *cell, RED, RED_FONT)
            patch.note(entry.name, *cell, NOTE)
        else:
            patch.clear(entry.name, *cell, frozenset({RED}), clear[cell])
            patch.note(entry.name, *cell, None)
    if clear is None:
        patch.set_value(entry.name, *filled, "已自动填写")
    results = patch.patch_sheets()
    spec = SheetSpec(rows=[[("说明", Format(bold=True, border=True)), (1, Format(border=True))]],
                     widths={1: 20}, autofilter=(1, 1, 1, 2))
    patch.replace_sheet(Generated(OWN_SHEET, spec, print_titles=(1, 1)), len(view.sheetnames))
    patch.save(out)
    pkg.close()
    return entry, valued, blank, filled, results[entry.name].looks


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _cells(sheet_xml: bytes, *cells) -> dict:
    """The serialised <c> elements (None when absent) of `cells` in a worksheet part."""
    root = etree.fromstring(sheet_xml)
    wanted = {a1(*c) for c in cells}
    found = {c.get("r"): etree.tostring(c) for c in root.iter(C) if c.get("r") in wanted}
    return {w: found.get(w) for w in wanted}


def _owned(before: dict[str, bytes], sheet_part: str) -> set[str]:
    """The parts a plan may change: the edited sheet, its relationships and notes, the workbook part
    and its relationships, styles, content types, calcChain (dropped)."""
    owned = {sheet_part, rels_name(sheet_part), "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
             "xl/styles.xml", "[Content_Types].xml", "xl/calcChain.xml"}
    rels = before.get(rels_name(sheet_part))
    if rels:
        import posixpath
        for rel in etree.fromstring(rels):
            if rel.get("Type") in (RT_COMMENTS, RT_VML):
                owned.add(posixpath.normpath(posixpath.join(posixpath.dirname(sheet_part), rel.get("Target"))))
    return owned


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory):
    """Both plans on every workbook, then one LibreOffice run re-saving all the results."""
    work = tmp_path_factory.mktemp("fidelity")
    runs = {}
    for name in BOOKS:
        src = work / name
        shutil.copy(CORPUS / name, src)
        filled = work / f"filled_{name}"
        cleared = work / f"cleared_{name}"
        again = work / f"again_{name}"
        entry, valued, blank, fill_cell, originals = _plan(src, filled)
        cells = (entry, valued, blank, fill_cell)
        _plan(filled, cleared, clear=originals, cells=cells)
        _plan(cleared, again, clear=originals, cells=cells)
        runs[name] = dict(src=src, filled=filled, cleared=cleared, again=again, part=entry.part,
                          sheet=entry.name, valued=valued, blank=blank, fill_cell=fill_cell)
    if HAS_SOFFICE:
        out = work / "lo"
        out.mkdir()
        files = [str(r[k]) for r in runs.values() for k in ("filled", "cleared")]
        proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{work / '.lo-profile'}", "--headless",
                               "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
                               *files], capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr
        for r in runs.values():
            r["lo_filled"] = out / (r["filled"].stem + ".xlsx")
            r["lo_cleared"] = out / (r["cleared"].stem + ".xlsx")
    return runs


@pytest.mark.parametrize("name", BOOKS)
def test_parts_the_plan_does_not_own_are_byte_identical(corpus_runs, name):
    run = corpus_runs[name]
    before = _parts(run["src"])
    owned = _owned(before, run["part"])
    assert _cells(before[run["part"]], run["blank"])[a1(*run["blank"])] is None     # truly blank before
    for key in ("filled", "cleared"):
        after = _parts(run[key])
        changed = {n for n in before if n in after and before[n] != after[n]}
        assert changed <= owned, (key, changed - owned)
        assert set(before) - set(after) <= {"xl/calcChain.xml"}
        new = set(after) - set(before)
        assert all(n.startswith(("xl/worksheets/", "xl/comments", "xl/drawings/vmlDrawing")) for n in new), new


@pytest.mark.parametrize("name", BOOKS)
def test_openpyxl_reads_the_plan(corpus_runs, name):
    run = corpus_runs[name]
    wb = openpyxl.load_workbook(run["filled"])
    ws = wb[run["sheet"]]
    for cell in (run["valued"], run["blank"]):
        c = ws.cell(*cell)
        assert c.fill.fgColor.rgb == "FF" + RED, (name, cell)
        assert c.comment is not None and "建议" in c.comment.text
    assert ws.cell(*run["fill_cell"]).value == "已自动填写"
    own = wb[OWN_SHEET]
    assert own["A1"].value == "说明" and own["A1"].font.b and own.auto_filter.ref == "A1:B1"
    assert own.print_title_rows == "$1:$1"
    wb = openpyxl.load_workbook(run["cleared"])
    ws = wb[run["sheet"]]
    for cell in (run["valued"], run["blank"]):
        assert ws.cell(*cell).comment is None or "建议" not in ws.cell(*cell).comment.text


@pytest.mark.parametrize("name", BOOKS)
def test_clearing_restores_the_cells_byte_for_byte(corpus_runs, name):
    run = corpus_runs[name]
    before, cleared, again = _parts(run["src"]), _parts(run["cleared"]), _parts(run["again"])
    part = run["part"]
    cells = (run["valued"], run["blank"])
    assert _cells(cleared[part], *cells) == _cells(before[part], *cells)
    assert _cells(cleared[part], run["blank"])[a1(*run["blank"])] is None      # the created cell is gone
    # the notes parts the plan created are gone again; the user's own notes and buttons stay
    for n in set(before) & set(cleared):
        if n.endswith(".vml") or "comments" in n:
            assert _note_free(cleared[n]) == _note_free(before[n]), n
    assert not [n for n in set(cleared) - set(before) if "comments" in n or n.endswith(".vml")]
    assert again == cleared                         # clearing again changes nothing


def _note_free(data: bytes):
    """A VML or comments part as text content: what a user sees, not how it is spelled."""
    root = etree.fromstring(data)
    return sorted((etree.QName(el).localname, tuple(sorted(el.attrib.items())), (el.text or "").strip())
                  for el in root.iter() if isinstance(el.tag, str))


@pytest.mark.soffice
@pytest.mark.parametrize("name", BOOKS)
def test_libreoffice_opens_and_resaves_the_plan(corpus_runs, name):
    if not HAS_SOFFICE:
        pytest.skip("LibreOffice not installed")
    run = corpus_runs[name]
    for key in ("lo_filled", "lo_cleared"):
        assert run[key].exists() and run[key].stat().st_size > 1000, (name, key)
    wb = openpyxl.load_workbook(run["lo_filled"])
    ws = wb[run["sheet"]]
    for cell in (run["valued"], run["blank"]):
        assert ws.cell(*cell).fill.fgColor.rgb == "FF" + RED, (name, cell)
        assert ws.cell(*cell).comment is not None and "测试建议" in ws.cell(*cell).comment.text
    assert wb[OWN_SHEET]["A1"].value == "说明"


def test_the_corpus_licence_is_kept_beside_it():
    assert "BSD 2-Clause" in (CORPUS / "LICENSE.txt").read_text()
    assert len(BOOKS) == 54


def _patched(tmp_path, edit) -> tuple[Path, str, str]:
    """format01.xlsx with `edit(patch, sheet)` applied: (output, first sheet, its part)."""
    src = tmp_path / "a.xlsx"
    shutil.copy(CORPUS / "format01.xlsx", src)
    out = tmp_path / "b.xlsx"
    with Package(src) as pkg:
        view = WorkbookView(pkg, max_rows=50_000, blank_run=1_000)
        name = view.sheetnames[0]
        patch = WorkbookPatch(view, note_author=AUTHOR)
        edit(patch, name)
        patch.patch_sheets()
        patch.save(out)
        return out, name, view.book.sheet(name).part


def test_row_and_cell_order_of_created_cells(tmp_path):
    """Cells created in an existing row and rows created between rows land in order."""
    def edit(patch, name):
        for cell in ((1, 5), (1, 2), (3, 1), (2, 4), (40, 2), (20, 9)):
            patch.set_value(name, *cell, f"{cell}")
    out, name, part = _patched(tmp_path, edit)
    root = etree.fromstring(_parts(out)[part])
    rows = [int(r.get("r")) for r in root.iter(ROW)]
    assert rows == sorted(rows) and len(rows) == len(set(rows))
    for row in root.iter(ROW):
        cols = [parse_a1(c.get("r"))[1] for c in row.iter(C)]
        assert cols == sorted(cols) and len(cols) == len(set(cols))
    ws = openpyxl.load_workbook(out)[name]
    assert ws.cell(40, 2).value == "(40, 2)" and ws.cell(2, 4).value == "(2, 4)"


def test_thousands_of_notes_get_unique_shape_ids_in_several_blocks(tmp_path):
    """More notes than one VML id block holds (1,023): the drawing lists several blocks, every shape
    id is unique and inside them, and every note reads back."""
    def edit(patch, name):
        for r in range(1, 2501):
            patch.note(name, r, 3, f"{NOTE} {r}")
    out, name, _part = _patched(tmp_path, edit)
    parts = _parts(out)
    vml = etree.fromstring(next(v for k, v in parts.items() if k.endswith(".vml")))
    o_ns = "urn:schemas-microsoft-com:office:office"
    blocks = [int(b) for b in next(vml.iter(f"{{{o_ns}}}idmap")).get("data").split(",")]
    ids = [int(s.get("id").removeprefix("_x0000_s")) for s in vml.iter("{urn:schemas-microsoft-com:vml}shape")]
    assert len(blocks) == 3 and len(ids) == len(set(ids)) == 2500
    assert all(i // 1024 in blocks and i % 1024 for i in ids)
    ws = openpyxl.load_workbook(out)[name]
    assert ws.cell(2500, 3).comment.text.endswith(" 2500") and ws.cell(1, 3).comment.author == AUTHOR
