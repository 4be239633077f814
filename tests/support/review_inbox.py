"""The acceptance inbox of the reviewer's batch (tests and tools/screenshots.py): one filing sent four
times (workbook, its published PDF and xlsx, a renamed copy), two budget years, a filing with errors
of another department, a filing whose projects name no unit while 基本信息 names one, two versions of
one unit with different amounts and the same file time (a conflict), a broken file, an old .xls, an
old review report of xl-tools, a FIFO, a folder named like a workbook, and the litter of Office and
Windows (a lock file, Thumbs.db). The PDF needs LibreOffice. (The reviewer's inbox as mail brings it,
with versions by date, a unit list and zips, is ``mail_inbox``.)"""

from __future__ import annotations

import importlib.util
import os
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl

from xl_tools.jsonio import load_json
from xl_tools.model import MONEY_FIELDS, Unit
from xl_tools.money import ZERO
from xl_tools.publish import publish
from xl_tools.workbook import build_workbook

ROOT = Path(__file__).resolve().parents[2]
SEED_JSON = ROOT / "xl_tools" / "data" / "sample_2024.expected.json"
_spec = importlib.util.spec_from_file_location("seedstyle", ROOT / "tests" / "fixtures" / "import" / "seedstyle.py")
seedstyle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seedstyle)

MAIN = "广州市机电技师学院"
DEPT = "广州市人力资源和社会保障局"
OTHER_DEPT = "示例市教育局"
UNITLESS = "广州市技师学院"


def variant(unit: str, year: int, factor: str, department: str = DEPT):
    f = seedstyle.rescale(load_json(SEED_JSON), Decimal(factor))
    f.year, f.department = year, department
    for u in f.units:
        u.name = unit
    for p in f.projects:
        p.unit = unit
    return f


def unitless(year: int = 2024):
    """The reviewer's 技师学院: three projects without a unit, 基本信息 naming the one unit with blank
    (0) amounts — refresh fills the unit in, and the unit row then disagrees with its projects."""
    f = variant(UNITLESS, year, "0.2")
    f.projects = f.projects[:3]
    for p in f.projects:
        p.unit = ""
    f.units = [Unit(UNITLESS, **dict.fromkeys(MONEY_FIELDS, ZERO))]
    f.total_stated = False
    return f


def old_review_report(path: Path) -> Path:
    """A review workbook of an earlier xl-tools (no mark): recognised by its sheets."""
    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.active.append(["单位", "文件", "项目数", "合计", "错误"])
    wb.active.append([MAIN, "机电.xlsx", 13, 5138.68, 0])
    for name in ("问题明细", "合并公开表2024年", "合并来源", "规则统计"):
        wb.create_sheet(name)
    wb["合并公开表2024年"].append(["合计", 5138.68])
    wb.save(path)
    return path


def make_inbox(folder: Path, scratch: Path | None = None) -> Path:
    """The acceptance inbox (see the module docstring); ``scratch`` is no longer used."""
    (folder / "2024").mkdir(parents=True)
    (folder / "2025").mkdir()
    (folder / "副本").mkdir()
    (folder / "二级单位").mkdir()
    seed = load_json(SEED_JSON)
    build_workbook(folder / "2024" / "机电.xlsx", seed)
    publish(seed, folder / "2024" / "机电_公开表.xlsx", folder / "2024" / "机电_公开表.pdf")
    shutil.copy(folder / "2024" / "机电.xlsx", folder / "副本" / "机电绩效目标表（最终版）.xlsx")
    build_workbook(folder / "二级单位" / "技师学院.xlsx", unitless())
    old_review_report(folder / "审核汇总.xlsx")
    (folder / "旧格式报表.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    (folder / "~$机电.xlsx").write_bytes(b"lock")
    (folder / "Thumbs.db").write_bytes(b"x")
    build_workbook(folder / "2025" / "机电.xlsx", variant(MAIN, 2025, "1.1"))
    wrong = variant("示例市乙单位", 2024, "0.5", OTHER_DEPT)
    wrong.projects[0].total += Decimal("1")                     # 总计 ≠ its parts: an error
    build_workbook(folder / "2024" / "乙.xlsx", wrong)
    build_workbook(folder / "2024" / "丙_v1.xlsx", variant("示例市丙单位", 2024, "0.3"))
    build_workbook(folder / "2024" / "丙_v2.xlsx", variant("示例市丙单位", 2024, "0.31"))
    for name in ("丙_v1.xlsx", "丙_v2.xlsx"):        # two versions of one time: which holds cannot be told
        os.utime(folder / "2024" / name, (1_700_000_000, 1_700_000_000))
    data = (folder / "2024" / "机电.xlsx").read_bytes()
    (folder / "损坏.xlsx").write_bytes(data[: len(data) // 2])
    os.mkfifo(folder / "管道.xlsx")
    (folder / "文件夹.xlsx").mkdir()
    return folder
