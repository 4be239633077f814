"""Two versions of one unit's filing with one 刷新时间: the unit refreshed, then edited and saved without
refreshing again, and both files reached the reviewer. The edited one's rows are no longer what that
refresh recorded, so it is the later one (at its 保存时间, China time): the batch counts it, says why,
and reports 版本冲突 only when it truly cannot tell (both edited after that refresh and saved at the same
time). Real files: ``xl-tools new`` (湘鄂 .xlsm and the default .xlsx), typed with openpyxl, refreshed by
the tool, edited as another program saves, one copy opened and saved again by LibreOffice."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xl_tools import app
from xl_tools.cli import main

from .conftest import needs_soffice, soffice_convert

UNIT = "某县农业农村局"
REFRESHED = "2026-03-05 09:12"


def _refreshed(folder, suffix: str, profile: str | None, capsys):
    """A new filing, typed and refreshed by the tool at 09:12 (China time)."""
    path = folder / f"{UNIT}{suffix}"
    argv = ["new", "-o", str(path), "--year", "2025", "--department", UNIT, "--unit", UNIT]
    assert main(argv + (["--profile", profile] if profile else [])) == 0
    capsys.readouterr()
    wb = openpyxl.load_workbook(path, keep_vba=suffix == ".xlsm")
    wb["项目"].append([1, "高标准农田建设", UNIT, 120, 120, 0, 0, "新建高标准农田1.2万亩，提升粮食产能"])
    for no, (level1, level2, name, value) in enumerate(
            [("1-产出指标", "11-数量指标", "新建高标准农田面积", "≥1.2万亩"),
             ("1-产出指标", "12-质量指标", "验收合格率", "≥95%"),
             ("1-产出指标", "14-成本指标", "高标准农田建设总成本", "≤120万元"),
             ("2-效益指标", "21-经济效益指标", "粮食增产", "≥100万斤"),
             ("3-满意度指标", "31-服务对象满意度指标", "农户满意度", "≥90%")], start=1):
        wb["绩效指标"].append(["高标准农田建设", no, level1, level2, name, value, value])
    wb.save(path)
    app.refresh_file(path, now=REFRESHED, backup=False)
    return path


def _edited(source, target, amount: int, saved_utc: str | None):
    """``source`` with its amounts changed, saved by another program (openpyxl) with 保存时间
    ``saved_utc`` (ISO, UTC, as Excel writes it; None: no 保存时间 at all), not refreshed."""
    wb = openpyxl.load_workbook(source, keep_vba=source.suffix == ".xlsm")
    for ref in ("D2", "E2"):
        wb["项目"][ref] = amount
    wb.save(target)
    _set_saved(target, saved_utc)
    return target


def _set_saved(path, saved_utc: str | None) -> None:
    with zipfile.ZipFile(path) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                created = re.search(rb"<dcterms:created[^>]*>([^<]+)<", data).group(1)
                when = saved_utc.encode() if saved_utc else created       # equal to created: never saved
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]+(<)", rb"\g<1>" + when + rb"\g<2>", data)
            zf.writestr(info, data)


def _batch(capsys, *files) -> tuple[int, dict]:
    code = main(["batch", *map(str, files), "--json", "--jobs", "1"])
    return code, json.loads(capsys.readouterr().out)


def _rows(data) -> dict[str, dict]:
    """The consolidation's row of each file, by its folder and name."""
    return {"/".join(Path(r["file"]).parts[-2:]): r for r in data["consolidation"]["files"]}


@pytest.mark.parametrize(("suffix", "profile"), [(".xlsm", "湘鄂"), (".xlsx", None)])
def test_the_copy_edited_after_the_refresh_is_the_later_one(tmp_path, capsys, suffix, profile):
    (tmp_path / "原件").mkdir()
    (tmp_path / "修改后").mkdir()
    original = _refreshed(tmp_path / "原件", suffix, profile, capsys)
    edited = _edited(original, tmp_path / "修改后" / original.name, 130, "2026-03-05T02:30:41Z")
    assert app.load_filing(original, since_refresh=True).filing.changed_since_refresh is False
    assert app.load_filing(edited, since_refresh=True).filing.changed_since_refresh is True
    assert app.load_filing(edited).filing.changed_since_refresh is None           # only when asked
    code, data = _batch(capsys, original, edited)
    assert code == 0 and data["consolidation"]["conflicts"] == []
    rows = _rows(data)
    kept, old = rows[f"修改后/{original.name}"], rows[f"原件/{original.name}"]
    assert kept["decision"] == "计入" and old["decision"] == "已替代"
    # the time it went by: the edit's 保存时间 in China time (UTC+8), and why, in words
    assert (kept["stamp"], kept["stamp_source"]) == ("2026-03-05 10:30:41", "保存时间（刷新后改过）")
    assert (old["stamp"], old["stamp_source"]) == ("2026-03-05 09:12:00", "刷新时间")
    assert "两份的刷新时间相同，但该文件在那次刷新后又改过" in old["reason"]
    assert "刷新时间 2026-03-05 09:12，刷新后改过（保存时间 2026-03-05 10:30:41）" in old["reason"]
    assert "120.00 → 130.00" in old["reason"]
    assert "最新版本" in kept["reason"] and "刷新后改过" in kept["reason"]


def test_an_edit_without_a_save_time_is_still_after_its_refresh(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    original = _refreshed(tmp_path / "a", ".xlsx", None, capsys)
    edited = _edited(original, tmp_path / "b" / original.name, 130, None)
    code, data = _batch(capsys, original, edited)
    rows = _rows(data)
    assert code == 0 and rows[f"b/{original.name}"]["decision"] == "计入"
    assert rows[f"b/{original.name}"]["stamp_source"] == "刷新时间（刷新后改过）"
    assert "刷新后改过（改后未再刷新，没有保存时间）" in rows[f"a/{original.name}"]["reason"]


@needs_soffice
def test_saving_the_original_again_does_not_make_it_later(tmp_path, capsys):
    """The original opened and saved again by LibreOffice after the edit (a later 保存时间, the same
    rows): still as its refresh left it, so the edited copy is the later one."""
    for name in ("a", "b", "lo"):
        (tmp_path / name).mkdir()
    original = _refreshed(tmp_path / "a", ".xlsx", None, capsys)
    edited = _edited(original, tmp_path / "b" / original.name, 130, "2026-03-05T02:30:41Z")
    resaved = soffice_convert(original, "xlsx", tmp_path / "lo")
    shutil.rmtree(tmp_path / "lo" / ".lo-profile", ignore_errors=True)
    assert app.load_filing(resaved, since_refresh=True).filing.changed_since_refresh is False
    code, data = _batch(capsys, resaved, edited)
    rows = _rows(data)
    assert code == 0 and rows[f"b/{original.name}"]["decision"] == "计入"
    assert rows[f"lo/{original.name}"]["decision"] == "已替代"


def test_two_copies_both_edited_after_one_refresh(tmp_path, capsys):
    """Saved at different times: the later save holds. At the same time: 版本冲突, and it says why."""
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
    original = _refreshed(tmp_path / "a", ".xlsx", None, capsys)
    first = _edited(original, tmp_path / "b" / original.name, 130, "2026-03-05T02:30:00Z")
    second = _edited(original, tmp_path / "c" / original.name, 140, "2026-03-05T03:00:00Z")
    code, data = _batch(capsys, first, second)
    rows = _rows(data)
    assert code == 0 and rows[f"c/{original.name}"]["decision"] == "计入"
    assert "两份都在同一次刷新后改过，该文件保存较晚" in rows[f"b/{original.name}"]["reason"]
    _set_saved(second, "2026-03-05T02:30:00Z")
    code, data = _batch(capsys, first, second)
    rows = _rows(data)
    assert code == 1 and len(data["consolidation"]["conflicts"]) == 1
    assert {r["decision"] for r in rows.values()} == {"版本冲突"}
    assert all("都在同一次刷新后改过、保存时间相同或不明" in r["reason"] and "--keep" in r["reason"]
               for r in rows.values())


def test_a_workbook_never_refreshed_has_no_refresh_to_differ_from(tmp_path, capsys):
    path = tmp_path / "新建.xlsx"
    assert main(["new", "-o", str(path), "--year", "2025", "--department", UNIT, "--unit", UNIT]) == 0
    capsys.readouterr()
    assert app.load_filing(path, since_refresh=True).filing.changed_since_refresh is None
    from xl_tools.batch.stamps import stamp_of
    stamp = stamp_of(path, changed=None)
    assert stamp.source != "刷新时间" and not stamp.edited
