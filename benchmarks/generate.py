"""Synthetic but realistic filings at any size, drawn from the seed (sample_2024): its unit, project
names, target texts, indicators and amounts, multiplied over units so names stay unique.

    scaled_filing(1300)                    # 100× the seed: 100 units of the seed's 13 projects
    scaled_filing(5000, per_project=6)     # ~5,000 projects / 30,000 indicators
    write_batch_folder(folder, 100)        # 100 seed-size unit workbooks, some with faults

Deterministic: the same arguments give the same filing.
"""

from __future__ import annotations

import copy
import random
import re
from decimal import Decimal
from pathlib import Path

from xl_tools.jsonio import load_json
from xl_tools.model import Filing, Indicator, Project, Unit

DATA = Path(__file__).resolve().parents[1] / "xl_tools" / "data"
SEED_TEXT = DATA / "sample_2024.txt"
SEED_JSON = DATA / "sample_2024.expected.json"
SEED_UNIT = "广州市机电技师学院"
SHORT_UNIT = "市机电技师学院"

# name, projects, indicators per project (None: the seed's own counts, 76 for 13 projects)
SIZES: dict[str, tuple[int, int | None]] = {
    "seed": (13, None),
    "10x": (130, None),
    "100x": (1300, None),
    "5k": (5000, 6),
}

# unit-name stems in the seed's register (广州市 + trade + 技师学院 / 技工学校)
_TRADES = ("机电", "工贸", "交通", "轻工", "城市建设", "信息", "旅游商务", "电子", "白云", "番禺", "花都",
           "从化", "增城", "南沙", "黄埔", "海珠", "荔湾", "天河", "越秀", "健康")
_KINDS = ("技师学院", "高级技工学校", "技工学校", "职业技能鉴定中心", "职业训练中心")

_seed_cache: Filing | None = None


def seed_filing() -> Filing:
    global _seed_cache
    if _seed_cache is None:
        _seed_cache = load_json(SEED_JSON)
    return copy.deepcopy(_seed_cache)


def unit_name(k: int) -> str:
    """The seed's unit first, then 广州市<trade><kind>, then numbered branches (第N分院) of those."""
    if k == 0:
        return SEED_UNIT
    trade, kind = _TRADES[k % len(_TRADES)], _KINDS[(k // len(_TRADES)) % len(_KINDS)]
    rnd = k // (len(_TRADES) * len(_KINDS))
    return f"广州市{trade}{kind}" + (f"第{rnd + 1}分院" if rnd else "")


def _rename(text: str, unit: str) -> str:
    if unit == SEED_UNIT:
        return text
    return text.replace(SEED_UNIT, unit).replace(SHORT_UNIT, unit.removeprefix("广州"))


def _scale(amount: Decimal, factor: Decimal) -> Decimal:
    return (amount * factor).quantize(Decimal("0.01"))


# a count in a value or name: not a year or a date part, not a percentage, not part of a decimal
_COUNT = re.compile(r"(?<![\d.])([1-9]\d{0,5})(?![\d.%年月日])")


def _vary(text: str, k: int) -> str:
    """The counts of ``text`` moved by project ``k`` (1 → 1 + k % 7 …): what another project of the same
    kind would write, so that a filing does not repeat one indicator content thousands of times."""
    return _COUNT.sub(lambda m: str(int(m.group(1)) + (k * 7 + len(m.group(1))) % 23 + 1), text)


def _zh(n: int) -> str:
    """1..99 in Chinese numerals (十三, 二十一): a number the value rules do not read as a count."""
    digits = "〇一二三四五六七八九"
    tens, ones = divmod(n, 10)
    return ((digits[tens] if tens > 1 else "") + "十" if tens else "") + (digits[ones] if ones else "")


def _qualifier(unit: str, k: int) -> str:
    """A qualifier naming the unit and the project's place in it, without a digit: （工贸技工学校二分院·第七项）."""
    place = unit.removeprefix("广州市")
    if "第" in place:
        stem, branch = place.split("第", 1)
        place = stem + _zh(int(branch.removesuffix("分院"))) + "分院"
    return f"（{place}·第{_zh(k % 13 + 1)}项）"


def scaled_filing(projects: int, per_project: int | None = None, *, first_unit: int = 0,
                  seed: int = 2024, distinct: bool = False) -> Filing:
    """``projects`` projects: the seed's 13 repeated unit by unit (renamed into each unit's name, amounts
    scaled by 0.5–1.5), each with the seed project's indicators — or exactly ``per_project`` of them,
    topped up from the other seed projects' indicators.

    ``distinct``: as in a real filing, indicators are not copies of each other: each indicator name names
    its unit's trade and kind, and the counts in names and values differ from project to project (years,
    dates and percentages are kept)."""
    base = seed_filing()
    rng = random.Random(seed * 1000003 + projects * 7 + first_unit)
    pool = [(p.name, i) for p in base.projects for i in p.indicators]
    out: list[Project] = []
    for k in range(projects):
        src = base.projects[k % len(base.projects)]
        unit = unit_name(first_unit + k // len(base.projects))
        factor = Decimal(rng.randint(50, 150)) / 100 if unit != SEED_UNIT else Decimal(1)
        name = _rename(src.name, unit)
        inds = list(src.indicators)
        if per_project is not None:
            extra = [i for owner, i in pool[(k * 7) % len(pool):] + pool[:(k * 7) % len(pool)]
                     if owner != src.name]
            inds = (inds + extra)[:per_project]
        if distinct:
            new_inds = [Indicator(n, i.level1_code, i.level1, i.level2_code, i.level2,
                                  _vary(i.name, k) + _qualifier(unit, k), _vary(_rename(i.period_value, unit), k),
                                  _vary(_rename(i.annual_value, unit), k), project=name)
                        for n, i in enumerate(inds, start=1)]
        else:
            new_inds = [Indicator(n, i.level1_code, i.level1, i.level2_code, i.level2, i.name,
                                  _rename(i.period_value, unit), _rename(i.annual_value, unit), project=name)
                        for n, i in enumerate(inds, start=1)]
        fiscal = _scale(src.fiscal, factor)
        special, other = _scale(src.special, factor), _scale(src.other, factor)
        out.append(Project(name=name, unit=unit, total=fiscal + special + other, fiscal=fiscal,
                           special=special, other=other, target=_rename(src.target, unit),
                           indicators=new_inds, no=k + 1))
    filing = Filing(year=base.year, department=base.department, money_unit=base.money_unit, projects=out)
    filing.units = [Unit(u.name, u.total, u.fiscal, u.special, u.other) for u in filing.derived_units()]
    filing.total = sum((u.total for u in filing.units), Decimal(0))
    return filing


def sized_filing(size: str) -> Filing:
    projects, per_project = SIZES[size]
    return scaled_filing(projects, per_project)


# the workbooks of ``make bench``: name → (projects, indicators per project or None for the seed's own,
# distinct indicator contents, label). The growth series has distinct contents at every size; the goals
# are stated on "5k" (distinct, as a real filing) with the repeated one beside it.
BENCH: dict[str, tuple[int, int | None, bool, str]] = {
    "1x": (13, None, True, "the seed's size"),
    "10x": (130, None, True, "10× the seed"),
    "100x": (1300, None, True, "100× the seed"),
    "400x": (5200, None, True, "400× the seed"),
    "5k": (5000, 6, True, "5,000 projects, distinct indicator contents"),
    "5k-repeated": (5000, 6, False, "5,000 projects, 64 indicator contents repeated"),
    "5k-shared": (5000, 6, True, "the 5k filing with shared strings, as Excel and WPS save it"),
}
# workbooks whose strings are moved into a shared-strings table after the tool writes them (``shared_strings``)
SHARED = {"5k-shared"}
GROWTH = ["1x", "10x", "100x", "400x"]
GOAL = "5k"


def bench_filing(name: str) -> Filing:
    projects, per_project, distinct, _label = BENCH[name]
    return scaled_filing(projects, per_project, distinct=distinct)


def write_workbook(filing: Filing, path: str | Path, *, shared: bool = False) -> Path:
    """The tool's workbook of ``filing`` (its sheets hold inline strings); ``shared``: then saved with a
    shared-strings table (``shared_strings``), as the person's Excel or WPS saves it."""
    from xl_tools.workbook import build_workbook
    build_workbook(path, filing)
    if shared:
        shared_strings(path)
    return Path(path)


_INLINE = re.compile(rb'<c([^>]*?) t="inlineStr"><is>(?:<t(?: xml:space="preserve")?>([^<]*)</t>|<t/>)</is></c>')
_SST_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def shared_strings(path: str | Path) -> Path:
    """The workbook at ``path`` rewritten in place with every inline string of its worksheets in a shared
    -strings table (``xl/sharedStrings.xml``, each text once, in order of first use) and the cells naming
    it (``<c r="A2" s="1" t="s"><v>0</v></c>``), as Excel, WPS and LibreOffice save a workbook: the same
    filing, the same cells and formats, in the spelling a person's file has."""
    import zipfile

    path = Path(path)
    index: dict[bytes, int] = {}
    count = 0

    def cell(m: re.Match) -> bytes:
        nonlocal count
        count += 1
        k = index.setdefault(m.group(2) or b"", len(index))
        return b"<c" + m.group(1) + b' t="s"><v>' + str(k).encode() + b"</v></c>"

    with zipfile.ZipFile(path) as zf:
        parts = [(info, zf.read(info.filename)) for info in zf.infolist()]
    out = []
    for info, data in parts:
        if info.filename.startswith("xl/worksheets/sheet"):
            data = _INLINE.sub(cell, data)
        elif info.filename == "[Content_Types].xml":
            data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                                + _SST_CT.encode() + b'"/></Types>')
        elif info.filename == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="' + _SST_RT.encode()
                                + b'" Target="sharedStrings.xml"/></Relationships>')
        out.append((info, data))
    sst = [b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (count, len(index))]
    sst += [b'<si><t xml:space="preserve">' + text + b"</t></si>" if text[:1].isspace() or text[-1:].isspace()
            else b"<si><t>" + text + b"</t></si>" for text in index]
    sst.append(b"</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in out:
            zf.writestr(info, data, zipfile.ZIP_DEFLATED)
            if info.filename == "xl/styles.xml":
                zf.writestr("xl/sharedStrings.xml", b"".join(sst), zipfile.ZIP_DEFLATED)
    return path


def write_batch_folder(folder: str | Path, count: int = 100, *, faulty_every: int = 10) -> list[Path]:
    """``count`` unit workbooks of the seed's size (one unit each); every ``faulty_every``-th has a
    project whose 总计 is off by 1 (an AMT error), as a real inbox would."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(count):
        filing = scaled_filing(13, first_unit=k)
        if faulty_every and k % faulty_every == faulty_every - 1:
            filing.projects[k % 13].total += 1
        paths.append(write_workbook(filing, folder / f"{k + 1:04d}_{unit_name(k)}.xlsx"))
    return paths


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench-data")
    out.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        f = sized_filing(size)
        p = write_workbook(f, out / f"{size}.xlsx")
        print(f"{p}: {len(f.projects)} 个项目，{len(f.indicators)} 个指标")


MILLION = 1_000_000


def million_row_filing(path: str | Path, rows: int = MILLION) -> Path:
    """The seed's 基本信息 and 项目 with ``rows`` indicator rows on 绩效指标 (the seed's indicators
    over and over): a workbook far beyond the row limit, written in constant memory."""
    import xlsxwriter

    from xl_tools.schema import INDICATOR_HEADERS, PROJECT_HEADERS, SHEET_INDICATORS, SHEET_INFO, SHEET_PROJECTS
    base = seed_filing()
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    info = wb.add_worksheet(SHEET_INFO)
    for r, (label, value) in enumerate([("预算年度", base.year), ("部门名称", base.department),
                                        ("金额单位", base.money_unit)]):
        info.write_row(r, 0, [label, value])
    projects = wb.add_worksheet(SHEET_PROJECTS)
    projects.write_row(0, 0, list(PROJECT_HEADERS))
    for r, p in enumerate(base.projects, start=1):
        projects.write_row(r, 0, [r, p.name, p.unit, float(p.total), float(p.fiscal), float(p.special),
                                  float(p.other), p.target])
    sheet = wb.add_worksheet(SHEET_INDICATORS)
    sheet.write_row(0, 0, list(INDICATOR_HEADERS))
    inds = [(p.name, i) for p in base.projects for i in p.indicators]
    for r in range(1, rows + 1):
        name, i = inds[r % len(inds)]
        sheet.write_row(r, 0, [name, i.no, i.level1_label, i.level2_label, i.name, i.period_value,
                               i.annual_value])
    wb.close()
    return Path(path)


def seed_with_big_user_sheet(path: str | Path, rows: int = MILLION) -> Path:
    """The seed workbook plus a user's own sheet of ``rows`` rows of numbers (never the tool's to
    read: a refresh copies it as it is)."""
    import shutil
    import tempfile

    import xlsxwriter

    from xl_tools.ooxml.book import Book
    from xl_tools.ooxml.package import Package
    with tempfile.TemporaryDirectory(prefix="xltools-big-") as tmp:
        big = Path(tmp) / "big.xlsx"
        wb = xlsxwriter.Workbook(str(big), {"constant_memory": True})
        ws = wb.add_worksheet("数据")
        for r in range(rows):
            ws.write_row(r, 0, [r, r * 0.5, r % 97, r % 13])
        wb.close()
        seed = Path(tmp) / "seed.xlsx"
        write_workbook(seed_filing(), seed)
        pkg = Package(seed)
        book = Book(pkg)
        part = book.add_sheet("我的数据", len(book.sheets()))
        with Package(big) as src_pkg, src_pkg.open_original("xl/worksheets/sheet1.xml") as src:
            shutil.copyfileobj(src, pkg.spool(part), 1024 * 1024)
        pkg.save(path)
        pkg.close()
    return Path(path)
