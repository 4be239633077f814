"""``refresh --draft``: the drafted line of every finding of something missing appended to 绩效指标, 序号
「待确认」 in the tool's draft colour, counted by nothing until the person edits or confirms it; a second
refresh appends nothing and changes no byte. Through the file writer (reloaded by openpyxl and by
LibreOffice) and the xlwings remote engine (its actions replayed onto the file)."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from xl_tools import app
from xl_tools.app import refresh_file
from xl_tools.schema import DRAFT_MARK, MARK_DRAFT

NOW = "2026-12-06 09:00"
DRAFT_FILL = "FF" + MARK_DRAFT[0]


def _rule_findings(path) -> list[tuple]:
    """(code, project, cell) of the findings ``check`` reports on the file, fills and drafts aside."""
    loaded = app.load_filing(path)
    return sorted((f.code, f.project or "", f.cell or "") for f in app.review(loaded.filing).findings)


def _pending_rows(path) -> dict[int, list]:
    ws = openpyxl.load_workbook(path)["绩效指标"]
    return {row[0].row: row for row in ws.iter_rows(min_row=2) if row[1].value == DRAFT_MARK}


def _line(row) -> tuple:
    return tuple(c.value for c in row[:7])


def test_draft_appends_pending_lines_that_nothing_counts(seed_workbook):
    before = _rule_findings(seed_workbook)
    drafts = [f for f in app.review(app.load_filing(seed_workbook).filing).findings if f.draft]
    last = openpyxl.load_workbook(seed_workbook)["绩效指标"].max_row
    outcome = refresh_file(seed_workbook, now=NOW, draft=True)

    lines = {(f.project, f.draft.level2, f.draft.name): f.draft for f in drafts}
    assert len(outcome.appended) == len(lines) >= 10 and outcome.pending == len(lines)
    rows = _pending_rows(seed_workbook)
    assert sorted(rows) == list(range(last + 1, last + 1 + len(lines)))          # below the last row
    for row in rows.values():
        project, mark, level1, level2, name, period, annual = _line(row)
        d = lines[(project, level2, name)]
        assert (mark, level1, period, annual) == (DRAFT_MARK, d.level1, d.value, d.value)
        assert {c.fill.fgColor.rgb for c in row[:7]} == {DRAFT_FILL}
        assert {c.font.color.rgb for c in row[:7]} == {"FF" + MARK_DRAFT[1]}
    # counted by nothing: the same rule findings on the same cells, the same indicator count
    assert _rule_findings(seed_workbook) == before
    assert f"指标 {len(app.load_filing(seed_workbook).filing.indicators)} 个" in outcome.summary
    assert app.load_filing(seed_workbook).filing.pending and "待确认" in outcome.report
    # 校验结果 lists each pending line once (FIL006, on its 序号 cell); the 公开表 does not print it
    wb = openpyxl.load_workbook(seed_workbook)
    listed = [r for r in wb["校验结果"].iter_rows(values_only=True) if "FIL006" in r]
    assert len(listed) == len(lines)
    public = " ".join(str(v) for r in wb["公开表"].iter_rows(values_only=True) for v in r if v)
    assert all(d.name not in public for d in lines.values() if d.name.endswith("总成本"))

    # a second refresh, with or without --draft, appends nothing and changes no byte
    data = seed_workbook.read_bytes()
    again = refresh_file(seed_workbook, now="2026-12-06 09:05", draft=True)
    assert again.appended == [] and again.unchanged_since == NOW
    refresh_file(seed_workbook, now="2026-12-06 09:06")
    assert seed_workbook.read_bytes() == data


def test_edited_or_confirmed_lines_become_the_persons(seed_workbook):
    refresh_file(seed_workbook, now=NOW, draft=True)
    rows = _pending_rows(seed_workbook)
    cost = next(r for r, row in rows.items() if row[4].value.endswith("总成本"))
    satisfied = next(r for r, row in rows.items() if row[3].value.startswith("31"))
    cost_project, satisfied_project = rows[cost][0].value, rows[satisfied][0].value
    wb = openpyxl.load_workbook(seed_workbook)
    ws = wb["绩效指标"]
    ws.cell(cost, 6).value = ws.cell(cost, 7).value = ws.cell(cost, 6).value + "以内"   # edited: the person's now
    ws.cell(satisfied, 2).value = None                                           # confirmed: 待确认 deleted
    wb.save(seed_workbook)

    # check sees them as the next refresh will: counted, their findings answered
    after = _rule_findings(seed_workbook)
    assert ("STR015", cost_project) not in {(c, p) for c, p, _ in after}
    assert ("STR005", satisfied_project) not in {(c, p) for c, p, _ in after}
    outcome = refresh_file(seed_workbook, now="2026-12-06 09:10")
    assert outcome.confirmed == 1 and outcome.pending == len(rows) - 2
    assert not [f for f in outcome.findings if f.row in (cost, satisfied) and f.sheet == "绩效指标"
                and not f.code.startswith("FIL")]                 # the lines themselves draw no finding
    assert sorted((f.code, f.project or "", f.cell or "") for f in outcome.findings
                  if not f.code.startswith("FIL")) == after
    ws = openpyxl.load_workbook(seed_workbook)["绩效指标"]
    for r in (cost, satisfied):                   # numbered, in their own look again
        assert isinstance(ws.cell(r, 2).value, int)
        assert {ws.cell(r, c).fill.fgColor.rgb for c in range(1, 8)} != {DRAFT_FILL}
    assert set(_pending_rows(seed_workbook)) == set(rows) - {cost, satisfied}
    # and a later refresh --draft does not draft them again (the refresh after the one that numbered
    # them drops its FIL005 提示; from then on nothing changes)
    assert refresh_file(seed_workbook, now="2026-12-06 09:15", draft=True).appended == []
    data = seed_workbook.read_bytes()
    assert refresh_file(seed_workbook, now="2026-12-06 09:20", draft=True).appended == []
    assert seed_workbook.read_bytes() == data


def test_lines_stay_pending_in_a_workbook_libreoffice_saved(seed_workbook, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    from tests.support.writers import libreoffice_resaved
    refresh_file(seed_workbook, now=NOW, draft=True)
    rows = {r: _line(row) for r, row in _pending_rows(seed_workbook).items()}
    resaved = libreoffice_resaved(seed_workbook, tmp_path / "lo.xlsx")
    assert {r: _line(row) for r, row in _pending_rows(resaved).items()} == rows
    assert {c.fill.fgColor.rgb for row in _pending_rows(resaved).values() for c in row[:7]} == {DRAFT_FILL}
    outcome = refresh_file(resaved, now="2026-12-06 09:20", draft=True)
    assert outcome.appended == [] and outcome.confirmed == 0 and outcome.pending == len(rows)


def test_rows_marked_by_hand_without_a_record_stay_pending(seed_workbook):
    """A 「待确认」 the tool did not draft (no record in the state sheet) is never counted unasked."""
    wb = openpyxl.load_workbook(seed_workbook)
    ws = wb["绩效指标"]
    ws.cell(2, 2).value = "【待确认】"
    wb.save(seed_workbook)
    outcome = refresh_file(seed_workbook, now=NOW)
    assert outcome.pending == 1 and outcome.confirmed == 0
    assert openpyxl.load_workbook(seed_workbook)["绩效指标"].cell(2, 2).value == "【待确认】"


def test_the_live_writer_drafts_the_same_rows(seed_workbook, tmp_path, monkeypatch):
    """The xlwings remote engine (desktop button, add-in, xlwings Lite): its actions replayed onto the
    file give the file writer's cells, colours and 校验结果; its second refresh appends nothing."""
    pytest.importorskip("xlwings")
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    from tests.support.payload import payload_from_xlsx
    from tests.support.signature import workbook_signature
    from xl_tools.server.app import enable_remote_engine

    from .support.xlwings_replay import replay
    from .test_refresh_crosscheck import _comparable
    enable_remote_engine()
    file_path, live_path = tmp_path / "file.xlsx", tmp_path / "live.xlsx"
    shutil.copy(seed_workbook, file_path)
    shutil.copy(seed_workbook, live_path)
    for when in (NOW, "2026-12-06 09:05"):
        file_outcome = refresh_file(file_path, now=when, draft=True, full=True)    # its findings too
        book = xw.Book(json=payload_from_xlsx(live_path))
        live_outcome = app.refresh_book(book, now=when, draft=True)
        wb = openpyxl.load_workbook(live_path)
        replay(wb, book.json()["actions"])
        wb.save(live_path)
        assert len(live_outcome.appended) == len(file_outcome.appended)
        assert [f.to_json() for f in live_outcome.findings] == [f.to_json() for f in file_outcome.findings]
    assert live_outcome.appended == [] and live_outcome.pending >= 10
    a = _comparable(workbook_signature(file_path, styles=True))
    b = _comparable(workbook_signature(live_path, styles=True))
    for name in a:
        assert a[name] == b[name], name
    assert _pending_rows(live_path) and {c.fill.fgColor.rgb for row in _pending_rows(live_path).values()
                                         for c in row[:7]} == {DRAFT_FILL}


def test_rollover_leaves_pending_lines_behind_without_calling_them_the_persons(seed_workbook, tmp_path):
    refresh_file(seed_workbook, now=NOW, draft=True)
    result = app.rollover(seed_workbook, tmp_path / "next.xlsx", 2027)
    assert not _pending_rows(tmp_path / "next.xlsx")
    assert not any("底色" in n for n in result.notes), result.notes


def test_a_line_no_finding_drafts_any_more_says_so(seed_workbook):
    """The project's amount changed after its line was drafted: the old line (still not counted) is said
    in 校验结果 to be no longer what the tool drafts; --draft brings it up to date on its own row."""
    refresh_file(seed_workbook, now=NOW, draft=True)
    rows = _pending_rows(seed_workbook)
    r, row = next((r, row) for r, row in rows.items() if row[4].value == "安保和物业管理服务总成本")
    wb = openpyxl.load_workbook(seed_workbook)
    ws = wb["项目"]
    at = next(c.row for c in ws["B"] if c.value == row[0].value)
    ws.cell(at, 4).value, ws.cell(at, 5).value = 650, 650
    wb.save(seed_workbook)
    outcome = refresh_file(seed_workbook, now="2026-12-06 09:30")
    said = {f.cell: f.message for f in outcome.findings if f.code == "FIL006"}
    assert "已不再起草" in said[f"B{r}"] and sum("已不再起草" in m for m in said.values()) == 1
    assert outcome.appended == []
    outcome = refresh_file(seed_workbook, now="2026-12-06 09:35", draft=True)
    assert [(a.draft.name, a.draft.value, a.row, a.replaces) for a in outcome.appended] == \
        [("安保和物业管理服务总成本", "≤650万元", r, True)]
    assert "更新 1 条待确认指标" in outcome.report
    assert set(_pending_rows(seed_workbook)) == set(rows)
    assert _line(_pending_rows(seed_workbook)[r])[5:] == ("≤650万元", "≤650万元")
    assert not any("已不再起草" in f.message for f in outcome.findings)
    data = seed_workbook.read_bytes()                       # and nothing more to do
    assert refresh_file(seed_workbook, now="2026-12-06 09:40", draft=True).appended == []
    assert seed_workbook.read_bytes() == data


@pytest.mark.parametrize("table", ["06", "10"])
def test_real_tables_get_their_lines_in_their_own_columns(tmp_path, table):
    """A one-value-column profile (湘鄂, 四川) gets the value in 年度指标值 only, as its own rows have it;
    a sheet with 指标方向性 gets the direction (a ceiling is 反向, as 101号's 反向指标)."""
    from tests.support.realworld import to_filing, transcriptions
    data = next(d for d in transcriptions() if d["table"] == table)
    path = tmp_path / f"{table}.xlsx"
    app.write_workbook(to_filing(data), path)
    outcome = refresh_file(path, now=NOW, draft=True)
    assert outcome.appended
    ws = openpyxl.load_workbook(path)["绩效指标"]
    heads = {c.value: c.column for c in ws[1]}
    for a in outcome.appended:
        assert ws.cell(a.row, heads["实施周期指标值"]).value is None
        assert ws.cell(a.row, heads["年度指标值"]).value == a.draft.value
        if "指标方向性" in heads:
            assert ws.cell(a.row, heads["指标方向性"]).value == \
                ("反向指标" if a.draft.value.startswith("≤") else "正向指标")
    assert [(a.draft.name, a.draft.value) for a in outcome.appended] == {
        "06": [("项目主体工程完成比例", "≥70%"), ("岳阳县高标准农田建设面积", "≥5337.5亩")],
        "10": [("人均报酬标准", "≤14390.61元/人·年")]}[table]
    data = path.read_bytes()
    assert refresh_file(path, now="2026-12-06 09:05", draft=True).appended == []
    assert path.read_bytes() == data


def test_check_lists_the_pending_lines_apart(seed_workbook, capsys):
    import json

    from xl_tools.cli import main
    refresh_file(seed_workbook, now=NOW, draft=True)
    rows = sorted(_pending_rows(seed_workbook))
    main(["check", str(seed_workbook), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert [p["cell"] for p in data["pending"]] == [f"B{r}" for r in rows]
    assert data["summary"]["indicators"] == len(app.load_filing(seed_workbook).filing.indicators)
    main(["check", str(seed_workbook)])
    assert f"有 {len(rows)} 条序号为「待确认」的起草指标（第 {rows[0]}、" in capsys.readouterr().out


def test_pending_lines_move_with_their_rows(seed_workbook):
    """Rows inserted above the drafted lines (or a drafted line moved up to its project): still pending
    where they are now, still in the draft colour, nothing appended again, nothing left coloured behind."""
    refresh_file(seed_workbook, now=NOW, draft=True)
    rows = _pending_rows(seed_workbook)
    first = min(rows)
    wb = openpyxl.load_workbook(seed_workbook)
    ws = wb["绩效指标"]
    ws.insert_rows(5, 2)                                   # two rows inserted among the person's indicators
    ws.move_range(f"A{first + 2}:G{first + 2}", rows=-(first - 5))     # the first draft moved up into them
    wb.save(seed_workbook)
    outcome = refresh_file(seed_workbook, now="2026-12-06 09:45", draft=True)
    assert outcome.appended == [] and outcome.confirmed == 0 and outcome.pending == len(rows)
    now = _pending_rows(seed_workbook)
    assert sorted(now) == [7] + [r + 2 for r in sorted(rows)[1:]]
    ws = openpyxl.load_workbook(seed_workbook)["绩效指标"]
    assert {ws.cell(r, c).fill.fgColor.rgb for r in now for c in range(1, 8)} == {DRAFT_FILL}
    assert ws.cell(first + 2, 1).fill.fgColor.rgb != DRAFT_FILL           # the row it left: not coloured


def test_every_real_table_drafts_once(tmp_path):
    """The real tables as workbooks: --draft appends the lines of 7 of them (17 in all), and a second
    --draft appends nothing and changes no byte of any."""
    from tests.support.realworld import to_filing, transcriptions
    appended = {}
    for data in transcriptions():
        path = tmp_path / f"{data['table']}.xlsx"
        app.write_workbook(to_filing(data), path)
        appended[data["table"]] = len(refresh_file(path, now=NOW, draft=True).appended)
        before = path.read_bytes()
        assert refresh_file(path, now="2026-12-06 09:05", draft=True).appended == [], data["table"]
        assert path.read_bytes() == before, data["table"]
    assert sum(appended.values()) >= 17 and sum(n > 0 for n in appended.values()) >= 7
