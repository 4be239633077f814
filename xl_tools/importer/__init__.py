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

from ..catalogue import finding
from ..errors import XlToolsError
from ..fileio import read_bytes
from ..findings import Finding
from ..model import Filing
from .assemble import assemble
from .blocks import PROJECT, UNIT, Segmented, describe_line, describe_lines, segment
from .pairing import pair_blocks
from .pdfguard import check_streams, reading_pdf
from .reconcile import reconcile
from .textsource import decode_text, is_pdf
from .tokens import classify
from .xlsxsource import read_xlsx
from .year import infer_year

__all__ = ["ImportResult", "import_path", "import_text", "import_segmented"]


@dataclass
class ImportResult:
    filing: Filing
    findings: list[Finding] = field(default_factory=list)
    year_source: str = ""
    encoding: str | None = None       # how a text file was decoded ("UTF-8", "GB18030/GBK"); None for PDF


def import_path(path: str | Path, *, year: int | None = None,
                department: str | None = None) -> ImportResult:
    """Import a .txt (UTF-8 / GBK / GB18030, LF or CRLF), a .pdf with a text layer, or an .xlsx holding
    the official table (as ``xl-tools publish`` writes it, or typed by hand)."""
    path = Path(path)
    data = read_bytes(path)
    if data[:2] == b"PK" or path.suffix.lower() in (".xlsx", ".xlsm"):
        seg, text = read_xlsx(path)
        return import_segmented(seg, text, year=year, department=department, source=str(path))
    if is_pdf(data):
        from .pdfsource import read_pdf  # pdfplumber: the optional pdf extra
        check_streams(data, str(path))
        with reading_pdf(str(path)):
            seg, text = read_pdf(path)
        return import_segmented(seg, text, year=year, department=department, source=str(path))
    text, encoding = decode_text(data, str(path))
    result = import_text(text, year=year, department=department, source=str(path))
    result.encoding = encoding
    return result


def import_text(text: str, *, year: int | None = None, department: str | None = None,
                source: str | None = None) -> ImportResult:
    """Import text extracted from a published table (see the package docstring)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    seg = segment(classify(text))
    return import_segmented(seg, text, year=year, department=department, source=source)


def import_segmented(seg: Segmented, text: str, *, year: int | None, department: str | None,
                     source: str | None) -> ImportResult:
    project_names = [n for n in seg.names if n.kind == PROJECT]
    if not project_names:
        raise XlToolsError("没有找到项目支出绩效目标表（没有识别出任何“项目名称 + 金额”行）",
                           file=source)
    findings: list[Finding] = []
    if year is not None:
        year_source = "由 --year 指定"
    else:
        year, year_source = infer_year(text, [n.name for n in project_names])
        if year is None:
            findings.append(finding("IMP030", year_source, "用 --year 指定预算年度", field="year"))
    dept = department or seg.department or ""
    if not dept:
        findings.append(finding("IMP031", "表中没有“部门名称：…”，部门名称留空",
                                "用 --department 指定部门名称", field="department"))
    owners = [n.name for n in seg.names if n.kind == UNIT] + [dept]
    pairing = pair_blocks(project_names, seg.contents, owners, by_position_only=not seg.from_text)
    built = assemble(seg, pairing, year=year, department=dept, source=source)
    findings += built.findings
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
    return ImportResult(built.filing, findings, year_source)
