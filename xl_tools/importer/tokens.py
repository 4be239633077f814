"""Classify the lines of PDF-extracted text.

Each non-blank line becomes a ``Line`` with its 1-based line number and one kind:

* ``header``  – a repeated page header: the title (…绩效目标表…), 部门名称：… 单位：…, or a line made only
  of column captions (项目名称 / 总计 / 财政拨款 / … / 绩效指标). A header starts a new page.
* ``total``   – the 合计 row: 合计 followed by amounts.
* ``money``   – a line of amounts only ("600.00 600.00"), the amounts of the name above it.
* ``named``   – a name followed by amounts on the same line (a unit subtotal row, or an indented project).
* ``text``    – anything else (name parts, 绩效目标 text, 绩效指标 text).

Amounts are money with two decimals ("1,009.93", "５０.３５") or a dash for zero. A number wrapped
across two lines ("1,009." / "93 1,009.93") is joined back before classification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .. import limits
from ..money import MAX_MONEY, ZERO
from ..textnorm import drop_invisible, squash, to_halfwidth

HEADER, TOTAL, MONEY, NAMED, TEXT = "header", "total", "money", "named", "text"

_MONEY_TOKEN = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}$")
_DASHES = {"-", "--", "—", "－"}
# what a broken export prints where an amount belongs: NaN, inf, 1e309 (an amount line all the same)
_BAD_NUMBER = re.compile(r"^[+-]?(?:nan|inf(?:inity)?|\d[\d,]*(?:\.\d+)?e[+-]?\d+)$", re.I)
_NUMERIC_LINE = re.compile(r"^[\d,.\s]+$")
_CAPTIONS = ("项目名称", "资金使用单位", "财政专户拨款", "财政拨款", "其他资金", "绩效目标", "绩效指标",
             "总计", "()", "（）")
_TITLE = re.compile(r"绩效目标表")
_DEPT = re.compile(r"^部门(?:名称)?\s*[:：]\s*(.*?)\s*(?:(?:金额)?单位\s*[:：]\s*(\S+))?\s*$")
_UNIT_ONLY = re.compile(r"^(?:金额)?单位\s*[:：]\s*(\S+)\s*$")
_INDENT = re.compile(r"^[ \t\u3000\u00a0]{2,}|^[\t\u3000]")


@dataclass
class Line:
    no: int                      # 1-based line number in the input (first line when joined)
    raw: str                     # as read, without the line end
    kind: str = TEXT
    text: str = ""               # stripped text (for named: the name part)
    amounts: list[Decimal] = field(default_factory=list)
    indented: bool = False
    page: int = 0
    header: str | None = None       # title / dept / caption for header lines
    department: str | None = None   # from a 部门名称 header
    money_unit: str | None = None   # from a 单位：万元 header
    invalid: list[str] = field(default_factory=list)   # amounts that are not numbers (taken as 0)


def parse_amount_tokens(text: str, invalid: list[str] | None = None) -> list[Decimal] | None:
    """"5,138.68 5,138.68" → [5138.68, 5138.68]; None if the text is not only amounts.

    Invisible characters (U+200B, U+202E) are ignored. A token in an amount's place that is not a
    usable amount (NaN, inf, 1e309, more than ``MAX_MONEY``) counts as 0 and is appended to
    ``invalid``, so the line stays an amounts line and the importer reports the amount, not the name."""
    tokens = drop_invisible(to_halfwidth(text)).split()
    if not tokens:
        return None
    out, bad = [], []
    for tok in tokens:
        if tok in _DASHES:
            out.append(ZERO)
        elif _MONEY_TOKEN.match(tok) and Decimal(tok.replace(",", "")) < MAX_MONEY:
            out.append(Decimal(tok.replace(",", "")))
        elif _MONEY_TOKEN.match(tok) or _BAD_NUMBER.match(tok):
            out.append(ZERO)
            bad.append(tok)
        else:
            return None
    if invalid is not None:
        invalid.extend(bad)
    return out


def split_trailing_amounts(text: str, invalid: list[str] | None = None) -> tuple[str, list[Decimal]] | None:
    """"广州市机电技师学院 5,138.68 5,138.68" → (name, amounts); None if no amounts trail the text."""
    words = drop_invisible(to_halfwidth(text)).split()
    k = len(words)
    while k > 0 and parse_amount_tokens(words[k - 1]) is not None:
        k -= 1
    if k == len(words) or k == 0:
        return None
    # keep the name as written (original width), cut at the k-th word of the original text
    orig_words = drop_invisible(text).split()
    if len(orig_words) != len(words):
        return None
    name = " ".join(orig_words[:k]).strip()
    amounts = parse_amount_tokens(" ".join(words[k:]), invalid)
    return (name, amounts) if amounts else None


TITLE, DEPT, CAPTION = "title", "dept", "caption"


def header_kind(text: str) -> str | None:
    """Which page-header line this is (title / dept / caption), or None."""
    key = squash(text)
    if not key:
        return None
    if _TITLE.search(key) and len(key) <= 40:
        return TITLE
    if key.startswith("部门名称") or (key.startswith("部门:") and "单位:" in key):
        return DEPT
    if _UNIT_ONLY.match(to_halfwidth(text).strip()):
        return DEPT
    rest = key
    for cap in _CAPTIONS:
        rest = rest.replace(squash(cap), "")
    if rest == "" and any(c in key for c in ("项目名称", "财政拨款", "绩效目标", "绩效指标", "总计")):
        return CAPTION
    return None


def _header_details(line: Line) -> None:
    text = to_halfwidth(line.text).strip()
    m = _DEPT.match(text)
    if m:
        # keep the department name in its original width
        orig = re.match(r"^部门(?:名称)?\s*[:：]\s*(.*?)\s*(?:(?:金额)?单位\s*[:：]\s*(\S+))?\s*$",
                        line.text.strip())
        line.department = (orig.group(1) if orig else m.group(1)).strip() or None
        line.money_unit = m.group(2)
        return
    m = _UNIT_ONLY.match(text)
    if m:
        line.money_unit = m.group(1)


def _join_wrapped_numbers(raw_lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join "1,009." + "93 1,009.93" (a number wrapped inside) into one line."""
    out: list[tuple[int, str]] = []
    k = 0
    while k < len(raw_lines):
        no, text = raw_lines[k]
        stripped = text.strip()
        if (_NUMERIC_LINE.match(to_halfwidth(stripped) or "x") and parse_amount_tokens(stripped) is None
                and k + 1 < len(raw_lines)):
            nxt = raw_lines[k + 1][1].strip()
            joined = stripped + nxt
            if parse_amount_tokens(joined) is not None or split_trailing_amounts(joined) is not None:
                out.append((no, joined))
                k += 2
                continue
        out.append((no, text))
        k += 1
    return out


def classify(text: str) -> list[Line]:
    """Split text into classified non-blank lines, with page numbers (a header run starts a page)."""
    raw_lines = [(k + 1, s.rstrip()) for k, s in enumerate(text.split("\n"))]
    raw_lines = [(no, s) for no, s in raw_lines if s.strip()]
    raw_lines = _join_wrapped_numbers(raw_lines)
    kinds = [header_kind(raw) for _, raw in raw_lines]
    # the line kind that starts a page: the title if the text has one, else 部门名称, else captions
    starter = next((k for k in (TITLE, DEPT, CAPTION) if k in kinds), None)
    lines: list[Line] = []
    page = 0
    prev_header = False
    for (no, raw), hkind in zip(raw_lines, kinds):
        if no % 4096 == 0:
            limits.check_time()
        line = Line(no=no, raw=raw, text=raw.strip(), indented=bool(_INDENT.match(raw)))
        if hkind is not None:
            line.kind, line.header = HEADER, hkind
            if hkind == starter and not (prev_header and starter == CAPTION):
                page += 1
            _header_details(line)
            prev_header = True
            line.page = page
            lines.append(line)
            continue
        prev_header = False
        line.page = page
        amounts = parse_amount_tokens(raw, line.invalid)
        if amounts is not None:
            line.kind, line.amounts = MONEY, amounts
        else:
            split = split_trailing_amounts(raw.strip(), line.invalid)
            if split is not None:
                name, amounts = split
                line.kind = TOTAL if squash(name) == "合计" else NAMED
                line.text, line.amounts = name, amounts
        lines.append(line)
    return lines
