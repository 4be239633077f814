"""Segment classified lines into blocks: names with their amounts, and content (绩效目标 + 绩效指标).

A PDF row is three cells side by side — the name with its amounts, the 绩效目标 text, the 绩效指标
list — and text extraction emits each cell as its own run of lines, in an order that is not the row
order. So the text is cut into:

* ``NameBlock``  – the 合计 row, a unit subtotal row, or a project name (its wrapped lines joined) with
  the amounts that follow it. A project name is the run of text lines right above an amounts line,
  starting at the indented line (published tables indent project names under their unit).
* ``ContentBlock`` – one 绩效目标 text followed by one 绩效指标 list. A run of content lines between
  names can hold several of them; a list starts at a line beginning "1、<code>-" and ends at the line
  ending with "。" after its last item's 年度指标值.

Every block keeps its line numbers, page and position in the text (``seq``) for pairing and findings.
Lines that fit nowhere become ``Fragment``s (kept and reported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..identity import Identity
from ..textnorm import to_halfwidth
from .indicatorlist import ANNUAL_LABEL, item_spans
from .tokens import CAPTION, HEADER, MONEY, NAMED, TEXT, TOTAL, Line

PROJECT, UNIT, GRAND = "project", "unit", "total"
_LIST_START = re.compile(r"^1\s*、\s*\d+\s*[-－]")
_LIST_START_LOOSE = re.compile(r"^1\s*、?\s*$|^1\s*、\s*\d*\s*$")  # "1、" wrapped right after the number
_MAX_NAME_LINES = 5
PDF_LINE_BASE = 100000      # PDF rows are numbered page × PDF_LINE_BASE + row


def describe_line(no: int) -> str:
    """"第 14 行" for a text line, "第 2 页第 3 行" for a PDF table row."""
    if no >= PDF_LINE_BASE:
        return f"第 {no // PDF_LINE_BASE} 页第 {no % PDF_LINE_BASE} 行"
    return f"第 {no} 行"


def describe_lines(lines: list[int]) -> str:
    if not lines:
        return ""
    if lines[0] == lines[-1] or lines[0] >= PDF_LINE_BASE:
        return describe_line(lines[0])
    return f"第 {lines[0]}–{lines[-1]} 行"


@dataclass
class NameBlock:
    kind: str                     # project | unit | total
    name: str
    amounts: list[Decimal]
    lines: list[int]              # line numbers (name lines, then the amounts line)
    page: int
    seq: int = 0
    indented: bool = False
    columns: list[Decimal | None] | None = None   # amounts by column when known (PDF cells)
    invalid: list[str] = field(default_factory=list)   # printed amounts that are not numbers (taken as 0)
    funding: dict[str, Decimal] = field(default_factory=dict)   # amounts by level a region's table prints


@dataclass
class ContentBlock:
    target: str
    indicator_text: str
    target_lines: list[int]
    indicator_lines: list[int]
    page: int
    seq: int = 0
    line_offsets: list[tuple[int, int]] = field(default_factory=list)  # (offset in indicator_text, line)

    @property
    def first_line(self) -> int:
        return (self.target_lines or self.indicator_lines or [0])[0]

    def line_at(self, offset: int) -> int:
        """Line number of a character offset of ``indicator_text``."""
        found = self.first_line
        for off, no in self.line_offsets:
            if off <= offset:
                found = no
            else:
                break
        return found


@dataclass
class Fragment:
    text: str
    lines: list[int]
    page: int
    reason: str


@dataclass
class Segmented:
    names: list[NameBlock] = field(default_factory=list)      # total, units and projects in text order
    contents: list[ContentBlock] = field(default_factory=list)
    fragments: list[Fragment] = field(default_factory=list)
    department: str | None = None
    money_unit: str | None = None
    pages: int = 0
    from_text: bool = True        # False when read from table cells (PDF, xlsx: rows already paired)
    grand_blank: bool = False     # the table has a 合计 row whose amounts are all blank
    identity: Identity = field(default_factory=Identity)   # year, department, units the file's properties state
    year: int | None = None       # the budget year the source states outside the text (a sheet's name)
    year_source: str | None = None
    profile: str | None = None    # the profile whose amount columns the table's header shows (湘鄂: 上级资金 …)


def _join(lines: list[Line]) -> str:
    return "".join(ln.text for ln in lines)


def _name_start(lines: list[Line], end: int, used: set[int]) -> int | None:
    """Index of the first line of the name whose last line is ``lines[end - 1]``; None if no name."""
    k = end - 1
    first = None
    while k >= 0 and end - k <= _MAX_NAME_LINES:
        ln = lines[k]
        if ln.kind != TEXT or k in used or ln.page != lines[end].page:
            break
        if ln.indented:
            return k
        if first is None:
            first = k
        k -= 1
    # no indented line: take the short lines right above, not the end of a content cell
    k, start = end - 1, None
    while k >= 0 and end - k <= 3:
        ln = lines[k]
        if (ln.kind != TEXT or k in used or ln.page != lines[end].page or ln.text.endswith("。")
                or len(ln.text) > 20):
            break
        start = k
        k -= 1
    return start


def _unit_start(lines: list[Line], end: int, used: set[int]) -> int:
    """A unit name wrapped onto the lines above its amounts: only right after a boundary line."""
    k = end - 1
    start = end
    while k >= 0 and end - k <= 2 and lines[k].kind == TEXT and k not in used \
            and not lines[k].indented and not lines[k].text.endswith("。"):
        if k == 0 or lines[k - 1].kind != TEXT:
            start = k
            break
        k -= 1
    return start


def segment(lines: list[Line]) -> Segmented:
    out = Segmented()
    used: set[int] = set()
    name_at: dict[int, NameBlock] = {}       # index of the block's last line -> block
    for ln in lines:
        if ln.kind == HEADER:
            out.department = out.department or ln.department
            out.money_unit = out.money_unit or ln.money_unit
    out.pages = max((ln.page for ln in lines), default=0)
    for i, ln in enumerate(lines):
        if ln.kind == TOTAL:
            name_at[i] = NameBlock(GRAND, "合计", ln.amounts, [ln.no], ln.page)
            used.add(i)
        elif ln.kind == MONEY:
            start = _name_start(lines, i, used)
            if start is None:
                out.fragments.append(Fragment(ln.text, [ln.no], ln.page, "金额行上方没有项目名称"))
                used.add(i)
                continue
            part = lines[start:i]
            name_at[i] = NameBlock(PROJECT, _join(part), ln.amounts, [p.no for p in part] + [ln.no],
                                   ln.page, indented=part[0].indented)
            used.update(range(start, i + 1))
        elif ln.kind == NAMED:
            start = None
            k = i - 1
            while k >= 0 and i - k < _MAX_NAME_LINES and lines[k].kind == TEXT and k not in used:
                if lines[k].indented:
                    start = k
                    break
                k -= 1
            if start is not None or ln.indented:
                start = i if start is None else start
                part = lines[start:i + 1]
                name = _join(part[:-1]) + ln.text
                name_at[i] = NameBlock(PROJECT, name, ln.amounts, [p.no for p in part], ln.page,
                                       indented=True)
            else:
                start = _unit_start(lines, i, used)
                part = lines[start:i + 1]
                name = _join(part[:-1]) + ln.text
                name_at[i] = NameBlock(UNIT, name, ln.amounts, [p.no for p in part], ln.page)
            used.update(range(start, i + 1))
    for i, block in name_at.items():
        block.invalid = list(lines[i].invalid)
    # content runs: unused text lines, cut at names and at page changes (captions do not cut)
    runs: list[list[Line]] = []
    items: list[tuple[int, object]] = []     # (line index, block) for ordering
    current: list[Line] = []

    def flush():
        if current:
            runs.append(list(current))
            current.clear()

    for i, ln in enumerate(lines):
        if i in name_at:
            flush()
            items.append((i, name_at[i]))
        elif i in used:
            continue
        elif ln.kind == HEADER:
            if ln.header != CAPTION:
                flush()
        elif ln.kind == TEXT:
            if current and current[-1].page != ln.page:
                flush()
            current.append(ln)
    flush()
    # place the runs among the names by their first line
    index_of = {id(ln): i for i, ln in enumerate(lines)}
    for run in runs:
        for block in split_run(run, out.fragments):
            items.append((index_of[id(run[0])] + _run_offset(run, block), block))
    items.sort(key=lambda t: t[0])
    for seq, (_, block) in enumerate(items):
        block.seq = seq
        if isinstance(block, NameBlock):
            out.names.append(block)
        else:
            out.contents.append(block)
    return out


def _run_offset(run: list[Line], block: ContentBlock) -> float:
    first = block.first_line
    for k, ln in enumerate(run):
        if ln.no == first:
            return k / (len(run) + 1)
    return 0.0


def _list_end(run: list[Line], start: int, stop: int) -> int:
    """Index (exclusive) of the line after the 绩效指标 list that starts at ``run[start]``."""
    offsets, text = [], ""
    for ln in run[start:stop]:
        offsets.append(len(text))
        text += ln.text
    spans = item_spans(text)
    if not spans:
        return start + 1
    last = spans[-1]
    m = ANNUAL_LABEL.search(text, last.body_start)
    anchor = m.end() if m else last.body_start
    for k in range(len(offsets)):
        line_end = offsets[k + 1] if k + 1 < len(offsets) else len(text)
        if line_end > anchor and run[start + k].text.rstrip().endswith(("。", ".")):
            return start + k + 1
    return stop


def _is_list_start(run: list[Line], k: int) -> bool:
    head = to_halfwidth(run[k].text)
    if _LIST_START.match(head):
        return True
    if k + 1 < len(run) and re.match(r"^1\s*、?", head) and len(head) <= 3:
        return bool(_LIST_START.match(head + to_halfwidth(run[k + 1].text)))
    return False


def split_run(run: list[Line], fragments: list[Fragment]) -> list[ContentBlock]:
    """Cut a run of content lines into (绩效目标, 绩效指标) blocks."""
    starts = [k for k in range(len(run)) if _is_list_start(run, k)]
    blocks: list[ContentBlock] = []
    prev_end = 0
    for n, s in enumerate(starts):
        if s < prev_end:
            continue
        stop = next((t for t in starts if t > s), len(run))
        end = _list_end(run, s, stop)
        target_lines, list_lines = run[prev_end:s], run[s:end]
        blocks.append(_content(target_lines, list_lines))
        prev_end = end
    tail = run[prev_end:]
    if tail:
        if blocks or not starts:
            # a 绩效目标 without a 绩效指标 list (or text after the last list)
            blocks.append(_content(tail, []))
    return blocks


def _content(target_lines: list[Line], list_lines: list[Line]) -> ContentBlock:
    offsets, text = [], ""
    for ln in list_lines:
        offsets.append((len(text), ln.no))
        text += ln.text
    page = (target_lines or list_lines)[0].page
    return ContentBlock(target=_join(target_lines).strip(), indicator_text=text,
                        target_lines=[ln.no for ln in target_lines],
                        indicator_lines=[ln.no for ln in list_lines], page=page, line_offsets=offsets)
