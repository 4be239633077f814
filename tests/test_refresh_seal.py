"""The seal (``refresh.seal``): a refresh of a file the tool refreshed, nothing changed since, reads no
cell, runs no rule and writes nothing — and says and leaves exactly what the full refresh would.

Every workbook below is refreshed once (the refresh that writes seals it), then refreshed again twice
from the same bytes: once as it is (the seal taken: the plan is never made), once with the seal
ignored (the full path: read, check, plan, compare). Both must give the same exit code, the same lines,
the same file (in place: not even touched) and, with ``-o``, the same output. Then each kind of change
— a value, a sheet's name, a style, a note, the options, the tool, the limits, the seal itself — is
shown to send the refresh down the full path."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xl_tools import app, limits
from xl_tools.cli import main
from xl_tools.jsonio import dumps
from xl_tools.refresh import plan as plan_module
from xl_tools.refresh import seal
from xl_tools.workbook import build_workbook
from xl_tools.workbook.reader import workbook_view

from .conftest import HAS_SOFFICE, ROOT, soffice_convert
from .inputs import cases
from .support.features import featured_workbook

SAMPLE_TEXT = ROOT / "xl_tools" / "data" / "sample_2024.txt"


def _cli(capsys, argv: list) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def is_sealed(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        m = seal._SEAL.search(zf.read(zf.infolist()[-1]))
    return m is not None and m.group(1) != seal.PLACEHOLDER.encode()


def _no_plan(*args, **kwargs):
    raise AssertionError("the sealed file was read and planned")


def _fast_and_full(tmp_path: Path, book: Path, capsys, monkeypatch, options: list) -> None:
    """``book`` (sealed) refreshed again as it is and with the seal ignored: the same everything."""
    said = {}
    for way in ("fast", "full"):
        folder = tmp_path / way
        folder.mkdir()
        copy = folder / book.name
        shutil.copyfile(book, copy)
        os.utime(copy, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
        with monkeypatch.context() as m:
            if way == "fast":
                m.setattr(plan_module, "plan_refresh", _no_plan)
            else:
                m.setattr(seal, "sealed", lambda path, context: None)
            rc, out, err = _cli(capsys, ["refresh", copy, *options])
            rc_o, out_o, err_o = _cli(capsys, ["refresh", copy, "-o", folder / f"out{book.suffix}", *options])
        assert rc in (0, 1) and rc_o == rc, (err, err_o)
        said[way] = (rc, out.replace(str(copy), "F"), err, out_o.replace(str(folder), "D"), err_o,
                     copy.read_bytes(), copy.stat().st_mtime_ns, sorted(p.name for p in folder.iterdir()),
                     (folder / f"out{book.suffix}").read_bytes())
    assert said["fast"] == said["full"]
    fast = said["fast"]
    _same_outcomes(tmp_path, book, monkeypatch, options)
    assert fast[5] == book.read_bytes() == fast[8]                # nothing written, the output a copy
    assert fast[6] == 1_600_000_000_000_000_000                   # in place: not even touched
    assert "内容无变化" in fast[1]


def _same_outcomes(tmp_path: Path, book: Path, monkeypatch, options: list) -> None:
    """What ``app.refresh_file`` returns both ways: the sealed one's report from the seal, and all the
    rest (findings, rows, fills, the filing) asked of it after the fact: the full path's, field by field."""
    kwargs = {"draft": "--draft" in options}
    copies = []
    for way in ("fast-api", "full-api"):
        (tmp_path / way).mkdir()
        copies.append(tmp_path / way / book.name)
        shutil.copyfile(book, copies[-1])
    with monkeypatch.context() as m:
        m.setattr(plan_module, "plan_refresh", _no_plan)
        fast = app.refresh_file(copies[0], **kwargs)
    assert isinstance(fast, seal.Unchanged)
    full = app.refresh_file(copies[1], full=True, **kwargs)
    assert isinstance(full, plan_module.RefreshOutcome)
    assert (fast.report, fast.counts, fast.pending, fast.unchanged_since, fast.hidden, fast.summary) == \
        (full.report, full.counts, full.pending, full.unchanged_since, full.hidden, full.summary)
    assert [f.to_json() for f in fast.findings] == [f.to_json() for f in full.findings]      # asked now: replayed
    assert [f.to_json() for f in fast.rows] == [f.to_json() for f in full.rows]
    assert [vars(f) for f in fast.fills] == [vars(f) for f in full.fills]
    assert dumps(fast.filing) == dumps(full.filing) and fast.filing.source == str(copies[0].resolve())
    assert copies[0].read_bytes() == copies[1].read_bytes() == book.read_bytes()


def _sealed_book(path: Path, capsys, options: list = ()) -> Path:
    rc, _out, err = _cli(capsys, ["refresh", path, *options])
    assert rc in (0, 1), err
    assert is_sealed(path)
    return path


def _typed_with_errors(folder: Path) -> Path:
    path = cases.seed_book(folder, "errors.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["项目"]["E3"] = "一百万"                     # not a number
    wb["项目"]["D5"] = 1                            # 总计 that is not the sum of its parts
    wb["绩效指标"]["F4"] = None                     # a value missing
    wb.save(path)
    return path


def _xlsm(folder: Path) -> Path:
    from xl_tools.jsonio import load_json
    path = folder / "button.xlsm"
    build_workbook(path, load_json(cases.SEED_JSON), macro=True)
    return path


BOOKS = {
    "seed": lambda folder: cases.seed_book(folder),
    "typed with errors": _typed_with_errors,
    "button workbook (.xlsm)": _xlsm,
    "percent": cases.percent_cell,
    "text numbers": cases.text_numbers,
    "date": cases.date_cell,
    "formulas": cases.formula_totals,
    "complex formula": cases.complex_formula,
    "padded names": cases.padded_names,
    "blank rows, merged, hidden, filtered": cases.blank_rows_merged_hidden_filtered,
    "styles to the last row": cases.styles_to_last_row,
}


@pytest.mark.parametrize("name", list(BOOKS))
def test_a_sealed_file_says_and_leaves_what_the_full_refresh_does(name, tmp_path, capsys, monkeypatch):
    (tmp_path / "src").mkdir()
    book = _sealed_book(BOOKS[name](tmp_path / "src"), capsys)
    _fast_and_full(tmp_path, book, capsys, monkeypatch, [])


def test_the_bundled_sample_imported_then_refreshed(tmp_path, capsys, monkeypatch):
    book = tmp_path / "sample_2024.xlsx"
    rc, _out, err = _cli(capsys, ["import", SAMPLE_TEXT, "-o", book])
    assert rc in (0, 1), err
    _fast_and_full(tmp_path, _sealed_book(book, capsys), capsys, monkeypatch, [])


def test_drafted_lines_with_draft(tmp_path, capsys, monkeypatch):
    book = _sealed_book(cases.seed_book(tmp_path), capsys, ["--draft"])
    _fast_and_full(tmp_path, book, capsys, monkeypatch, ["--draft"])


def test_a_workbook_with_what_users_add(tmp_path, capsys, monkeypatch):
    from xl_tools.jsonio import load_json
    book = featured_workbook(tmp_path / "featured.xlsx", load_json(cases.SEED_JSON))
    _fast_and_full(tmp_path, _sealed_book(book, capsys), capsys, monkeypatch, [])


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice")
def test_a_filing_another_program_saved(tmp_path, capsys, monkeypatch):
    """Saved by LibreOffice after a refresh: the seal no longer holds. Nothing changed: the full path
    finds so and writes nothing (so the file stays unsealed); a value changed: the refresh writes and
    seals, and the next one is the full path's to the character."""
    book = _sealed_book(cases.seed_book(tmp_path), capsys)
    (tmp_path / "lo").mkdir()
    saved = soffice_convert(book, "xlsx", tmp_path / "lo")
    assert not is_sealed(saved)
    before = saved.read_bytes()
    assert isinstance(_full_path_taken(saved, monkeypatch), plan_module.RefreshOutcome)
    assert saved.read_bytes() == before and not is_sealed(saved)
    wb = openpyxl.load_workbook(saved)
    wb["项目"]["E2"] = 601
    wb.save(saved)
    _fast_and_full(tmp_path, _sealed_book(saved, capsys), capsys, monkeypatch, [])


def test_every_real_table(tmp_path, capsys, monkeypatch):
    from tests.support.realworld import to_filing, transcriptions
    for data in transcriptions():
        folder = tmp_path / str(data["table"])
        folder.mkdir()
        book = folder / "table.xlsx"
        app.write_workbook(to_filing(data), book)
        if not is_sealed(book):                   # the refresh that made it filled cells in: once more
            _cli(capsys, ["refresh", book])
        _fast_and_full(folder, _sealed_book(book, capsys), capsys, monkeypatch, [])


# ------------------------------------------------------------------------- what defeats the seal

def _parts(path: Path) -> dict[str, str]:
    view = workbook_view(path)
    try:
        return {e.name: e.part for e in view.book.sheets() if e.part}
    finally:
        view.close()


def _edit_member(path: Path, member: str, change) -> None:
    """One part's bytes changed, every other member and the order as they were."""
    out = path.with_name("edited" + path.suffix)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == member:
                new = change(data)
                assert new != data, member
                data = new
            zout.writestr(item, data)
    out.replace(path)


def _first(pattern: bytes, repl: bytes):
    return lambda data: re.sub(pattern, repl, data, count=1)


def _full_path_taken(path: Path, monkeypatch, **options) -> object:
    planned = []
    real = plan_module.plan_refresh

    def plan(*args, **kwargs):
        planned.append(1)
        return real(*args, **kwargs)
    with monkeypatch.context() as m:
        m.setattr(plan_module, "plan_refresh", plan)
        outcome = app.refresh_file(path, **options)
    assert planned, "the seal was taken"
    return outcome


_NUMBER = rb'(<c r="E2"(?: s="\d+")?>)<v>[-\d.E]+</v>'         # 项目's first 财政拨款


def _changes(book: Path) -> dict:
    parts = _parts(book)
    projects, indicators = parts["项目"], parts["绩效指标"]
    with zipfile.ZipFile(book) as zf:
        names = zf.namelist()
    comments = next(n for n in names if re.match(r"xl/comments\d*\.xml$", n))
    return {
        "a value on 项目": (projects, _first(_NUMBER, rb"\g<1><v>777</v>")),         # a number, not a string
        "a value on 绩效指标": (indicators, _first(rb'(<c r="E2"(?: s="\d+")? t="inlineStr"><is><t[^>]*>)[^<]+',
                                                  rb"\g<1>x")),
        "a sheet renamed": ("xl/workbook.xml", lambda d: d.replace("公开表".encode(), "公开表2".encode(), 1)),
        "a style": ("xl/styles.xml", _first(rb'<sz val="\d+"/>', b'<sz val="13"/>')),
        "a note deleted": (comments, _first(rb"(?s)<comment [^>]*>.*?</comment>", b"")),
        "the state sheet": (parts["_xltools"], _first(rb"<c r=\"B1\"[^>]*>.*?</c>", b"")),
        "the seal itself": (parts["_xltools"], lambda d: seal._SEAL.sub(
            lambda m: m.group(0).replace(m.group(1), m.group(1)[:-1] + (b"0" if m.group(1)[-1:] != b"0" else b"1")),
            d, count=1)),
        "docProps": ("docProps/app.xml", lambda d: d.replace(b"</Properties>", b"<Company>x</Company></Properties>")),
    }


def test_each_change_of_the_file_takes_the_full_path(tmp_path, capsys, monkeypatch):
    base = _sealed_book(cases.seed_book(tmp_path), capsys)
    for what, (member, change) in _changes(base).items():
        book = tmp_path / f"{len(what)}-{abs(hash(what))}.xlsx"
        shutil.copyfile(base, book)
        _edit_member(book, member, change)
        edited = book.read_bytes()
        outcome = _full_path_taken(book, monkeypatch)
        assert isinstance(outcome, plan_module.RefreshOutcome), what
        if book.read_bytes() != edited:                       # written (and sealed again): then unchanged
            assert is_sealed(book), what
            assert isinstance(app.refresh_file(book), seal.Unchanged), what
        else:                                                 # nothing the tool owns changed: not written,
            _full_path_taken(book, monkeypatch)              # so the seal it kept still does not hold


def test_a_rezipped_file_with_the_same_parts_keeps_its_seal(tmp_path, capsys, monkeypatch):
    """The seal is of the parts' contents in their order, not of how the zip compressed them."""
    book = _sealed_book(cases.seed_book(tmp_path), capsys)
    out = tmp_path / "rezipped.xlsx"
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, zin.read(item))
    assert out.read_bytes() != book.read_bytes()
    _fast_and_full(tmp_path, out, capsys, monkeypatch, [])


def test_other_options_another_tool_or_other_limits_take_the_full_path(tmp_path, capsys, monkeypatch):
    book = _sealed_book(cases.seed_book(tmp_path), capsys)
    config = tmp_path / "rules.toml"
    config.write_text("disabled = [\"STR015\"]\n", "utf-8")          # a rule the seed draws
    assert isinstance(app.refresh_file(book), seal.Unchanged)
    for options in ({"draft": True}, {"config_path": config}):
        copy = tmp_path / "copy.xlsx"
        shutil.copyfile(book, copy)
        _full_path_taken(copy, monkeypatch, **options)
    # a config file sealed with one content, then edited
    sealed_with_config = tmp_path / "config.xlsx"
    shutil.copyfile(book, sealed_with_config)
    app.refresh_file(sealed_with_config, config_path=config)
    assert isinstance(app.refresh_file(sealed_with_config, config_path=config), seal.Unchanged)
    config.write_text("disabled = [\"STR015\"]\n# edited\n", "utf-8")
    _full_path_taken(sealed_with_config, monkeypatch, config_path=config)
    # another version of the tool
    with monkeypatch.context() as m:
        m.setattr(seal, "__version__", "0.0.0-other")
        seal._tool.cache_clear()
        _full_path_taken(book, monkeypatch)
    seal._tool.cache_clear()
    # another limit
    with monkeypatch.context() as m:
        m.setenv(limits.ROWS.env, str(limits.value(limits.ROWS) + 1))
        _full_path_taken(book, monkeypatch)
    assert isinstance(app.refresh_file(book), seal.Unchanged)


def test_the_upload_page_takes_the_full_path(tmp_path, capsys):
    """The page lists the findings, which only the full refresh has."""
    book = _sealed_book(cases.seed_book(tmp_path), capsys)
    outcome = app.refresh_file(book, tmp_path / "out.xlsx", full=True)
    assert isinstance(outcome, plan_module.RefreshOutcome) and outcome.rows


# ------------------------------------------------------------------------------ what is not sealed

def test_a_refresh_that_will_write_again_does_not_seal(tmp_path, capsys):
    """The person's own note on a flagged cell (the tool's note waits), and an import's findings in
    校验结果 (gone at the next refresh): the next refresh writes again, so nothing is sealed."""
    book = cases.seed_book(tmp_path)
    rc, _out, err = _cli(capsys, ["refresh", book])
    outcome = app.refresh_file(book, tmp_path / "probe.xlsx", full=True)
    cell = next(f for f in outcome.findings if f.sheet == "绩效指标" and f.severity in ("error", "warning"))
    wb = openpyxl.load_workbook(book)
    wb[cell.sheet][cell.cell].comment = openpyxl.comments.Comment("我自己的批注", "会计")
    wb.save(book)
    kept = app.refresh_file(book)
    assert kept.notes_kept and not is_sealed(book)
    again = app.refresh_file(book)
    assert isinstance(again, plan_module.RefreshOutcome) and not is_sealed(book)


def test_a_state_sheet_read_in_part_is_not_sealed_until_rewritten(tmp_path, capsys):
    book = cases.seed_book(tmp_path)
    _cli(capsys, ["refresh", book])
    wb = openpyxl.load_workbook(book)
    wb["_xltools"].append(["unknown-kind", "项目", "A1", None, None])
    wb.save(book)
    first = app.refresh_file(book)
    assert any(f.code == "FILE003" for f in first.findings) and not is_sealed(book)
    second = app.refresh_file(book)                       # the state rewritten: sealed now
    assert isinstance(second, plan_module.RefreshOutcome) and is_sealed(book)
    assert isinstance(app.refresh_file(book), seal.Unchanged)


EXCEL_MADE = ROOT / "tests" / "corpus" / "excel_made"


def test_workbooks_excel_saved_are_answered_as_before(tmp_path, capsys, monkeypatch):
    """The corpus Excel saved (charts, VBA, comments, tables … but no filing): the look for a seal reads
    each one's last part and finds none; a refresh says what it said without that look, to the byte."""
    books = sorted(p for p in EXCEL_MADE.iterdir() if p.suffix in (".xlsx", ".xlsm"))
    assert len(books) >= 50
    context = seal.context(books[0], draft=False)
    for book in books:
        assert seal.sealed(book, context) is None, book.name
    for name in ("button07.xlsm", "comment10.xlsx", "chartsheet01.xlsx", "dynamic_array01.xlsx", "table30.xlsx",
                 "utf8_01.xlsx"):
        said = []
        for way in ("fast", "full"):
            copy = tmp_path / way / name
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(EXCEL_MADE / name, copy)
            with monkeypatch.context() as m:
                if way == "full":
                    m.setattr(seal, "sealed", lambda path, context: None)
                rc, out, err = _cli(capsys, ["refresh", copy])
            said.append((rc, out.replace(str(copy.parent), "D"), err.replace(str(copy.parent), "D"),
                         copy.read_bytes()))
        assert said[0] == said[1], name


def test_a_sealed_file_damaged_since_says_what_the_full_path_says(tmp_path, capsys, monkeypatch):
    """Bytes of a compressed part flipped after sealing (the zip's directory intact): the seal's look
    does not raise, the refresh reports the damage as the full path does."""
    book = _sealed_book(cases.seed_book(tmp_path), capsys)
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as zf:
        info = max(zf.infolist()[:-1], key=lambda i: i.compress_size)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + info.compress_size - 300, start + info.compress_size - 20, 3):   # past its prolog
        data[k] ^= 0x5A
    book.write_bytes(bytes(data))
    said = []
    for way in ("fast", "full"):
        copy = tmp_path / way / book.name
        copy.parent.mkdir()
        shutil.copyfile(book, copy)
        with monkeypatch.context() as m:
            if way == "full":
                m.setattr(seal, "sealed", lambda path, context: None)
            rc, out, err = _cli(capsys, ["refresh", copy])
        said.append((rc, out, err.replace(str(copy.parent), "D"), copy.read_bytes()))
    assert said[0] == said[1]
    assert said[0][0] == 2 and "损坏" in said[0][2]


@pytest.mark.parametrize("chunk", [5, 64, 1 << 20])
def test_the_seal_is_put_into_the_state_sheet_read_as_a_stream(chunk, monkeypatch):
    """The state sheet is sealed read twice as a stream (hashed, then copied with the seal in its
    placeholder), never held whole: the same bytes whatever the pieces."""
    import hashlib
    import io
    monkeypatch.setattr(seal, "_CHUNK", chunk)
    head = b'<worksheet><sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>digest</t></is></c>'
    data = head + b'<c r="E2" s="3" t="inlineStr"><is><t>' + seal.PLACEHOLDER.encode() + b"</t></is></c></row>" \
        + b'<row r="3"><c r="A3"><v>1</v></c></row>' * 50 + b"</sheetData></worksheet>"
    sealer = seal.Sealer(b"context", "xl/worksheets/sheet9.xml")
    sealer.member("xl/workbook.xml", hashlib.sha256(b"wb").digest())
    out = io.BytesIO()
    sealer.write_sealed(lambda: io.BytesIO(data), out)
    value = seal._fold(b"context", [("xl/workbook.xml", hashlib.sha256(b"wb").digest()),
                                     ("xl/worksheets/sheet9.xml", hashlib.sha256(data).digest())])
    assert out.getvalue() == data.replace(seal.PLACEHOLDER.encode(), value.encode())
    with pytest.raises(ValueError):
        sealer.write_sealed(lambda: io.BytesIO(data.replace(b'r="E2"', b'r="F2"')), io.BytesIO())
