"""Parse the 绩效指标 cell text: a numbered list of items written as
``1、1-产出指标；11-数量指标；名称；实施周期指标值:291个；年度指标值:291个。``

Accepts ： for :, ; for ；, spaces anywhere between the parts, full-width digits in the numbers. Values are
kept exactly as written (after the line wraps are removed). An item that does not have this shape is
kept as an indicator whose name is the whole item text and reported, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..categories import split_label
from ..model import Indicator

# an item starts with "n、" followed by a level-1 code ("1-"), at the start or right after "。"
ITEM_START = re.compile(r"(\d+)\s*、\s*(?=\d+\s*[-－])")
_ITEM = re.compile(
    r"^\s*(?P<l1>\d+\s*[-－][^;；]*?)\s*[;；]\s*(?P<l2>\d+\s*[-－][^;；]*?)\s*[;；]\s*(?P<name>.*?)\s*[;；]\s*"
    r"(?:实施周期指标值\s*[:：]\s*(?P<period>.*?)\s*[;；]\s*年度指标值|指标值)\s*[:：]\s*(?P<annual>.*?)\s*[。.]?\s*$",
    re.S)
ONE_VALUE = "one_value"          # Indicator.raw key: the item printed one value (``…；指标值:≥95%。``)
ANNUAL_LABEL = re.compile(r"(?<!实施周期)(?:年度)?指标值\s*[:：]")
# the indicator's own columns a region's table prints after the value (publish.indicators.PRINTED)
_PRINTED = {"权重": "weight", "指标方向性": "direction", "绩效标准": "standard", "指标解释": "explanation",
            "备注": "remark"}
_EXTRA = re.compile(r"[;；]\s*(" + "|".join(_PRINTED) + r")\s*[:：]\s*([^;；]*?)\s*[。.]?\s*$")


def _extras(body: str) -> tuple[str, dict]:
    """The item without its trailing ``；权重:10；指标方向性:正向指标``, and those as model fields."""
    out = {}
    while (m := _EXTRA.search(body)) and _PRINTED[m.group(1)] not in out:
        out[_PRINTED[m.group(1)]] = m.group(2)
        body = body[:m.start()]
    return body, out


@dataclass
class ItemSpan:
    no: int
    start: int        # offset of the number
    body_start: int   # offset after "n、"
    end: int          # offset after the item (start of the next one or end of text)


def item_spans(text: str, stop: int | None = None) -> list[ItemSpan]:
    """Consecutively numbered item starts (1、 2、 …) in ``text`` up to ``stop``."""
    stop = len(text) if stop is None else stop
    spans: list[ItemSpan] = []
    expected = 1
    for m in ITEM_START.finditer(text, 0, stop):
        before = text[:m.start()].rstrip()
        if before and not before.endswith(("。", ".")) and spans:
            continue
        if spans == [] and before and m.start() != 0:
            # the first item must start the list (anything before it is not part of the list)
            continue
        no = int(m.group(1))
        if no != expected:
            if spans and no > expected:
                # a gap in the numbering: accept it, the item is still an item (reported later)
                pass
            else:
                continue
        if spans:
            spans[-1].end = m.start()
        spans.append(ItemSpan(no, m.start(), m.end(), stop))
        expected = no + 1
    return spans


@dataclass
class ParsedItem:
    indicator: Indicator
    ok: bool
    text: str
    offset: int


def parse_items(text: str) -> list[ParsedItem]:
    """All items of a list text (line wraps already removed)."""
    out: list[ParsedItem] = []
    for span in item_spans(text):
        body = text[span.body_start:span.end]
        short, extras = _extras(body)
        m = _ITEM.match(short)
        if m:
            c1, n1 = split_label(m.group("l1"))
            c2, n2 = split_label(m.group("l2"))
            ind = Indicator(no=span.no, level1_code=c1, level1=n1, level2_code=c2, level2=n2,
                            name=m.group("name").strip(), period_value=(m.group("period") or "").strip(),
                            annual_value=m.group("annual").strip(), **extras)
            if m.group("period") is None:
                ind.raw[ONE_VALUE] = True          # printed ``指标值:…``: a one-value-column form's line
            out.append(ParsedItem(ind, True, text[span.start:span.end].strip(), span.start))
        else:
            raw = body.strip().rstrip("。").strip()
            ind = Indicator(no=span.no, level1_code="", level1="", level2_code="", level2="",
                            name=raw, period_value="", annual_value="", raw={"unparsed": raw})
            out.append(ParsedItem(ind, False, text[span.start:span.end].strip(), span.start))
    return out
