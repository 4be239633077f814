"""Read a Filing from the standard workbook with openpyxl (read-only, streaming).

Headers are looked up by name (the header row is the first of the top rows that holds the required
headers), so users may reorder columns, add their own columns and a title row above the table. Every
record carries an ``Origin`` (sheet, row, column per field) so findings point at cells.
Cells that cannot be taken as written become ``ReadProblem``s: with ``strict=True`` (dump, load,
publish) the first blocking one is raised as an XlToolsError naming file/sheet/cell; with
``strict=False`` (check, refresh) they are kept for the rule engine to report.
"""

from __future__ import annotations

import gc
from decimal import Decimal
from pathlib import Path

from .. import gcpause, limits
from ..address import a1, column_letter, parse_a1, parse_range
from ..categories import split_label
from ..errors import XlToolsError
from ..model import (
    MONEY_FIELDS,
    MONEY_LABELS,
    PROBLEM_FORMULA,
    PROBLEM_LIVE_LINK,
    PROBLEM_MONEY_INVALID,
    PROBLEM_MONEY_TEXT,
    PROBLEM_NO_INVALID,
    PROBLEM_TOO_LONG,
    PROBLEM_TOTAL_ROW,
    PROBLEM_UNIT_UNNAMED,
    YEAR_RANGE_ZH,
    Filing,
    Indicator,
    Origin,
    Project,
    ReadProblem,
    Unit,
    is_budget_year,
)
from ..money import ZERO
from ..ooxml.view import WorkbookView, open_view
from ..projectlinks import PROJECT_NO, ProjectLinks
from ..refs import first_cell, split_reference
from ..schema import (
    DRAFT_MARK,
    EXCEL_CELL_LIMIT,
    INDICATOR_COLUMNS,
    INDICATOR_HEADERS,
    INFO_FIELDS,
    NAME_LEVEL1_LIST,
    NAME_TEMPLATE_VERSION,
    PROJECT_COLUMNS,
    PROJECT_HEADERS,
    SETTINGS_TITLE,
    SHEET_CODES,
    SHEET_INDICATORS,
    SHEET_INFO,
    SHEET_PROJECTS,
    UNIT_HEADERS,
)
from ..textnorm import clean_ws, squash
from ..xlsxfile import open_workbook, reading
from .cells import int_of, is_formula, live_link, money_of, simple_formula_refs, text_of

HEADER_SCAN_ROWS = 10
BLANK_RUN_LIMIT = 1000      # stop after this many empty rows: styles down to row 1,048,576 cost nothing
BLOCKING = {PROBLEM_MONEY_INVALID, PROBLEM_FORMULA}


def workbook_view(path: str | Path) -> WorkbookView:
    """A streaming read-only view of the workbook at `path` (close it when done); a sheet with more
    rows holding values than ``limits.ROWS`` stops the read."""
    return open_view(path, max_rows=limits.value(limits.ROWS), blank_run=BLANK_RUN_LIMIT)


def read_filing(path: str | Path, *, strict: bool = True, also=None) -> Filing:
    """Read the workbook at `path` into a Filing (see module docstring for `strict`); `also(view,
    filing)` may read more from the same view before it is closed (what an earlier refresh wrote)."""
    path = Path(path)
    view = workbook_view(path)
    try:
        return read_filing_from_view(path, view, strict=strict, also=also)
    finally:
        view.close()


def read_filing_from_view(path: Path, view: WorkbookView, *, strict: bool = True, also=None) -> Filing:
    """``read_filing`` on a view of `path` already open (the caller closes it)."""
    with reading(path):
        filing = read_filing_from_workbook(view, source=str(path))
        resolve_formulas(path, filing, view)
        if also is not None:
            also(view, filing)
    if strict:
        raise_blocking(filing)
    return filing


def raise_blocking(filing: Filing) -> None:
    for prob in filing.problems:
        if prob.code in BLOCKING:
            raise XlToolsError(prob.message, file=filing.source,
                               sheet=prob.origin.sheet if prob.origin else None,
                               cell=prob.origin.cell(prob.field) if prob.origin else None)


def _sheet(wb, name: str, source: str | None):
    if name in wb.sheetnames:
        return wb[name]
    by_key = {squash(n): n for n in wb.sheetnames}
    if squash(name) in by_key:
        return wb[by_key[squash(name)]]
    raise XlToolsError(f"缺少工作表「{name}」；请使用 xl-tools 标准模板（xl-tools template -o 模板.xlsx）",
                       file=source)


def nonblank_rows(ws, min_row: int = 1, values_only: bool = False):
    """(row number, row) from min_row, skipping empty rows and stopping after a long run of them.

    A sheet with more rows holding values than ``limits.ROWS``, or more filled cells than
    ``limits.CELLS``, stops the read with an XlToolsError naming the sheet."""
    blank = data = cells = 0
    empty = (None, "")
    max_rows, max_cells = limits.value(limits.ROWS), limits.value(limits.CELLS)
    for r, row in enumerate(ws.iter_rows(min_row=min_row, values_only=values_only), start=min_row):
        if values_only:             # the values not None nor "" (as ``not in empty``), counted in C
            filled = len(row) - row.count(None) - row.count("")
        else:
            filled = sum(v.value not in empty for v in row)
        if filled:
            blank = 0
            data += 1
            cells += filled
            if data > max_rows:
                raise XlToolsError(limits.exceeded(limits.ROWS), sheet=ws.title)
            if cells > max_cells:
                raise XlToolsError(limits.exceeded(limits.CELLS), sheet=ws.title)
            yield r, row
        else:
            blank += 1
            if blank >= BLANK_RUN_LIMIT:
                return
        if r % 1000 == 0:
            limits.check_time()


def find_header(ws, required: dict[str, str], source: str | None) -> tuple[int, dict[str, int], dict[str, int]]:
    """(header row, field → column, extra header → column) of the first row holding the headers."""
    wanted = {squash(h): f for h, f in required.items()}
    best = None
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS), start=1):
        found, extra = {}, {}
        for col, cell in enumerate(row, start=1):
            if not isinstance(cell.value, str) or not cell.value.strip():
                continue
            key = squash(cell.value)
            if key in wanted and wanted[key] not in found:
                found[wanted[key]] = col
            else:
                extra[cell.value.strip()] = col
        if len(found) == len(wanted):
            return r, found, extra
        if found and (best is None or len(found) > len(best[1])):
            best = (r, found, extra)
    if best:
        r, found, extra = best
        missing = [h for h, f in required.items() if f not in found]
        at = {col: text for text, col in extra.items()}
        standard = {h: k for k, h in enumerate(required, start=1)}     # the template's column of each
        renamed = [(h, text, col) for h in missing for text, col in extra.items()
                   if squash(h) in squash(text) or squash(text) in squash(h)]
        renamed += [(h, at[standard[h]], standard[h]) for h in missing if standard[h] in at]
        if renamed:             # the person renamed a header: name the cell and what it must say
            h, text, col = renamed[0]
            cell = a1(r, col)
            raise XlToolsError(f"表头「{text}」应为「{h}」：请把 {cell} 改回「{h}」（表头须与标准模板一致，"
                               "可以在右侧另加自己的列）", file=source, sheet=ws.title, cell=cell)
        raise XlToolsError(f"第 {r} 行缺少表头：{'、'.join(missing)}（表头须与标准模板一致）",
                           file=source, sheet=ws.title, cell=f"A{r}")
    raise XlToolsError(f"找不到表头行（应包含：{' | '.join(required)}）", file=source, sheet=ws.title,
                       cell="A1")


def merged_values(ws, cols: dict[str, int], fields: tuple[str, ...], header_row: int) -> dict[tuple[int, int], object]:
    """(row, column) → value of the cells of ``fields``' columns that lie under the first row of a
    range merged over several rows: the person merged a project name (or a unit, a category) over
    its rows and sees it on each; the file holds it only in the range's first cell."""
    wanted = {cols[f] for f in fields if f in cols}
    out: dict[tuple[int, int], object] = {}
    for ref in getattr(ws, "merged", ()):
        r1, c1, r2, c2 = parse_range(ref)
        hit = [c for c in wanted if c1 <= c <= c2]
        if r2 <= r1 or r1 <= header_row or not hit:
            continue                    # one row, another column, or a header merged down into the data
        value = ws.cell(r1, c1).value
        if value in (None, ""):
            continue
        for c in hit:
            for r in range(r1 + 1, r2 + 1):
                out[(r, c)] = value
    return out


def _under_merge(values: dict, r: int, cols: dict[str, int], merged: dict) -> None:
    """Blank cells of ``values`` that a merged range covers take the range's value."""
    for f, c in cols.items():
        if values.get(f) in (None, "") and (r, c) in merged:
            values[f] = merged[(r, c)]


def _val(row, col: int | None):
    """The item of ``row`` (cells or values, from column A) at column ``col``; None past its end or
    when the column is None."""
    if col is None:
        return None
    idx = col - 1
    return row[idx] if idx < len(row) else None


def _shown(ws, r: int, col: int | None, value) -> str:
    """``cells.text_of`` of the value read at (r, col): a number as its cell's format shows it (0.95
    formatted 0% → 95%; the format looked up only for numbers, the one kind it changes), anything else
    as written."""
    if value.__class__ is str:                    # (the usual case, as ``text_of`` reads it)
        return clean_ws(value)
    if col is not None and isinstance(value, (int, float, Decimal)):
        return text_of(value, ws.cell(r, col).number_format)
    return text_of(value)


def read_filing_from_workbook(wb, source: str | None = None) -> Filing:
    """The Filing the workbook view ``wb`` holds (its sheets read as asked for). No garbage collection
    runs in the read (``gcpause.settled``): it only makes what it returns, without reference cycles, and
    a collection would walk the cells and records read so far again and again (at 5,000 projects the
    young collections of the default thresholds cost a fifth of the read). The young garbage there is
    when it starts is collected first (opening the file leaves its XML parsers' trees, 25,000 objects: 5 ms),
    or the oldest generation would hold it to the next full collection: 15 MB more at the peak of a
    5,000-project refresh."""
    gc.collect(1)
    with gcpause.settled():
        filing = Filing(source=source)
        _read_info(wb, filing, source)
        _read_projects(wb, filing, source)
        _read_indicators(wb, filing, source)
        _read_codes(wb, filing)
        filing.derive_blank_amounts()       # blank unit amounts and 合计: the sums of the projects
    return filing


_LEVEL2_HEADER = "的二级指标"


def _read_codes(wb, filing: Filing) -> None:
    """The categories the 代码表 sheet lists (A: 一级指标; a column headed "1-产出指标 的二级指标": its
    二级指标), as (code, name, parent code or None): the rules add those the profile's framework lacks
    where the profile allows (``profiles.Profile.table``). Cells without a "code-name" label (the notes
    below the table) are not categories. A 代码表 the person renamed is read where the dropdowns' list
    (the name 一级指标清单, which Excel points at the new name) finds it."""
    if SHEET_CODES in wb.sheetnames:
        ws = wb[SHEET_CODES]
    elif (listed := defined_cell(wb, NAME_LEVEL1_LIST)) is not None:
        ws = listed[0]
    else:
        return
    parents: dict[int, str | None] = {}
    for r, row in nonblank_rows(ws, values_only=True):
        if r == 1:
            for col, head in enumerate(row):
                text = squash(head) if isinstance(head, str) else ""
                if col == 0:
                    parents[col] = None
                elif text.endswith(_LEVEL2_HEADER):
                    code, _ = split_label(text[: -len(_LEVEL2_HEADER)])
                    if code:
                        parents[col] = code
            continue
        for col, parent in parents.items():
            value = row[col] if col < len(row) else None
            code, name = split_label(value) if isinstance(value, str) else ("", "")
            if code and name:
                filing.code_additions.append((code, name, parent))


def defined_cell(wb, name: str):
    """(worksheet, "B3") a workbook-level defined name points at, or None (missing, a formula or a
    constant, a sheet that does not exist)."""
    dn = wb.defined_names.get(name)
    hit = split_reference(getattr(dn, "attr_text", None))
    if hit is None or hit[0] not in wb.sheetnames:
        return None
    return wb[hit[0]], first_cell(hit[1])


def _read_info(wb, filing: Filing, source: str | None) -> None:
    ws = _sheet(wb, SHEET_INFO, source)
    labels = {}
    rows = list(nonblank_rows(ws))
    for r, row in rows:
        if row and isinstance(row[0].value, str):
            labels[squash(row[0].value)] = (r, row[1] if len(row) > 1 else None)
    for label, name, field in INFO_FIELDS:
        cell = None
        hit = defined_cell(wb, name)
        if hit:
            sh, ref = hit
            cell = sh[ref]
            row_no, col = parse_a1(ref)
            origin = Origin(sh.title, row_no, {field: col}, source)
        else:
            r, cell = labels.get(squash(label), (None, None))
            origin = Origin(ws.title, r, {field: 2}, source) if cell is not None else None
        if origin is not None:
            filing.info_origins[field] = origin
        value = cell.value if cell is not None else None
        if field == "year":
            year = int_of(value.strip().removesuffix("年度").removesuffix("年") if isinstance(value, str) else value)
            if year == "invalid" or (isinstance(year, int) and not is_budget_year(year)):
                raise XlToolsError(f"预算年度应为{YEAR_RANGE_ZH}，实际为「{value}」", file=source,
                                   sheet=origin.sheet if origin else ws.title,
                                   cell=origin.cell(field) if origin else None)
            filing.year = year
        elif field == "total":
            amount, problem = money_of(value)
            filing.total_stated = amount is not None
            if problem == "invalid":
                filing.problems.append(ReadProblem(PROBLEM_MONEY_INVALID, f"合计不是数字：「{value}」",
                                                   origin, field, None, value))
            filing.total = amount or ZERO
            filing.total_origin = origin
        else:
            setattr(filing, field, clean_ws(str(value)) if value is not None else "")
    filing.money_unit = filing.money_unit or "万元"
    version = defined_cell(wb, NAME_TEMPLATE_VERSION)
    filing.template_version = int_of(version[0][version[1]].value) if version else None
    _read_units(ws, rows, filing, source)
    _read_settings(rows, filing)


def _block_after(rows, header_first: str, until: tuple[str, ...] = (), unnamed: list | None = None):
    """(header row cells, body rows) of a labelled block on 基本信息. Without ``until`` the body is
    the following rows up to a blank first cell; with it, every following row that names something
    in its first cell, up to a row whose first cell starts with one of ``until`` (the next block) —
    so a unit typed in the spare row below the units table, or after an empty row, still counts; the
    rows in between whose first cell is blank go to ``unnamed``."""
    stops = tuple(squash(u) for u in until)
    for k, (r, row) in enumerate(rows):
        if row and isinstance(row[0].value, str) and squash(row[0].value) == squash(header_first):
            body = []
            prev = r
            for nr, nxt in rows[k + 1:]:
                first = nxt[0].value if nxt else None
                if stops:
                    if isinstance(first, str) and squash(first).startswith(stops):
                        break
                    if first not in (None, "") and not (isinstance(first, str) and not first.strip()):
                        body.append((nr, nxt))
                    elif unnamed is not None:
                        unnamed.append((nr, nxt))
                    continue
                if nr != prev + 1 or first in (None, ""):
                    break
                body.append((nr, nxt))
                prev = nr
            return row, body
    return None, []


def _read_units(ws, rows, filing: Filing, source: str | None) -> None:
    unnamed: list = []
    header, body = _block_after(rows, "单位名称", until=(SETTINGS_TITLE, "配置项"), unnamed=unnamed)
    if header is None:
        return
    cols = {}
    keys = {squash(h): f for h, f in UNIT_HEADERS.items()}
    for col, cell in enumerate(header, start=1):
        if isinstance(cell.value, str) and squash(cell.value) in keys:
            cols[keys[squash(cell.value)]] = col
    for r, row in unnamed:
        _unnamed_unit(ws.title, r, row, cols, filing, source)
    for r, row in body:
        origin = Origin(ws.title, r, cols, source)
        unit = Unit(clean_ws(str(row[0].value)), origin=origin)
        for f in MONEY_FIELDS:
            cell = _val(row, cols.get(f))
            value = cell.value if cell is not None else None
            amount, problem = money_of(value)
            if value is None or (isinstance(value, str) and not value.strip()):
                unit.raw[f] = None                # blank: the sum of the unit's projects
            if problem == "invalid":
                filing.problems.append(ReadProblem(
                    PROBLEM_MONEY_INVALID, f"单位「{unit.name}」的{MONEY_LABELS[f]}不是数字：「{cell.value}」",
                    origin, f, None, cell.value))
            setattr(unit, f, amount or ZERO)
        filing.units.append(unit)


def _unnamed_unit(sheet: str, r: int, row, cols: dict, filing: Filing, source: str | None) -> None:
    """A row of the units table with amounts but no 单位名称: a unit's subtotal goes with its projects by
    name, so the row cannot be counted; said on the name's cell (RD001), never dropped without a word. A
    row with nothing in the amount columns (a note beside the table) is not a unit."""
    typed = [(f, cell) for f in MONEY_FIELDS if (cell := _val(row, cols.get(f))) is not None
             and cell.value is not None and not (isinstance(cell.value, str) and not cell.value.strip())]
    if not typed or "name" not in cols:
        return
    where = "、".join(f"{MONEY_LABELS[f]} {column_letter(cols[f])}{r}「{cell.value}」" for f, cell in typed)
    name_cell = f"{column_letter(cols['name'])}{r}"
    filing.problems.append(ReadProblem(
        PROBLEM_UNIT_UNNAMED, f"「{sheet}」第 {r} 行填了金额（{where}），但单位名称（{name_cell}）是空的：这一行未计入"
        f"资金使用单位小计；请在 {name_cell} 填写单位名称（与「项目」表的资金使用单位一致），或删除这一行的金额",
        Origin(sheet, r, cols, source), "name", None, None))


def _read_settings(rows, filing: Filing) -> None:
    _, body = _block_after(rows, "配置项")
    for _r, row in body:
        key = clean_ws(str(row[0].value))
        value = row[1].value if len(row) > 1 else None
        if key:
            filing.settings[key] = "" if value is None else str(value).strip()


def flag_live_links(filing: Filing, values: dict, origin: Origin, project: str | None) -> None:
    """A ReadProblem (RD002) for every field whose cell holds a DDE or external-link formula: such a
    formula is never evaluated nor copied live, and the user is told."""
    for field, value in values.items():
        if isinstance(value, str) and value[:1] == "=" and live_link(value):     # (a formula: rare)
            filing.problems.append(ReadProblem(PROBLEM_LIVE_LINK, f"单元格中是外部链接或 DDE 公式 {value[:80]}",
                                               origin, field, project, value))


def _money_into(obj, row, cols, origin, filing: Filing, label: str, formulas: list) -> None:
    """The money fields of ``obj`` from ``row``'s values."""
    for f in MONEY_FIELDS:
        value = _val(row, cols.get(f))
        if is_formula(value):
            obj.raw[f] = value
            formulas.append((obj, f, value, origin))
            setattr(obj, f, ZERO)
            continue
        amount, problem = money_of(value)
        if value is None or (isinstance(value, str) and not value.strip()):
            obj.raw[f] = None                     # blank (fills may compute 总计)
        if problem == "text":
            obj.raw[f] = value
            filing.problems.append(ReadProblem(
                PROBLEM_MONEY_TEXT, f"{label}的{MONEY_LABELS[f]}是文本「{value}」，已按数字 {amount} 读取",
                origin, f, getattr(obj, "name", None), value))
        elif problem == "invalid":
            obj.raw[f] = value
            filing.problems.append(ReadProblem(
                PROBLEM_MONEY_INVALID, f"{label}的{MONEY_LABELS[f]}不是数字：「{value}」",
                origin, f, getattr(obj, "name", None), value))
        setattr(obj, f, amount if amount is not None else ZERO)


def _region_value(filing: Filing, project: Project, field: str, value, origin: Origin, header: str) -> None:
    """A project's value in one of the columns a region's table prints (``PROJECT_COLUMNS``): text as
    written, or an amount by level (``funding.own``), which must be a number like the other amounts."""
    if not field.startswith("funding."):
        text = clean_ws(str(value))
        setattr(project, field, text)
        _check_lengths(filing, text, origin, field, project.name)
        return
    amount, problem = money_of(value)
    if problem == "invalid":
        filing.problems.append(ReadProblem(PROBLEM_MONEY_INVALID, f"项目「{project.name}」的{header}不是数字：「{value}」",
                                           origin, field, project.name, value))
    elif amount is not None:
        project.funding[field.removeprefix("funding.")] = amount


def _read_projects(wb, filing: Filing, source: str | None) -> None:
    ws = _sheet(wb, SHEET_PROJECTS, source)
    region = {squash(h): f for h, f in PROJECT_COLUMNS.items()}
    required = {h: f for h, f in PROJECT_HEADERS.items()}
    hrow, cols, extra = find_header(ws, required, source)
    filing.headers[ws.title] = (hrow, cols, extra)
    formulas: list = []
    merged = merged_values(ws, cols, ("unit",), hrow)
    fields = tuple(cols.items())
    for r, row in nonblank_rows(ws, hrow + 1, values_only=True):
        width = len(row)
        values = {f: (row[c - 1] if c <= width else None) for f, c in fields}
        if all(v in (None, "") for v in values.values()):
            continue
        written = values["name"]                  # as written (a merged range fills only the unit)
        if merged:
            _under_merge(values, r, cols, merged)
        origin = Origin(ws.title, r, cols, source)
        name = clean_ws(str(written)) if written is not None else ""
        label = total_label(name, values["no"])
        if label:                                 # the person closed the list with its 合计: no project
            filing.problems.append(ReadProblem(
                PROBLEM_TOTAL_ROW, f"第 {r} 行是{label}行，不作为项目读取：公开表和「基本信息」的合计由工具按各项目"
                "加总，不必在「项目」表中另列；可删除此行", origin, "name" if name else "no", None,
                written if name else values["no"]))
            continue
        project = Project(name=name, unit=clean_ws(str(values["unit"] or "")),
                          target=clean_ws(str(values["target"] or "")), origin=origin)
        project.raw["name"] = written
        no = int_of(values["no"])
        if isinstance(values["no"], str):
            project.raw["no"] = values["no"]      # typed as text (full-width digits are read as digits)
        if no == "invalid":
            filing.problems.append(ReadProblem(PROBLEM_NO_INVALID, f"序号「{values['no']}」不是整数",
                                               origin, "no", name, values["no"]))
            project.no = values["no"]
        else:
            project.no = no
        _money_into(project, row, cols, origin, filing, f"项目「{name or f'第 {r} 行'}」", formulas)
        flag_live_links(filing, values, origin, name)
        for header, col in extra.items():
            value = _val(row, col)
            if value is not None:
                field = region.get(squash(header))
                if field is None:
                    project.extra[header] = value
                else:
                    _region_value(filing, project, field, value, Origin(ws.title, r, {field: col}, source), header)
        _check_lengths(filing, project.target, origin, "target", name)
        filing.projects.append(project)
    filing.formula_cells = formulas
    for obj, f, value, origin in formulas:
        filing.problems.append(ReadProblem(PROBLEM_FORMULA, f"{MONEY_LABELS[f]}是公式 {value}，但文件中没有计算结果",
                                           origin, f, getattr(obj, "name", None), value))


TOTAL_LABELS = ("合计", "总计", "小计")


def total_label(name: str, no) -> str | None:
    """The label of a total row on 项目 (「合计」「总 计」「小计：」 in its 项目名称, or in its 序号 with no name),
    None for a project's row."""
    text = name or (no if isinstance(no, str) else "")
    if not text or len(text) > 8:
        return None
    key = squash(text).strip(":：")
    return key if key in TOTAL_LABELS else None


def _check_lengths(filing: Filing, text: str, origin: Origin, field: str, project: str | None) -> None:
    if len(text) > EXCEL_CELL_LIMIT:
        filing.problems.append(ReadProblem(PROBLEM_TOO_LONG, f"内容超过 Excel 单元格上限 {EXCEL_CELL_LIMIT} 字符"
                                           f"（{len(text)} 字符）", origin, field, project, None))


def _read_indicators(wb, filing: Filing, source: str | None) -> None:
    ws = _sheet(wb, SHEET_INDICATORS, source)
    hrow, cols, extra = find_header(ws, INDICATOR_HEADERS, source)
    filing.headers[ws.title] = (hrow, cols, extra)
    known = {squash(h): f for h, f in INDICATOR_COLUMNS.items()}
    region = {known[squash(h)]: c for h, c in extra.items() if squash(h) in known}
    key_col = next((c for h, c in extra.items() if squash(h) == PROJECT_NO), None)
    origin_cols = cols if key_col is None else {**cols, "project_no": key_col}
    links = ProjectLinks(filing.projects)
    merged = merged_values(ws, origin_cols, ("project", "level1", "level2", "project_no"), hrow)
    fields = tuple(cols.items())
    period_col, annual_col = cols["period_value"], cols["annual_value"]
    for r, row in nonblank_rows(ws, hrow + 1, values_only=True):
        width = len(row)
        values = {f: (row[c - 1] if c <= width else None) for f, c in fields}
        if all(v in (None, "") for v in values.values()):
            continue
        key = _project_no(row, r, key_col, merged)
        if merged:
            _under_merge(values, r, cols, merged)
        origin = Origin(ws.title, r, origin_cols, source)
        l1c, l1 = split_label(str(values["level1"] or ""))
        l2c, l2 = split_label(str(values["level2"] or ""))
        drafted = is_draft_mark(values["no"])
        no = None if drafted else int_of(values["no"])
        project_name = clean_ws(str(values["project"] or ""))
        ind = Indicator(
            no=None if no == "invalid" else no, level1_code=l1c, level1=l1, level2_code=l2c, level2=l2,
            name=clean_ws(str(values["name"] or "")),
            period_value=_shown(ws, r, period_col, values["period_value"]),
            annual_value=_shown(ws, r, annual_col, values["annual_value"]),
            project=project_name, origin=origin)
        ind.raw = {"level1": values["level1"], "level2": values["level2"], "no": values["no"],
                   "period_value": values["period_value"], "annual_value": values["annual_value"]}
        if key not in (None, ""):
            ind.raw["project_no"] = key            # the 项目序号 the row gives (projectlinks)
        for field, col in region.items():          # 指标性质, 度量单位, 权重 … as written
            value = _val(row, col)
            if value not in (None, ""):
                setattr(ind, field, _shown(ws, r, col, value))
        if drafted:                                # a line a refresh drafted, not confirmed yet
            ind.raw["no"] = None
            filing.pending.append(ind)
            continue
        if no == "invalid":
            filing.problems.append(ReadProblem(PROBLEM_NO_INVALID, f"指标序号「{values['no']}」不是整数",
                                               origin, "no", project_name, values["no"]))
        flag_live_links(filing, values, origin, project_name)
        owner = links.link(project_name, key).project
        if owner is None:
            filing.orphan_indicators.append(ind)
        else:
            owner.indicators.append(ind)


def _project_no(row, r: int, col: int | None, merged: dict):
    """The row's 项目序号 as written (merged over the project's rows: the range's value), or None."""
    if col is None:
        return None
    value = _val(row, col)
    return merged.get((r, col), value) if value in (None, "") else value


def is_draft_mark(value) -> bool:
    """Whether a 序号 cell holds the mark of a drafted line (「待确认」, however spaced or bracketed)."""
    return isinstance(value, str) and squash(value).strip("【】[]()（）「」") == DRAFT_MARK


def resolve_formulas(path: Path, filing: Filing, view=None) -> None:
    """Formula money cells: cached values when a spreadsheet app saved them, else simple sums.
    `view` (a ``workbook_view``) gives the cached values without opening the file again."""
    if not getattr(filing, "formula_cells", None):
        return
    wb = view.data_only_view() if view is not None else open_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[SHEET_PROJECTS]
        cached = {}
        wanted = {(o.row, o.columns[f]) for _obj, f, _v, o in filing.formula_cells}
        rows = {r for r, _c in wanted}
        for r, row in enumerate(ws.iter_rows(min_row=min(rows), max_row=max(rows)), start=min(rows)):
            for col, cell in enumerate(row, start=1):
                if (r, col) in wanted:
                    cached[(r, col)] = cell.value
    finally:
        wb.close()
    filing.problems = [p for p in filing.problems if p.code != PROBLEM_FORMULA]
    for obj, f, formula, origin in filing.formula_cells:
        value = cached.get((origin.row, origin.columns[f]))
        if isinstance(value, str) and value.startswith("#"):
            filing.problems.append(ReadProblem(
                PROBLEM_MONEY_INVALID, f"{MONEY_LABELS[f]}的公式 {formula} 计算结果是错误值 {value}，请在 Excel 中改正",
                origin, f, getattr(obj, "name", None), value))
            continue
        amount, _problem = money_of(value)
        if amount is None:
            amount = _evaluate_sum(formula, obj, origin)
        if amount is not None:
            setattr(obj, f, amount)
            continue
        filing.problems.append(ReadProblem(
            PROBLEM_FORMULA, f"{MONEY_LABELS[f]}是公式 {formula}，文件中没有计算结果且工具无法计算："
            "请先在 Excel 中打开并保存该工作簿后再试", origin, f, getattr(obj, "name", None), formula))


def _evaluate_sum(formula: str, project: Project, origin: Origin) -> Decimal | None:
    """=E2+F2+G2 / =SUM(E2:G2) over the same row's money cells (script-written files have no cache)."""
    refs = simple_formula_refs(formula)
    if refs is None:
        return None
    col_field = {column_letter(c): f for f, c in origin.columns.items()}
    total = ZERO
    for ref in refs:
        letters = "".join(ch for ch in ref if ch.isalpha())
        row = int("".join(ch for ch in ref if ch.isdigit()))
        field = col_field.get(letters)
        if row != origin.row or field not in MONEY_FIELDS or field in (project.raw or {}) and \
                isinstance(project.raw.get(field), str) and project.raw[field].startswith("="):
            return None
        total += getattr(project, field)
    return total
