"""Read a published table from a PDF by its table cells (pdfplumber), not by the text order.

Every page's ruled table is found with ``page.find_tables()``; the header row (项目名称 / 总计 / 财政拨款 /
财政专户拨款 / 其他资金 / 绩效目标 / 绩效指标, by caption, in any order) maps the columns, and is repeated
on each page (a page without one reuses the previous page's columns). Each body row is one record:

* 合计 in the name column → the 合计 row;
* a name written at the cell's left edge with no 绩效目标 / 绩效指标 → a unit subtotal row;
* an indented name, or a row with content → a project (name, amounts, target and indicators of the
  same row, so no pairing is needed);
* a row with an empty name and no amounts but with content → the continuation of the row above
  (a tall row the renderer split, possibly onto the next page): its text is appended.

Line breaks inside cells are PDF wraps and are removed. A PDF without any text is a scan: it gets a
clear error. A PDF with text but no ruled table is read as extracted text (the text importer).
Findings point at "第 p 页第 r 行" (encoded in the line numbers as page × 100000 + row).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import XlToolsError
from ..money import NotMoney, parse_money
from ..textnorm import squash
from .blocks import GRAND, PDF_LINE_BASE, PROJECT, UNIT, ContentBlock, NameBlock, Segmented
from .tokens import HEADER, classify

CAPTIONS = {"项目名称": "name", "总计": "total", "财政专户拨款": "special", "财政拨款": "fiscal",
            "其他资金": "other", "绩效目标": "target", "绩效指标": "indicators"}
_INDENT_PT = 3.0


def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException
    try:
        return pdfplumber.open(str(path))
    except (PdfminerException, PDFSyntaxError, PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise XlToolsError(f"无法打开 PDF（文件损坏或已加密）：{exc}", file=str(path)) from None


def _columns(row: list[str | None]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for k, cell in enumerate(row):
        key = squash(cell or "")
        for caption, name in CAPTIONS.items():
            if key.startswith(caption) and name not in found:
                found[name] = k
                break
    return found if {"name", "total"} <= found.keys() else None


def _page_rows(page, columns):
    """Columns (x ranges by field) and the rows of one page as lists of cell texts.

    The header row found by ``find_tables`` gives the column x ranges (reused on a page without a
    header). Rows are the bands between the horizontal rules that cross the name column, below the
    header; text below the last rule (a cell that continues on the next page) is a band of its own.
    Text is taken per column inside each band, so merged and page-split cells are read whole.
    """
    header_bottom = page.bbox[1]
    for table in page.find_tables():
        for row in table.rows:
            texts = [(page.within_bbox(c).extract_text() if c else "") for c in row.cells]
            cols = _columns(texts)
            if cols is not None:
                spans = [c for c in row.cells if c]
                columns = {name: (row.cells[k][0], row.cells[k][2]) for name, k in cols.items()
                           if row.cells[k]}
                columns["_order"] = [name for name, _ in sorted(cols.items(), key=lambda t: t[1])]
                # the name caption's cell: a caption cell may run into a continued cell below it
                header_bottom = row.cells[cols["name"]][3] if row.cells[cols["name"]] else \
                    min(c[3] for c in spans)
                break
        else:
            continue
        break
    if columns is None:
        return None
    x0, x1 = columns["name"]
    rules = sorted({round(e["top"], 1) for e in page.horizontal_edges
                    if e["x0"] <= x0 + 2 and e["x1"] >= x1 - 2 and e["top"] >= header_bottom - 1})
    bottoms = rules + [page.bbox[3]]
    bands = []
    top = header_bottom
    for bottom in bottoms:
        if bottom - top < 2:
            top = max(top, bottom)
            continue
        cells, indent = [], None
        for name in columns["_order"]:
            cx0, cx1 = columns[name]
            region = page.within_bbox((cx0, top, cx1, bottom))
            cells.append(region.extract_text() or "")
            if name == "name":
                chars = [c for c in region.chars if c["text"].strip()]
                indent = min(c["x0"] for c in chars) - cx0 if chars else None
        if any(c.strip() for c in cells):
            bands.append((cells, indent))
        top = bottom
    return columns, bands


def _cell(row: list[str], columns: dict, name: str) -> str:
    if name not in columns:
        return ""
    k = columns["_order"].index(name)
    return row[k].replace("\r", "").replace("\n", "").strip()


def read_pdf(path: Path) -> tuple[Segmented, str]:
    """The PDF's table as blocks, and its whole text (for the year inference)."""
    seg = Segmented()
    texts: list[str] = []
    rows: list[tuple[int, int, list[str | None], float | None, dict[str, int]]] = []
    with _open(path) as pdf:
        has_chars = False
        columns: dict | None = None
        for page_no, page in enumerate(pdf.pages, start=1):
            if page.chars:
                has_chars = True
            text = page.extract_text() or ""
            texts.append(text)
            for ln in classify(text):
                if ln.kind == HEADER:
                    seg.department = seg.department or ln.department
                    seg.money_unit = seg.money_unit or ln.money_unit
            found = _page_rows(page, columns)
            if found is not None:
                columns, bands = found
                for r, (row, indent) in enumerate(bands, start=1):
                    rows.append((page_no, r, row, indent, columns))
        seg.pages = len(pdf.pages)
    whole = "\n".join(texts)
    if not has_chars:
        raise XlToolsError("这个 PDF 没有文字层（可能是扫描件或图片），无法读取表格；请先做文字识别（OCR），"
                           "或提供可复制文字的 PDF", file=str(path))
    if not rows:
        from . import blocks, tokens
        text_seg = blocks.segment(tokens.classify(whole))
        if not any(n.kind == PROJECT for n in text_seg.names):
            raise XlToolsError("PDF 中没有找到项目支出绩效目标表（没有带表头“项目名称、总计…”的表格）",
                               file=str(path))
        text_seg.from_text = True
        return text_seg, whole
    seg.from_text = False
    _rows_to_blocks(rows, seg, str(path))
    return seg, whole


def _money(text: str, where: str, source: str):
    try:
        return parse_money(text)
    except NotMoney:
        raise XlToolsError(f"{where}的金额“{text}”不是数字", file=source) from None


def _rows_to_blocks(rows, seg: Segmented, source: str) -> None:
    indents = [i for *_, i, _ in rows if i is not None]
    base = min(indents) if indents else 0.0
    seq = 0
    last: ContentBlock | None = None
    for page_no, r, row, indent, columns in rows:
        line = page_no * PDF_LINE_BASE + r
        where = f"第 {page_no} 页第 {r} 行"
        name = _cell(row, columns, "name")
        amounts_raw = [_cell(row, columns, f) for f in ("total", "fiscal", "special", "other")]
        target, indicators = _cell(row, columns, "target"), _cell(row, columns, "indicators")
        if not name and not any(amounts_raw):
            if (target or indicators) and last is not None:
                last.target += target
                last.indicator_text += indicators
                if target:
                    last.target_lines.append(line)
                if indicators:
                    last.line_offsets.append((len(last.indicator_text) - len(indicators), line))
                    last.indicator_lines.append(line)
            continue
        values = [_money(a, where, source) for a in amounts_raw]
        amounts = [v for v in values if v is not None]
        if squash(name) == "合计":
            block = NameBlock(GRAND, "合计", amounts, [line], page_no)
        elif (indent is not None and indent > base + _INDENT_PT) or target or indicators:
            block = NameBlock(PROJECT, name, amounts, [line], page_no, indented=True)
        else:
            block = NameBlock(UNIT, name, amounts, [line], page_no)
        block.columns = values
        block.seq = seq
        seg.names.append(block)
        if block.kind == PROJECT:
            content = ContentBlock(target, indicators, [line], [line], page_no, seq=seq,
                                   line_offsets=[(0, line)])
            seg.contents.append(content)
            last = content
        else:
            last = None
        seq += 1
