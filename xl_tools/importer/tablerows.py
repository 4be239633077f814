"""Rows of the official table read cell by cell (from a PDF's ruled table or from an xlsx sheet) → the
importer's blocks. The sources only find the rows and their cells; the meaning of a row is decided here,
once:

* 合计 in the name column → the 合计 row (a 合计 row whose amounts are all blank is left out: the
  合计 is then summed from the units, and the importer says so);
* a name that is not indented, with no 绩效目标 / 绩效指标 → a unit subtotal row;
* an indented name, or a row with content → a project (name, amounts, target and indicators of the
  same row, so no pairing is needed);
* a row with an empty name and no amounts but with content → the continuation of the project above
  (a tall block split into rows or pages): its text is appended in reading order before the indicator
  list is parsed (a continuation with no project above is reported, not dropped).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import XlToolsError
from ..model import FUNDING_LEVELS
from ..money import NotMoney, parse_money
from ..textnorm import squash
from .blocks import GRAND, PROJECT, UNIT, ContentBlock, Fragment, NameBlock, Segmented

# header captions → fields, the longer caption first where one starts another (财政专户拨款 / 财政拨款);
# 资金总额 and the amounts by level (本级资金, 上级资金 …) are what a region's profile prints (湘鄂)
LEVELS = {f"funding.{k}": h for k, h in FUNDING_LEVELS.items()}
CAPTIONS = {"项目名称": "name", "总计": "total", "年度资金总额": "total", "资金总额": "total",
            "财政专户拨款": "special", "财政拨款": "fiscal", "其他资金": "other", "绩效目标": "target",
            "绩效指标": "indicators", **{h: f for f, h in LEVELS.items()}}
FIELDS = ("name", "total", "fiscal", "special", "other", *LEVELS, "target", "indicators")
AMOUNT_FIELDS = ("total", "fiscal", "special", "other")


@dataclass
class TableRow:
    line: int                   # line number for the findings (see blocks.describe_line)
    where: str                  # "第 2 页第 3 行" / "第 7 行", for error messages
    page: int
    cells: dict[str, str]       # field → cell text (line breaks already removed)
    indented: bool


def _money(text: str, where: str, source: str):
    try:
        return parse_money(text)
    except NotMoney:
        raise XlToolsError(f"{where}的金额“{text}”不是数字", file=source) from None


def rows_to_blocks(rows: list[TableRow], seg: Segmented, source: str) -> None:
    seq = 0
    last: ContentBlock | None = None
    for row in rows:
        line, where, page_no = row.line, row.where, row.page
        name = row.cells.get("name", "")
        amounts_raw = [row.cells.get(f, "") for f in AMOUNT_FIELDS]
        target, indicators = row.cells.get("target", ""), row.cells.get("indicators", "")
        if not name and not any(amounts_raw):
            if (target or indicators) and last is not None:
                last.target += target
                last.indicator_text += indicators
                if target:
                    last.target_lines.append(line)
                if indicators:
                    last.line_offsets.append((len(last.indicator_text) - len(indicators), line))
                    last.indicator_lines.append(line)
            elif target or indicators:
                seg.fragments.append(Fragment("".join(part for part in (target, indicators) if part),
                                              [line], page_no, "没有项目名称的续行，上方不是项目"))
            continue
        values = [_money(a, where, source) for a in amounts_raw]
        amounts = [v for v in values if v is not None]
        if squash(name) == "合计":
            if not amounts:
                seg.grand_blank = True
                last = None
                continue
            block = NameBlock(GRAND, "合计", amounts, [line], page_no)
        elif row.indented or target or indicators:
            block = NameBlock(PROJECT, name, amounts, [line], page_no, indented=True)
        else:
            block = NameBlock(UNIT, name, amounts, [line], page_no)
        block.columns = values
        block.funding = {f.removeprefix("funding."): amount for f in LEVELS
                         if (amount := _money(row.cells.get(f, ""), where, source)) is not None}
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
