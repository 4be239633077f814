"""Read a published table from a PDF by its table cells (pdfplumber), not by the text order.

Every page's ruled table is found with ``page.find_tables()``; the header row (项目名称 / 总计 / 财政拨款 /
财政专户拨款 / 其他资金 / 绩效目标 / 绩效指标, by caption, in any order) maps the columns, and is repeated
on each page (a page without one reuses the previous page's columns). Each body row is one record:

* 合计 in the name column → the 合计 row;
* a name written at the cell's left edge with no 绩效目标 / 绩效指标 → a unit subtotal row;
* an indented name, or a row with content → a project (name, amounts, target and indicators of the
  same row, so no pairing is needed);
* a row with an empty name and no amounts but with content → the continuation of the project above
  (a tall block the renderer split into rows, possibly onto the next page after the repeated title
  and header rows): its target and indicator text is appended in reading order, before the indicator
  list is parsed (a continuation with no project above is reported, not dropped).

LibreOffice prints a cell that continues across a page break by drawing its whole text on each page
and clipping it to the part shown there; the clipped text stays in the text layer (above the page, under
the repeated header, below the table). Each character is therefore taken by where its centre lies:
inside a body row of the shown table (between the header and the bottom of the table's left border on
that page), else nowhere; header captions are read line by line so clipped text under them does not
hide them. A continued cell's text is so read exactly once, and the page break joins its pieces like a
line wrap.

Line breaks inside cells are PDF wraps and are removed. A PDF without any text is a scan: it gets a
clear error. A PDF with text but no ruled table is read as extracted text (the text importer).
Findings point at "第 p 页第 r 行" (encoded in the line numbers as page × 100000 + row).
"""

from __future__ import annotations

import bisect
from pathlib import Path

from .. import limits
from ..errors import XlToolsError
from ..identity import parse_keywords
from ..profiles import profile_by_money
from ..textnorm import squash, well_formed
from . import blocks, tokens
from .blocks import PDF_LINE_BASE, PROJECT, Segmented
from .pdfguard import check_pages
from .pdfpage import lay_out
from .pdftables import find_tables
from .tablerows import CAPTIONS, FIELDS, TableRow, rows_to_blocks
from .tokens import HEADER, classify

_INDENT_PT = 3.0
_BASELINE_PT = 0.5      # characters of one printed line share the baseline


def open_pdf(path: Path):
    """pdfplumber's PDF at ``path``; what a damaged or encrypted file raises → one XlToolsError."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException
    try:
        return pdfplumber.open(str(path))
    except (PdfminerException, PDFSyntaxError, PDFPasswordIncorrect, PDFEncryptionError) as exc:
        if exc.args and isinstance(exc.args[0], XlToolsError):       # a budget of ours, wrapped by pdfplumber
            raise exc.args[0] from None
        encrypted = isinstance(exc, (PDFPasswordIncorrect, PDFEncryptionError))      # pdfminer's English stays out
        raise XlToolsError("PDF 已加密（设置了打开密码），无法读取：请提供未加密的 PDF" if encrypted else
                           "无法打开 PDF（文件已损坏或不是完整的 PDF）：请重新导出 PDF 后再试", file=str(path)) from None


def _lines_of(chars: list[dict]) -> list[str]:
    """The text lines of ``chars``: one per baseline (chars whose tops agree within half a point),
    top to bottom, each read left to right."""
    lines: list[tuple[float, list[dict]]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and abs(ch["top"] - lines[-1][0]) <= _BASELINE_PT:
            lines[-1][1].append(ch)
        else:
            lines.append((ch["top"], [ch]))
    return ["".join(c["text"] for c in sorted(group, key=lambda c: c["x0"])) for _, group in lines]


def _captions(chars: list[dict]) -> list[str]:
    """The fields whose caption the header cell with ``chars`` may show, best first.

    A caption is a line (or lines) of its own. On a page that continues a tall block, the block's text
    is drawn from above the page and clipped at the header row, so its invisible lines lie inside the
    header cells too: the caption is looked for at the start of every line, with the lines after it
    joined (a caption wrapped in a narrow column), never in a mix of characters of several lines.
    """
    lines = [squash(t) for t in _lines_of(chars)]
    out: list[str] = []
    for k in range(len(lines)):
        key = "".join(lines[k:])
        for caption, name in CAPTIONS.items():
            if key.startswith(caption) and name not in out:
                out.append(name)
                break
    return out


def _columns(row, page, previous: dict | None, chars_between=None) -> dict | None:
    """Column x ranges by field from a header row of ``find_tables``, or None if it is not one.

    The header repeats on every page with the same columns: where a cell could show several captions
    (clipped text starting with a caption word), the one the previous page's header had at this x
    range wins; a caption that cannot be read on this page at all is taken from the previous page's
    header when a cell of this row has its x range.
    """
    def before(cell) -> str | None:
        if previous is None:
            return None
        return next((n for n in previous["_order"]
                     if abs(cell[0] - previous[n][0]) < 2 and abs(cell[2] - previous[n][1]) < 2), None)

    found: dict[str, tuple[float, float]] = {}
    for cell in row.cells:
        if not cell:
            continue
        near = chars_between(cell[1], cell[3]) if chars_between else page.chars
        names = [n for n in _captions(_chars_in(near, cell)) if n not in found]
        if before(cell) in names:
            names.insert(0, before(cell))
        if names:
            found[names[0]] = (cell[0], cell[2])
    if not {"name", "total"} <= found.keys():
        return None
    taken = set(found.values())
    for cell in row.cells:
        name = before(cell) if cell else None
        if name is not None and name not in found and (cell[0], cell[2]) not in taken:
            found[name] = (cell[0], cell[2])
            taken.add(found[name])
    columns: dict = dict(found)
    columns["_order"] = sorted(found, key=lambda n: found[n][0])
    return columns


def _below_captions(rows, columns: dict, chars_between) -> dict:
    """``columns`` with the captions of a second header row (``rows``: the row under the header, or
    none): 财政拨款 and 其他资金 under 「资金来源」, 本级资金 and 上级资金 under 「预算级次」 (a profile's
    grouped amount columns)."""
    added = dict(columns)
    for row in rows:
        for cell in row.cells:
            if not cell:
                continue
            names = [n for n in _captions(_chars_in(chars_between(cell[1], cell[3]), cell)) if n not in added]
            if names and (cell[0], cell[2]) not in {v for k, v in added.items() if k != "_order"}:
                added[names[0]] = (cell[0], cell[2])
    added["_order"] = sorted((n for n in added if n != "_order"), key=lambda n: added[n][0])
    return added


def _chars_in(chars: list[dict], box: tuple[float, float, float, float]) -> list[dict]:
    """The characters whose centre lies in ``box`` (x0, top, x1, bottom; half-open, so a character on
    the line between two cells belongs to one of them only)."""
    x0, top, x1, bottom = box
    return [c for c in chars
            if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= (c["top"] + c["bottom"]) / 2 < bottom]


class _Bands:
    """The characters whose centre lies between two heights, in their order on the page, found by
    bisection: a page of 40,000 rules over 90,000 characters (a 200 KB file) cost rules × characters
    when each band looked through all of them (it ran until the time limit), and a 1.9 KB page of a
    70 × 70 grid over 90,000 characters cost cells × characters while the header was looked for (182 s)."""

    def __init__(self, chars: list[dict]) -> None:
        self.chars = chars
        self.order = sorted(range(len(chars)), key=lambda k: _centre_y(chars[k]))
        self.centres = [_centre_y(chars[k]) for k in self.order]

    def __call__(self, top: float, bottom: float) -> list[dict]:
        lo, hi = bisect.bisect_left(self.centres, top), bisect.bisect_left(self.centres, bottom)
        return [self.chars[k] for k in sorted(self.order[lo:hi])]


def _centre_y(char: dict) -> float:
    return (char["top"] + char["bottom"]) / 2


def _visible_bottom(page, x0: float, top: float) -> float:
    """Where the table body ends on this page: the lowest point of its left border below ``top``.

    LibreOffice prints a cell that continues on the next page by drawing its whole text on every page
    it covers, clipped to the part of the cell shown there; the clipped text is still in the PDF's
    text layer. The table's left border runs exactly over the shown part, so text below it (and above
    the body, see ``_captions``) is not on this page.
    """
    bottoms = [e["bottom"] for e in page.vertical_edges
               if abs(e["x0"] - x0) <= 2 and e["bottom"] > top + 1]
    return max(bottoms) if bottoms else page.bbox[3]


def _page_rows(page, columns, source: str = ""):
    """Column x ranges by field and the rows of one page as lists of cell texts.

    The header row found by ``find_tables`` gives the column x ranges (reused on a page without a
    header). Rows are the bands between the horizontal rules that cross the name column, from the
    header down to where the table's border ends on this page; a cell that continues on the next page
    is a band of its own, ending at that border. Each character belongs to the band and column its
    centre lies in; characters outside the shown table (clipped text of a continued cell) belong to
    none, so a continued cell's text is read once, in the part of it each page shows.
    """
    from pdfplumber.utils import extract_text
    header_bottom = page.bbox[1]
    by_height = _Bands(page.chars)       # each cell's characters by bisection, not by a look at all of them
    for table in find_tables(page, source):
        for k, row in enumerate(table.rows):
            found = _columns(row, page, columns, by_height)
            if found is not None:
                columns = _below_captions(table.rows[k + 1:k + 2], found, by_height)
                cells = [c for c in row.cells if c]
                # the name caption's cell: a caption cell may run into a continued cell below it
                name_cell = next((c for c in cells if c[0] == columns["name"][0]), None)
                header_bottom = name_cell[3] if name_cell else min(c[3] for c in cells)
                break
        else:
            continue
        break
    if columns is None:
        return None
    x0, x1 = columns["name"]
    body_bottom = _visible_bottom(page, x0, header_bottom)
    rules = sorted({round(e["top"], 1) for e in page.horizontal_edges
                    if e["x0"] <= x0 + 2 and e["x1"] >= x1 - 2
                    and header_bottom - 1 <= e["top"] < body_bottom - 1})
    body_chars = _chars_in(page.chars, (page.bbox[0], header_bottom, page.bbox[2], body_bottom))
    in_band = _Bands(body_chars)
    bands = []
    top = header_bottom
    for k, bottom in enumerate(rules + [body_bottom]):
        if k % 1000 == 0:
            limits.check_time()
        if bottom - top < 2:
            top = max(top, bottom)
            continue
        band_chars = _chars_in(in_band(top, bottom), (page.bbox[0], top, page.bbox[2], bottom))
        cells, indent = [], None
        for name in columns["_order"]:
            cx0, cx1 = columns[name]
            chars = _chars_in(band_chars, (cx0, top, cx1, bottom))
            cells.append(extract_text(chars) if chars else "")
            if name == "name":
                shown = [c for c in chars if c["text"].strip()]
                indent = min(c["x0"] for c in shown) - cx0 if shown else None
        if any(c.strip() for c in cells):
            bands.append((cells, indent))
        top = bottom
    return columns, bands


def _cell(row: list[str], columns: dict, name: str) -> str:
    if name not in columns:
        return ""
    k = columns["_order"].index(name)
    return well_formed(row[k].replace("\r", "").replace("\n", "").strip())


def read_pdf(path: Path) -> tuple[Segmented, str]:
    """The PDF's table as blocks, and its whole text (for the year inference)."""
    seg = Segmented()
    texts: list[str] = []
    rows: list[tuple[int, int, list[str | None], float | None, dict[str, int]]] = []
    with open_pdf(path) as pdf:
        check_pages(len(pdf.pages), str(path))
        has_chars = False
        columns: dict | None = None
        for page_no, page in enumerate(pdf.pages, start=1):
            limits.check_time()
            lay_out(page, str(path))
            if page.chars:
                has_chars = True
            text = well_formed(page.extract_text() or "")
            texts.append(text)
            for ln in classify(text):
                if ln.kind == HEADER:
                    seg.department = seg.department or ln.department
                    seg.money_unit = seg.money_unit or ln.money_unit
            found = _page_rows(page, columns, str(path))
            if found is not None:
                columns, bands = found
                seg.profile = seg.profile or profile_by_money(set(columns) - {"_order"})
                for r, (row, indent) in enumerate(bands, start=1):
                    rows.append((page_no, r, row, indent, columns))
            page.close()                    # its layout and objects: memory stays one page's
        seg.pages = len(pdf.pages)
        seg.identity = parse_keywords((pdf.metadata or {}).get("Keywords"))
    whole = "\n".join(texts)
    if not has_chars:
        raise XlToolsError("这个 PDF 没有文字层（可能是扫描件或图片），无法读取表格；请先做文字识别（OCR），"
                           "或提供可复制文字的 PDF", file=str(path))
    if not rows:
        text_seg = blocks.segment(tokens.classify(whole))
        if not any(n.kind == PROJECT for n in text_seg.names):
            raise XlToolsError("PDF 中没有找到项目支出绩效目标表（没有带表头“项目名称、总计…”的表格）",
                               file=str(path))
        text_seg.from_text = True
        return text_seg, whole
    seg.from_text = False
    _rows_to_blocks(rows, seg, str(path))
    return seg, whole


def _rows_to_blocks(rows, seg: Segmented, source: str) -> None:
    """PDF bands → table rows: a name is indented when it starts right of the leftmost name."""
    indents = [i for *_, i, _ in rows if i is not None]
    base = min(indents) if indents else 0.0
    table = [TableRow(line=page_no * PDF_LINE_BASE + r, where=f"第 {page_no} 页第 {r} 行", page=page_no,
                      cells={f: _cell(row, columns, f) for f in FIELDS},
                      indented=indent is not None and indent > base + _INDENT_PT)
             for page_no, r, row, indent, columns in rows]
    rows_to_blocks(table, seg, source)
