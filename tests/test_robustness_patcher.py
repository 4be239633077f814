"""The package patcher on odd but real packages (issue 22, 6, 10 and 11): rows out of document order, a
workbook without styles.xml, zip entries named outside the package, Excel's cell-format limit, Excel's
VML with unclosed ``<br>``, and the findings that do not become notes (a user's own note on the cell, a
drawing that cannot be read) — counted and said on the command line, in 校验结果, the pane's report and
the desktop button's message.
"""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from openpyxl.comments import Comment

from xl_tools.cli import main
from xl_tools.ooxml.styles import EXCEL_MAX_FORMATS
from xl_tools.schema import MARK_ERROR, MARK_WARNING, SHEET_PROJECTS, SHEET_RESULTS

from .inputs import cases

HIGHLIGHTS = ("FF" + MARK_ERROR[0], "FF" + MARK_WARNING[0])      # the tool's own marks


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _rewrite(src, dst, change, stored: tuple[str, ...] = ()) -> None:
    """Copy the package `src` to `dst`, each part through change(name, data) (None drops it); the parts
    `stored` are not compressed."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data,
                              zipfile.ZIP_STORED if info.filename in stored else zipfile.ZIP_DEFLATED)


def _sheet_part(path, name: str) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    index = book.sheetnames.index(name) + 1
    book.close()
    return f"xl/worksheets/sheet{index}.xml"


@pytest.fixture
def faulty(seed_workbook, tmp_path):
    """The seed with an error on 项目 D4 (财政拨款 of project 3 changed), no tool sheets yet."""
    book = openpyxl.load_workbook(seed_workbook)
    book[SHEET_PROJECTS]["E4"] = 1
    path = tmp_path / "faulty.xlsx"
    book.save(path)
    return path


def _run(capsys, *argv) -> tuple[int, str]:
    rc = main([str(a) for a in argv])
    out = capsys.readouterr()
    assert "内部错误" not in out.err, out.err
    return rc, out.out + out.err


def _marked(path, sheet: str = SHEET_PROJECTS) -> dict[str, tuple[str | None, bool]]:
    """cell → (fill colour, has a note) of every highlighted or noted cell of `sheet`."""
    ws = openpyxl.load_workbook(path)[sheet]
    return {c.coordinate: (c.fill.fgColor.rgb if c.fill.fgColor.rgb in HIGHLIGHTS else None, c.comment is not None)
            for row in ws.iter_rows() for c in row if c.fill.fgColor.rgb in HIGHLIGHTS or c.comment is not None}


def test_rows_out_of_document_order_keep_their_findings(faulty, tmp_path, capsys):
    """A writer that put 项目's rows in reverse order (each row keeps its number): the error and its note
    go on D4, where the project is — not on the row that happens to be fourth in the file."""
    reference = tmp_path / "reference.xlsx"
    reference.write_bytes(faulty.read_bytes())
    assert main(["refresh", str(reference)]) == 1
    part = _sheet_part(faulty, SHEET_PROJECTS)

    def reverse(name, data):
        if name != part:
            return data
        head, rest = data.split(b"<sheetData>", 1)
        body, tail = rest.split(b"</sheetData>", 1)
        rows = re.findall(rb"<row .*?</row>", body, re.S)
        return head + b"<sheetData>" + rows[0] + b"".join(reversed(rows[1:])) + b"</sheetData>" + tail
    book = tmp_path / "reversed.xlsx"
    _rewrite(faulty, book, reverse)
    rc, out = _run(capsys, "check", book)
    assert "项目!D4" in out and "项目!D24" not in out
    assert main(["refresh", str(book)]) == 1
    assert _marked(book) == _marked(reference) and _marked(book)["D4"] == ("FF" + MARK_ERROR[0], True)
    numbers = [int(n) for n in re.findall(rb'<row r="(\d+)"', _parts(book)[part])]
    assert numbers == sorted(set(numbers))                     # in order, none twice


def test_a_workbook_without_styles_gets_only_its_highlights(faulty, tmp_path):
    """No styles.xml (cells still name formats 1, 2, …): the formats the highlights add come after
    every format a cell names, so only the findings' cells turn red or amber."""
    reference = tmp_path / "reference.xlsx"
    reference.write_bytes(faulty.read_bytes())
    assert main(["refresh", str(reference)]) == 1

    def no_styles(name, data):
        if name == "xl/styles.xml":
            return None
        if name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
            return re.sub(rb"<(Relationship|Override) [^>]*styles[^>]*/>", b"", data)
        return data
    book = tmp_path / "unstyled.xlsx"
    _rewrite(faulty, book, no_styles)
    assert max(int(s) for s in re.findall(rb' s="(\d+)"', _parts(book)[_sheet_part(book, SHEET_PROJECTS)])) > 1
    assert main(["refresh", str(book)]) == 1
    for sheet in (SHEET_PROJECTS, "绩效指标"):
        assert _marked(book, sheet) == _marked(reference, sheet)


def test_entries_named_outside_the_package_are_not_carried(faulty, tmp_path):
    with zipfile.ZipFile(faulty, "a") as zf:
        zf.writestr("../../evil.txt", b"x")
        zf.writestr("/etc/evil.conf", b"x")
        zf.writestr("xl/../../../evil2.txt", b"x")
    out = tmp_path / "out.xlsx"
    assert main(["refresh", str(faulty), "-o", str(out)]) == 1
    names = zipfile.ZipFile(out).namelist()
    assert not [n for n in names if "evil" in n], names
    assert openpyxl.load_workbook(out)[SHEET_RESULTS]["A1"].value == "校验结果"


def test_a_refresh_that_would_pass_excels_format_limit_stops(faulty, tmp_path, capsys):
    """65,485 cell formats: the highlights would take the workbook past the 65,490 Excel keeps (Excel
    then repairs the file and drops formatting): the refresh stops with one line, nothing written."""
    def many_formats(name, data):
        if name != "xl/styles.xml":
            return data
        head, rest = data.split(b"<cellXfs", 1)
        attrs, rest = rest.split(b">", 1)
        body, tail = rest.split(b"</cellXfs>", 1)
        count = len(re.findall(rb"<xf\b", body))
        pad = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' * (EXCEL_MAX_FORMATS - 5 - count)
        attrs = re.sub(rb'count="\d+"', b'count="%d"' % (EXCEL_MAX_FORMATS - 5), attrs)
        return head + b"<cellXfs" + attrs + b">" + body + pad + b"</cellXfs>" + tail
    book = tmp_path / "formats.xlsx"
    _rewrite(faulty, book, many_formats, stored=("xl/styles.xml",))      # within the zip-bomb ratio
    before = book.read_bytes()
    rc, out = _run(capsys, "refresh", book)
    assert rc == 2 and "65,490" in out and "原文件未改动" in out, out
    assert book.read_bytes() == before and not (tmp_path / "formats.xlsx.bak").exists()


def test_excels_vml_with_an_unclosed_br_still_gets_the_notes(seed_filing, tmp_path, capsys):
    """Excel writes the text of a form button in VML as HTML (<br> left open): the drawing is read
    tolerantly, the notes are written beside the button, and the button is kept."""
    book = _vml_book(seed_filing, tmp_path)
    rc, out = _run(capsys, "refresh", book)
    assert rc == 1 and "批注" not in out, out
    marked = _marked(book)
    assert marked["D4"] == ("FF" + MARK_ERROR[0], True) and sum(note for _fill, note in marked.values()) >= 10
    vml = b"".join(data for name, data in _parts(book).items() if name.endswith(".vml"))
    assert b"Line 1<br/>Line 2" in vml or b"Line 1<br />Line 2" in vml


def _vml_book(seed_filing, tmp_path, *, cut: bool = False):
    """A workbook whose 项目 sheet has a VML drawing of its own (a form button as Excel writes it)."""
    from xl_tools.workbook import build_workbook
    path = tmp_path / "seed.xlsx"
    build_workbook(path, seed_filing)
    book = openpyxl.load_workbook(path)
    ws = book[SHEET_PROJECTS]
    ws["E4"] = 1
    ws["J1"].comment = Comment("用户的说明", "用户")        # openpyxl writes a VML drawing for it
    book.save(path)
    part = _sheet_part(path, SHEET_PROJECTS)
    vml_names = [n for n in _parts(path) if n.endswith(".vml")]
    out = tmp_path / "vml.xlsx"

    def change(name, data):
        if name in vml_names:
            if cut:
                return data[: len(data) // 2]
            return re.sub(rb"(<div[^>]*>)", rb"\1Line 1<br>Line 2", data, count=1)
        return data
    _rewrite(path, out, change)
    assert part
    return out


def test_notes_that_could_not_be_written_are_counted_and_said(seed_filing, tmp_path, capsys):
    """A drawing that cannot be read even tolerantly: no note is written on that sheet (it is never
    rewritten), the command line and 校验结果 say how many, and the next refresh says so again."""
    book = _vml_book(seed_filing, tmp_path, cut=True)
    rc, out = _run(capsys, "refresh", book)
    assert rc == 1 and re.search(r"\d+ 处问题说明未能写成批注", out), out
    summary = openpyxl.load_workbook(book)[SHEET_RESULTS]["A2"].value
    assert re.search(r"\d+ 处问题说明未能写成批注", summary), summary
    rc, again = _run(capsys, "refresh", book)
    assert re.search(r"\d+ 处问题说明未能写成批注", again), again


def test_a_users_own_note_is_kept_counted_and_said(faulty, tmp_path, capsys):
    book = openpyxl.load_workbook(faulty)
    book[SHEET_PROJECTS]["D4"].comment = Comment("这是我自己的说明", "张会计")
    book.save(faulty)
    rc, out = _run(capsys, "refresh", faulty)
    assert rc == 1 and "1 处单元格已有您自己的批注" in out, out
    wb = openpyxl.load_workbook(faulty)
    assert wb[SHEET_PROJECTS]["D4"].comment.text == "这是我自己的说明"
    assert wb[SHEET_PROJECTS]["D4"].fill.fgColor.rgb == "FF" + MARK_ERROR[0]
    assert "1 处单元格已有您自己的批注" in wb[SHEET_RESULTS]["A2"].value
    rc, again = _run(capsys, "refresh", faulty)                     # said every time, not only once
    assert "1 处单元格已有您自己的批注" in again, again
    # and nothing else changed: the file is not written again (the note would be kept again), no new .bak
    bak = faulty.with_name(faulty.name + ".bak")
    stamps = (faulty.stat().st_mtime_ns, bak.stat().st_mtime_ns if bak.exists() else None)
    rc, third = _run(capsys, "refresh", faulty)
    assert "未改动" in third and "1 处单元格已有您自己的批注" in third, third
    assert (faulty.stat().st_mtime_ns, bak.stat().st_mtime_ns if bak.exists() else None) == stamps


def test_live_writer_keeps_a_users_note_and_the_pane_counts_it(tmp_path, seed_filing):
    from tests.support.payload import payload_from_xlsx
    from tests.support.servers import licensed_environment
    from xl_tools.workbook import build_workbook
    path = tmp_path / "book.xlsx"
    build_workbook(path, seed_filing)
    wb = openpyxl.load_workbook(path)
    wb[SHEET_PROJECTS]["E4"] = 1
    wb[SHEET_PROJECTS]["D4"].comment = Comment("这是我自己的说明", "张会计")
    wb.save(path)
    with licensed_environment():
        from xl_tools.server.app import enable_remote_engine
        xw = enable_remote_engine()
        from xl_tools.app import refresh_book
        from xl_tools.server.pane import pane_report
        book = xw.Book(json=payload_from_xlsx(path))
        outcome = refresh_book(book, now="2025-01-01 10:00")
        actions = book.json()["actions"]
        assert not [a for a in actions if a["func"] == "deleteNote"]
        assert not [a for a in actions if a["func"] == "addNote" and "项目" in str(a) and "D4" in str(a)]
        report = pane_report(book, outcome)
        assert report["notes_kept"] == 1 and "1 处单元格已有您自己的批注" in report["summary"]
        # the actions replayed onto the file, the next press writes nothing (the note would be kept again)
        # and still says so — through the add-in and through the desktop button alike
        from tests.support.xlwings_replay import replay
        from xl_tools import desktop
        wb = openpyxl.load_workbook(path)
        replay(wb, actions)
        wb.save(path)
        book = xw.Book(json=payload_from_xlsx(path))
        outcome = refresh_book(book, now="2025-01-01 10:05")
        assert book.json()["actions"] == [] and outcome.notes_kept == 1
        assert "1 处单元格已有您自己的批注" in pane_report(book, outcome)["summary"]
        book = xw.Book(json=payload_from_xlsx(path))
        book.set_mock_caller()
        desktop.main()
        assert [a["func"] for a in book.json()["actions"]] == ["alert"]      # said, nothing written
        payload = payload_from_xlsx(path)
        for sheet in payload["sheets"]:
            sheet["notes_supported"] = False
        book = xw.Book(json=payload)
        outcome = refresh_book(book, now="2025-01-01 10:00")
        report = pane_report(book, outcome)
        assert report["notes_skipped"] > 0 and "未能写成批注" in report["summary"]


def test_a_drawing_of_many_notes_is_read_once_for_shape_ids(tmp_path, capsys, monkeypatch):
    """The shape ids of the notes a refresh adds come from free o:idmap blocks; a drawing of many notes
    of the person's own whose ids run past its block (as openpyxl writes them) was read again — every
    VML part of the workbook, in a stream — for each block skipped: 20,000 notes took 13 s, quadratic
    in the notes (200,000: about 20 minutes). The workbook's blocks are read once per drawing."""
    from xl_tools.ooxml import comments
    book = cases.many_user_notes(tmp_path, 6000)
    reads = []
    original = comments.SheetNotes._blocks_in_use
    monkeypatch.setattr(comments.SheetNotes, "_blocks_in_use", lambda self: reads.append(1) or original(self))
    assert main(["refresh", str(book), "-o", str(tmp_path / "out.xlsx")]) in (0, 1)
    capsys.readouterr()
    assert len(reads) <= 2, len(reads)
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["绩效指标"]
    assert sum(1 for row in ws.iter_rows(min_col=30, max_col=30) for c in row if c.comment) == 6000


def test_a_drawing_written_by_the_patch_is_not_read_again_for_its_blocks(seed_workbook, tmp_path):
    """The notes of a second sheet take o:idmap blocks past those of the drawing the same patch just
    wrote for the first, known without reading it again (at 5,000 projects a 2–5 MB drawing); a drawing
    the patch changes afterwards is read again."""
    from xl_tools.ooxml import comments
    from xl_tools.ooxml.package import Package
    from xl_tools.ooxml.patch import WorkbookPatch
    from xl_tools.ooxml.view import WorkbookView
    pkg = Package(seed_workbook)
    patch = WorkbookPatch(WorkbookView(pkg, max_rows=50_000, blank_run=1_000), note_author="xl-tools")
    for r in range(2, 2100):                               # more than one block of 1,024 shapes
        patch.note("绩效指标", r, 5, f"说明{r}")
    patch.note("项目", 2, 2, "说明")
    read = []
    real = comments._idmap_blocks
    comments._idmap_blocks = lambda fh, name: read.append(name) or real(fh, name)
    try:
        patch.patch_sheets()
    finally:
        comments._idmap_blocks = real
    assert read == []
    written = {name: blocks for name, blocks in pkg.vml_blocks.items()}
    assert len(written) == 2 and not set.intersection(*map(set, written.values()))
    assert {b for blocks in written.values() for b in blocks} == {1, 2, 3, 4}
    name = next(iter(written))
    pkg.set_bytes(name, pkg.read(name))                    # changed: its blocks are read from it again
    assert name not in pkg.vml_blocks and comments.vml_blocks_in_use(pkg) == {1, 2, 3, 4}
    out = tmp_path / "out.xlsx"
    patch.save(out)
    pkg.close()
    wb = openpyxl.load_workbook(out)
    assert wb["项目"]["B2"].comment.text.endswith("说明") and wb["绩效指标"]["E2099"].comment is not None
