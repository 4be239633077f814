"""Import a published 项目支出绩效目标表 (text extracted from a PDF, the PDF itself, or the table as xlsx)
into a Filing.

    result = import_path("table.txt", year=2024)
    result.filing, result.findings, result.year_source

Text: ``tokens`` classifies lines, ``blocks`` cuts them into names-with-amounts and content blocks,
``pairing`` assigns content to names (an assignment over similarity and position, see there),
``assemble`` builds the filing, ``reconcile`` checks the amounts. PDF: ``pdfsource`` reads the table
cells by their positions, so no pairing is needed; xlsx: ``xlsxsource`` reads the sheet's cells, the
same way. Only ``XlToolsError`` escapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import limits
from ..catalogue import finding
from ..errors import XlToolsError
from ..fileio import read_bytes
from ..findings import Finding
from ..identity import year_in_title
from ..model import Filing
from .assemble import assemble
from .blocks import PROJECT, UNIT, Segmented, describe_line, describe_lines, segment
from .forms import LAYOUTS, read_layouts
from .pairing import pair_blocks
from .pdfguard import read_pdf_bounded
from .reconcile import reconcile
from .regional import pdf_rows_text, xlsx_rows_text
from .textsource import decode_text, is_pdf
from .tokens import classify
from .valueform import one_value_units
from .xlsxsource import read_xlsx
from .year import infer_year

__all__ = ["ImportResult", "import_path", "import_text", "import_segmented"]


@dataclass
class ImportResult:
    filing: Filing
    findings: list[Finding] = field(default_factory=list)
    year_source: str = ""
    encoding: str | None = None       # how a text file was decoded ("UTF-8", "GB18030/GBK"); None for PDF
    layout: str = LAYOUTS[0]          # the published layout it was read as (广东公开表, 申报表, 一体化导出,
                                      # 湘鄂公开表: the tool's table with a profile's amount columns)


UNKNOWN_LAYOUT = ("没有找到项目支出绩效目标表：能读取的格式有 广东公开表（项目名称+金额行，下列“1、1-产出指标；…”）、"
                  "申报表（项目名称、资金、年度目标，下接 一级指标/二级指标/三级指标/指标值）、"
                  "一体化导出（每个指标一行，含指标性质、指标值、度量单位）；其他格式请用 xl-tools new 新建工作簿"
                  "（--profile 选本地区的表式）后填写，或按 docs/MODEL.md 写成 JSON 用 xl-tools load 导入")


def import_path(path: str | Path, *, year: int | None = None,
                department: str | None = None) -> ImportResult:
    """Import a .txt (UTF-8 / GBK / GB18030, LF or CRLF), a .pdf with a text layer, or an .xlsx holding
    the official table (as ``xl-tools publish`` writes it, or typed by hand)."""
    path = Path(path)
    data = read_bytes(path)
    if data[:2] == b"PK" or path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            seg, text = read_xlsx(path, year)
        except XlToolsError as exc:
            if "没有找到" not in exc.message:
                raise
            return _regional(xlsx_rows_text(path), year=year, department=department, source=str(path))
        return import_segmented(seg, text, year=year, department=department, source=str(path))
    if is_pdf(data):
        try:
            seg, text = read_pdf_bounded(path)
        except XlToolsError as exc:
            if "没有找到" not in exc.message:
                raise
            return _regional(pdf_rows_text(path), year=year, department=department, source=str(path))
        if seg.from_text:           # no table under the 广东 header: a region's 申报表 or export first
            rows = pdf_rows_text(path)
            if read_layouts(rows, str(path)) is not None:
                return _regional(rows, year=year, department=department, source=str(path))
        return import_segmented(seg, text, year=year, department=department, source=str(path))
    if len(data) > limits.value(limits.TEXT_MB) * 2**20:
        raise XlToolsError(limits.exceeded(limits.TEXT_MB, f"为 {len(data) / 2**20:,.1f} MB"), file=str(path))
    text, encoding = decode_text(data, str(path))
    result = import_text(text, year=year, department=department, source=str(path))
    result.encoding = encoding
    return result


def import_text(text: str, *, year: int | None = None, department: str | None = None,
                source: str | None = None) -> ImportResult:
    """Import text extracted from a published table (see the package docstring)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    seg = segment(classify(text))
    if not any(n.kind == PROJECT for n in seg.names):
        return _regional(text, year=year, department=department, source=source)
    return import_segmented(seg, text, year=year, department=department, source=source)


def _regional(text: str, *, year: int | None, department: str | None, source: str | None) -> ImportResult:
    """A table in one of the other regions' layouts (``forms``), or the one line naming the layouts read."""
    read = read_layouts(text, source)
    if read is None:
        raise XlToolsError(UNKNOWN_LAYOUT, file=source)
    filing = read.filing
    filing.source = source
    findings = list(read.findings)
    if year is not None:
        filing.year, year_source = year, "由 --year 指定"
    elif filing.year is not None:
        year_source = "由表头推断"
    else:
        year_source = "表中没有预算年度"
        findings.append(finding("IMP030", year_source, "用 --year 指定预算年度", field="year"))
    if department:
        filing.department = department
    elif not filing.department:
        findings.append(finding("IMP031", "表中没有部门名称，部门名称留空", "用 --department 指定部门名称",
                                field="department"))
    return ImportResult(filing, findings, year_source, layout=read.layout)


def import_segmented(seg: Segmented, text: str, *, year: int | None, department: str | None,
                     source: str | None) -> ImportResult:
    project_names = [n for n in seg.names if n.kind == PROJECT]
    if not project_names:
        raise XlToolsError(UNKNOWN_LAYOUT, file=source)
    findings: list[Finding] = []
    if year is not None:
        year_source = "由 --year 指定"
    elif seg.identity.year is not None:
        year, year_source = seg.identity.year, f"取自文件属性（xl-tools 发布时写入的预算年度 {seg.identity.year}）"
    elif seg.year is not None:
        year, year_source = seg.year, seg.year_source or f"{seg.year}年"
    elif (titled := year_in_title(text)) is not None:
        year, year_source = titled, f"取自表格标题中的“{titled}年”"
    else:
        year, year_source = infer_year(text, [n.name for n in project_names])
        if year is None:
            findings.append(finding("IMP030", year_source, "用 --year 指定预算年度", field="year"))
    dept = department or seg.identity.department or seg.department or ""
    if not dept:
        findings.append(finding("IMP031", "表中没有“部门名称：…”，部门名称留空",
                                "用 --department 指定部门名称", field="department"))
    owners = [n.name for n in seg.names if n.kind == UNIT] + [dept]
    pairing = pair_blocks(project_names, seg.contents, owners, by_position_only=not seg.from_text)
    built = assemble(seg, pairing, year=year, department=dept, source=source)
    built.filing.profile = built.filing.profile or seg.profile or ""
    findings += built.findings + one_value_units(built.filing)
    for name in seg.names:
        if name.invalid:
            findings.append(finding("IMP033", f"{describe_lines(name.lines)}「{name.name}」的金额"
                                    f"「{'、'.join(name.invalid)}」不是有效金额，已按 0 导入",
                                    "核对原表该行的金额后在工作簿中改正", line=name.lines[-1],
                                    project=name.name if name.kind == PROJECT else None))
    for frag in seg.fragments:
        findings.append(finding("IMP001", f"{describe_line(frag.lines[0])}无法识别（{frag.reason}），已保留未导入：{frag.text}",
                                "核对原表该处内容", line=frag.lines[0]))
    if built.grand is None:
        filing = built.filing
        filing.total = sum((u.total for u in filing.units), start=filing.total) if filing.units else \
            sum((p.total for p in filing.projects), start=filing.total)
        filing.total_stated = False
        if seg.grand_blank:
            findings.append(finding("IMP023", "表中合计行的金额为空，合计按各单位（或各项目）加总",
                                    "在原表中填写合计", field="total"))
        else:
            findings.append(finding("IMP023", "表中没有合计行，合计按各单位（或各项目）加总",
                                    "核对原表是否缺页", field="total"))
    findings += reconcile(built.filing, built.grand, built.lines)
    findings.sort(key=lambda f: (f.row or 0, f.code))
    layout = f"{seg.profile}公开表" if seg.profile else LAYOUTS[0]     # 湘鄂公开表: its amount columns said so
    return ImportResult(built.filing, findings, year_source, layout=layout)
