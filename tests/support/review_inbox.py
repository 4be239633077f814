"""The acceptance inbox of the reviewer's batch (tests and tools/screenshots.py): one filing sent three
times (workbook, its published PDF, a copy), two budget years, a filing with errors (of another
department), two conflicting versions of one unit, a broken file, a FIFO and a folder named like a
workbook. The PDF needs LibreOffice."""

from __future__ import annotations

import importlib.util
import os
import shutil
from decimal import Decimal
from pathlib import Path

from xl_tools.jsonio import load_json
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


def variant(unit: str, year: int, factor: str, department: str = DEPT):
    f = seedstyle.rescale(load_json(SEED_JSON), Decimal(factor))
    f.year, f.department = year, department
    for u in f.units:
        u.name = unit
    for p in f.projects:
        p.unit = unit
    return f


def make_inbox(folder: Path, scratch: Path) -> Path:
    """The acceptance inbox (see the module docstring); ``scratch`` receives the publisher's xlsx."""
    (folder / "2024").mkdir(parents=True)
    (folder / "2025").mkdir()
    (folder / "副本").mkdir()
    seed = load_json(SEED_JSON)
    build_workbook(folder / "2024" / "机电.xlsx", seed)
    publish(seed, scratch / "机电_公开表.xlsx", folder / "2024" / "机电_公开表.pdf")
    shutil.copy(folder / "2024" / "机电.xlsx", folder / "副本" / "机电.xlsx")
    build_workbook(folder / "2025" / "机电.xlsx", variant(MAIN, 2025, "1.1"))
    wrong = variant("示例市乙单位", 2024, "0.5", OTHER_DEPT)
    wrong.projects[0].total += Decimal("1")                     # 总计 ≠ its parts: an error
    build_workbook(folder / "2024" / "乙.xlsx", wrong)
    build_workbook(folder / "2024" / "丙_v1.xlsx", variant("示例市丙单位", 2024, "0.3"))
    build_workbook(folder / "2024" / "丙_v2.xlsx", variant("示例市丙单位", 2024, "0.31"))
    data = (folder / "2024" / "机电.xlsx").read_bytes()
    (folder / "损坏.xlsx").write_bytes(data[: len(data) // 2])
    os.mkfifo(folder / "管道.xlsx")
    (folder / "文件夹.xlsx").mkdir()
    return folder
