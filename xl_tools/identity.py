"""The identity of a filing — budget year, department, units — as its published table carries it.

``xl-tools publish`` stamps it into the 公开表 xlsx and, through LibreOffice, the PDF: the title
「2025年项目支出绩效目标表…」 and the document properties (title, subject = the department, keywords =
``keywords()``; in the xlsx also the custom properties 预算年度, 部门名称, 资金使用单位, which Excel shows under
文件 → 信息 → 属性 → 高级属性 → 自定义). ``import`` and ``batch`` read it back first (``parse_keywords``),
before guessing the year from the dates in the text, so a 2025 filing rolled over from 2024 is never
read back as 2024.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .textnorm import to_halfwidth

YEAR_KEY, DEPARTMENT_KEY, UNITS_KEY = "预算年度", "部门名称", "资金使用单位"
_PAIR = re.compile(r"(预算年度|部门名称|资金使用单位)=([^；;\n]*)")
# a title that names its year: 「2025年项目支出绩效目标表」, 「某局2025年部门预算项目支出绩效目标表」,
# 「项目支出绩效目标表（2025年度）」
_TITLE_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*年(?:度)?[^\n。；]{0,30}?绩效目标[^\n。；]{0,6}表"
                         r"|绩效目标[^\n。；]{0,6}表[^\n。；\d]{0,30}?[(（]\s*(20\d\d)\s*年度?\s*[)）]")


@dataclass(frozen=True)
class Identity:
    year: int | None = None
    department: str = ""
    units: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.year is not None or bool(self.department) or bool(self.units)


def keywords(year: int | None, department: str, units: list[str] | tuple[str, ...]) -> str:
    """The document keywords a published table carries: 「预算年度=2025；部门名称=…；资金使用单位=甲、乙」."""
    parts = []
    if year is not None:
        parts.append(f"{YEAR_KEY}={year}")
    if department:
        parts.append(f"{DEPARTMENT_KEY}={_clean(department)}")
    if units:
        parts.append(f"{UNITS_KEY}={'、'.join(_clean(u) for u in units)}")
    return "；".join(parts)


def _clean(text: str) -> str:
    return re.sub(r"[；;=\n\r]", " ", text).strip()


def parse_keywords(text: object) -> Identity:
    """The identity in document keywords written by ``keywords`` (an empty one when there is none)."""
    if not isinstance(text, str) or len(text) > 4000:
        return Identity()
    found = dict(_PAIR.findall(text))
    year_text = to_halfwidth(found.get(YEAR_KEY, "")).strip()
    year = int(year_text) if re.fullmatch(r"20\d\d", year_text) else None
    units = tuple(u for u in (x.strip() for x in found.get(UNITS_KEY, "").split("、")) if u)
    return Identity(year, found.get(DEPARTMENT_KEY, "").strip(), units)


def year_in_title(text: str) -> int | None:
    """The budget year a table's title names (「2025年项目支出绩效目标表」, 「…绩效目标表（2025年度）」),
    from the first such title in ``text``; None when no title names one."""
    m = _TITLE_YEAR.search(to_halfwidth(text or "")[:20000])
    if not m:
        return None
    return int(m.group(1) or m.group(2))
