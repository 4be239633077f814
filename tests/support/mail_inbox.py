"""A 市 department's inbox as mail brings it (issue 29): 12 units of 甲市教育局 filing for 2026, and
everything a reviewer finds beside their filings. ``make_mail_inbox`` writes it and returns what a
correct consolidation must count, unit by unit, so tests can check every total with their own pandas.

| unit | what arrived | counted? |
| --- | --- | --- |
| 甲市第一中学 | its workbook, a mail copy 「(1)」 and a 「副本」 | once |
| 甲市第二中学 | its workbook; a copy naming the unit 「甲市二中」; a copy naming the department 「甲市教育局（本级）」 | once |
| 甲市第三中学 | a faulty original (a blank 绩效目标, STR001), then a corrected resubmission with the same amounts | the correction |
| 甲市第四中学 | its filing, then a revised version with changed amounts | the revision |
| 甲市实验小学 | only a 2025 filing sent by mistake | no: no 2026 filing |
| 甲市第一小学 | its workbook and a copy saved by LibreOffice | once |
| 甲市第二小学 | a damaged file | no: unreadable |
| 甲市特殊教育学校 | its workbook and its published PDF | once |
| 甲市职业技术学校 | inside a zip (GBK names, as Windows zips them) | yes |
| 甲市青少年活动中心 | inside the same zip, with an error (a blank 年度指标值, VAL001) | no: errors |
| 甲市教育局（本级） | its workbook | yes |
| 甲市教师发展中心 | rolled over from 2025, amounts never filled | no: 未填 |

Also: another department's filing (乙市卫生健康委员会 / 乙市人民医院), the reviewer's own last review
(审核汇总.xlsx, marked as xl-tools' output) and a Word note. Each unit's filing is three projects of the
bundled sample with its own amounts. Workbooks are refreshed (so they carry the tool's refresh time) with
fixed times; the LibreOffice copy and the PDF need ``soffice``.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.packaging.custom import StringProperty

from tests.support.review_inbox import SEED_JSON, seedstyle
from xl_tools import app, outputmark
from xl_tools.jsonio import load_json
from xl_tools.model import Filing, Unit
from xl_tools.publish import publish
from xl_tools.workbook import build_workbook

DEPT = "甲市教育局"
YEAR = 2026
OTHER_DEPT = "乙市卫生健康委员会"
UNITS = ["甲市第一中学", "甲市第二中学", "甲市第三中学", "甲市第四中学", "甲市实验小学", "甲市第一小学",
         "甲市第二小学", "甲市特殊教育学校", "甲市职业技术学校", "甲市青少年活动中心", "甲市教育局（本级）",
         "甲市教师发展中心"]
ALIASES = {"甲市第二中学": ["甲市二中"], "甲市教育局（本级）": ["甲市教育局本级"]}
COUNTED = ["甲市第一中学", "甲市第二中学", "甲市第三中学", "甲市第四中学", "甲市第一小学", "甲市特殊教育学校",
           "甲市职业技术学校", "甲市教育局（本级）"]
NOT_COUNTED = {"甲市实验小学": "未报送", "甲市第二小学": "无法读取", "甲市青少年活动中心": "有错误",
               "甲市教师发展中心": "未填"}
PROJECTS = 3


@dataclass
class MailInbox:
    folder: Path
    unit_list: Path                               # 名单.xlsx (outside the inbox)
    counted: dict[str, Filing] = field(default_factory=dict)   # unit → the filing that must be counted
    files: dict[str, str] = field(default_factory=dict)        # role → file name in the inbox


def unit_filing(unit: str, factor: str, *, department: str = DEPT, year: int = YEAR,
                projects: int = PROJECTS) -> Filing:
    """Three projects of the sample, amounts × ``factor``, for ``unit`` of ``department``."""
    f = seedstyle.rescale(load_json(SEED_JSON), Decimal(factor))
    f.projects = f.projects[:projects]
    f.year, f.department = year, department
    for p in f.projects:
        p.unit = unit
    f.units = [Unit(unit, sum((p.total for p in f.projects), Decimal(0)),
                    sum((p.fiscal for p in f.projects), Decimal(0)), sum((p.special for p in f.projects), Decimal(0)),
                    sum((p.other for p in f.projects), Decimal(0)))]
    f.total = f.units[0].total
    return f


def write_filing(path: Path, filing: Filing, refreshed: str | None) -> Path:
    """The filing as a workbook, refreshed at the time ``refreshed`` (the tool's stamp) when given."""
    build_workbook(path, filing)
    if refreshed:
        app.refresh_file(path, now=refreshed, backup=False)
    return path


def libreoffice_copy(src: Path, out: Path, scratch: Path) -> Path:
    """``src`` opened and saved again by LibreOffice Calc (a private profile)."""
    scratch = scratch.resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    cmd = ["soffice", f"-env:UserInstallation={(scratch / 'profile').as_uri()}", "--headless", "--norestore",
           "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(scratch), str(src)]
    subprocess.run(cmd, capture_output=True, timeout=180, check=True)
    shutil.move(scratch / src.name, out)
    return out


def gbk_zip(path: Path, members: dict[str, Path]) -> Path:
    """A zip whose member names are GBK bytes without the UTF-8 flag, as Windows' own zip writes them
    on a Chinese system: written with ASCII placeholders of the same byte length, then patched."""
    names = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for k, (name, src) in enumerate(members.items()):
            raw = name.encode("gbk")
            placeholder = f"m{k}".ljust(len(raw) - 5, "_") + ".xlsx"
            assert len(placeholder.encode()) == len(raw)
            names[placeholder.encode()] = raw
            zf.write(src, placeholder)
    data = path.read_bytes()
    for placeholder, raw in names.items():
        data = data.replace(placeholder, raw)
    path.write_bytes(data)
    return path


def own_review(path: Path) -> Path:
    """The reviewer's last review workbook, with xl-tools' mark."""
    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.active.append(["单位", "文件", "项目数", "合计", "错误"])
    for name in ("问题明细", "合并公开表2026年", "合并来源", "规则统计"):
        wb.create_sheet(name)
    wb.custom_doc_props.append(StringProperty(name=outputmark.PROPERTY, value=outputmark.REVIEW))
    wb.save(path)
    return path


def write_unit_list(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["甲市教育局 2026 年应报单位名单"])
    ws.append(["序号", "单位名称", "别名"])
    for k, unit in enumerate(UNITS, start=1):
        ws.append([k, unit, "、".join(ALIASES.get(unit, [])) or None])
    wb.save(path)
    return path


def make_mail_inbox(root: Path) -> MailInbox:
    """Write the inbox under ``root / "收件箱"`` (see the module docstring)."""
    folder = root / "收件箱"
    scratch = root / "scratch"
    folder.mkdir(parents=True)
    scratch.mkdir()
    box = MailInbox(folder, write_unit_list(root / "名单.xlsx"))
    factors = {u: f"0.{k + 11}" for k, u in enumerate(UNITS)}

    def filing(unit: str, **kw) -> Filing:
        return unit_filing(unit, factors[unit], **kw)

    def put(role: str, name: str, f: Filing, refreshed: str | None = "2026-03-02 09:00") -> Path:
        box.files[role] = name
        return write_filing(folder / name, f, refreshed)

    # 甲市第一中学: the workbook and two mail copies
    first = put("一中", "甲市第一中学.xlsx", filing("甲市第一中学"))
    shutil.copy(first, folder / "甲市第一中学(1).xlsx")
    shutil.copy(first, folder / "甲市第一中学 - 副本.xlsx")
    box.counted["甲市第一中学"] = filing("甲市第一中学")
    # 甲市第二中学: its workbook, a copy naming the unit 甲市二中, one naming the department as 本级
    put("二中", "甲市第二中学.xlsx", filing("甲市第二中学"))
    renamed = filing("甲市第二中学")
    for p in renamed.projects:
        p.unit = "甲市二中"
    renamed.units[0].name = "甲市二中"
    (folder / "二中").mkdir()
    put("二中简称", "二中/甲市二中绩效目标表.xlsx", renamed, "2026-03-03 15:00")
    dept_written = filing("甲市第二中学", department="甲市教育局（本级）")
    put("二中部门", "甲市第二中学（报局）.xlsx", dept_written, "2026-03-02 09:00")
    box.counted["甲市第二中学"] = filing("甲市第二中学")
    # 甲市第三中学: a faulty original, then a corrected resubmission with the same amounts
    faulty = filing("甲市第三中学")
    faulty.projects[1].target = ""
    put("三中原件", "甲市第三中学.xlsx", faulty, "2026-03-01 10:00")
    put("三中更正", "甲市第三中学(更正).xlsx", filing("甲市第三中学"), "2026-03-05 16:30")
    box.counted["甲市第三中学"] = filing("甲市第三中学")
    # 甲市第四中学: a filing, then a revision with changed amounts
    put("四中原件", "甲市第四中学.xlsx", filing("甲市第四中学"), "2026-03-01 11:00")
    revised = filing("甲市第四中学")
    revised.projects[0].total += Decimal("12.50")
    revised.projects[0].fiscal += Decimal("12.50")
    revised.units[0].total += Decimal("12.50")
    revised.units[0].fiscal += Decimal("12.50")
    revised.total = revised.units[0].total
    put("四中修改", "甲市第四中学_修改版.xlsx", revised, "2026-03-06 09:15")
    box.counted["甲市第四中学"] = revised
    # 甲市实验小学: last year's filing by mistake
    put("实验小学2025", "甲市实验小学_2025年.xlsx", filing("甲市实验小学", year=2025), "2025-03-10 10:00")
    # 甲市第一小学: the workbook and a LibreOffice copy
    primary = put("一小", "甲市第一小学.xlsx", filing("甲市第一小学"))
    libreoffice_copy(primary, folder / "甲市第一小学（WPS另存）.xlsx", scratch / "lo")
    box.files["一小LibreOffice"] = "甲市第一小学（WPS另存）.xlsx"
    box.counted["甲市第一小学"] = filing("甲市第一小学")
    # 甲市第二小学: damaged in the mail
    broken = write_filing(scratch / "二小.xlsx", filing("甲市第二小学"), None).read_bytes()
    (folder / "甲市第二小学.xlsx").write_bytes(broken[: len(broken) // 2])
    box.files["二小"] = "甲市第二小学.xlsx"
    # 甲市特殊教育学校: the workbook and its published PDF
    special = filing("甲市特殊教育学校")
    put("特教", "甲市特殊教育学校.xlsx", special)
    publish(copy.deepcopy(special), scratch / "特教_公开表.xlsx", folder / "甲市特殊教育学校_公开表.pdf")
    box.files["特教PDF"] = "甲市特殊教育学校_公开表.pdf"
    box.counted["甲市特殊教育学校"] = special
    # a zip: 甲市职业技术学校 (clean) and 甲市青少年活动中心 (an error)
    vocational = write_filing(scratch / "职校.xlsx", filing("甲市职业技术学校"), "2026-03-04 14:00")
    youth = filing("甲市青少年活动中心")
    youth.projects[0].indicators[0].annual_value = ""
    youth_book = write_filing(scratch / "活动中心.xlsx", youth, "2026-03-04 14:05")
    gbk_zip(folder / "职业学校和活动中心.zip", {"甲市职业技术学校.xlsx": vocational,
                                              "甲市青少年活动中心.xlsx": youth_book})
    box.files["zip"] = "职业学校和活动中心.zip"
    box.counted["甲市职业技术学校"] = filing("甲市职业技术学校")
    # 甲市教育局（本级）
    put("本级", "甲市教育局本级.xlsx", filing("甲市教育局（本级）"))
    box.counted["甲市教育局（本级）"] = filing("甲市教育局（本级）")
    # 甲市教师发展中心: rolled over from 2025, amounts never filled
    last_year = write_filing(scratch / "教师发展中心_2025.xlsx", filing("甲市教师发展中心", year=2025), None)
    app.rollover(last_year, folder / "甲市教师发展中心.xlsx", YEAR)
    app.refresh_file(folder / "甲市教师发展中心.xlsx", now="2026-03-02 09:30", backup=False)
    box.files["教师发展中心"] = "甲市教师发展中心.xlsx"
    # another department's filing, the reviewer's own last review, a Word note
    put("乙市", "乙市人民医院.xlsx", unit_filing("乙市人民医院", "0.5", department=OTHER_DEPT))
    own_review(folder / "审核汇总.xlsx")
    (folder / "报送说明.docx").write_bytes(b"PK\x03\x04 not really a document")
    return box
