"""The published layouts of other regions, read from text (issue 23): each gives a Filing and the name of
the layout it was read as («按……格式读取»).

- 申报表 (湖南、湖北、宁夏、内蒙古、陕西、甘肃 …): one project per form, its fields top down (项目名称,
  主管部门, 实施单位, 资金, 年度目标 …), then the indicator rows 一级指标 / 二级指标 / 三级指标 / 指标值
  (and columns such as 绩效标准, 备注). Cells come one per line, between ``|``, or several on one line
  separated by spaces; a merged 一级/二级 cell is written once above the rows it covers.
- 一体化导出 (四川): the budget-integration system's export, one row per indicator with 单位名称, 项目名称,
  预算数, 年度目标 only on a project's first row and 指标性质 / 指标值 / 度量单位 / 权重 / 指标方向性 in
  columns; amounts in the unit the title states (元).

The category framework follows what the table prints: 「社会公众或服务对象满意度指标」 inside 效益 or
「环境效益」 make it the 湘鄂 profile, 「成本指标」 as a first-level block the 中央2021 one, otherwise
全国2015; the 一体化 export is 四川. Only ``XlToolsError`` escapes; a text in neither layout gives None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from ..catalogue import finding
from ..categories import framework_table, name_stem
from ..findings import Finding
from ..model import FUNDING_LEVELS, NATURE_OPS, Filing, Indicator, Project, Unit
from ..money import ZERO
from ..profiles import load_profile, profile_by_place, profile_names
from ..textnorm import clean_ws, squash
from .glued import Rows, looks_glued, unglue

FORM, EXPORT = "申报表", "一体化导出"
LAYOUTS = ("广东公开表", FORM, EXPORT)

_LEVEL1 = {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标", "成本": "成本指标",
           "效果": "效益指标"}
_HEADER_WORDS = ("一级指标", "二级指标", "三级指标")
_END = re.compile(r"^(?:财政部门|主管部门审核|审核意见|填表人|填报人|注[:：]|说明|财政部门审核|区扶贫办|"
                  r"其他说明|单位负责人|扫一扫)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# a budget system's code before a unit's name: 「[610001]湖南省…」, 「(433001)乌海市供销合作社联合社」
_CODE = re.compile(r"^[\[【(（]\d+[\]】)）]")
# the year the form itself states under its title, 「(2021年)」「（2023年度）」「2021年度」: before any other year
# the page prints (乌海: 「发布时间:2022年09月12日」 above 「(2021年)」)
_TABLE_YEAR = re.compile(r"[(（]\s*((?:19|20)\d{2})\s*年度?\s*[)）]|((?:19|20)\d{2})\s*年度")
_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(万元|万|元)?")


@dataclass
class FormRead:
    filing: Filing
    layout: str
    findings: list[Finding] = field(default_factory=list)


def _level2_names() -> dict[str, str]:
    """Second-level category names (and aliases) of every framework, by stem → the name as written."""
    out = {}
    for name in ("广东2015", "中央2021", "湘鄂申报表"):
        table = framework_table(name)
        for c in table.level2:
            for written in (c.name, *c.aliases):
                out.setdefault(name_stem(written), written)
    out.setdefault(name_stem("服务对象满意度指标等"), "服务对象满意度")
    return out


@lru_cache(maxsize=1)
def _level2_parents() -> dict[str, frozenset[str]]:
    """Each second-level category (by stem, aliases too) → the stems of the first levels it belongs to in
    the frameworks (社会效益 → {效益}; 经济成本 → {成本}; 成本指标 → {产出})."""
    out: dict[str, set[str]] = {}
    for name in ("广东2015", "中央2021", "湘鄂申报表"):
        table = framework_table(name)
        level1 = {c.code: name_stem(c.name) for c in table.level1}
        for c in table.level2:
            for written in (c.name, *c.aliases):
                out.setdefault(name_stem(written), set()).add(level1.get(c.parent or "", ""))
    return {k: frozenset(v - {""}) for k, v in out.items()}


@lru_cache(maxsize=1)
def category_words() -> frozenset[str]:
    """The category labels as forms write them, for cutting a run of text (``glued``): every first
    level with 指标 (产出指标), every second level with 指标 (数量指标, 经济成本指标) and the long ones
    also without it (服务对象满意度); never a bare short word (质量, 满意度) that names hold."""
    words = {stem + "指标" for stem in _LEVEL1}
    for stem in (*_level2_names(), "社会公众或服务对象满意度"):
        words.add(stem + "指标")
        if len(stem) >= 6:
            words.add(stem)
    return frozenset(words)


def _category(cell: str) -> tuple[int, str] | None:
    """(1 or 2, the cell) when the cell is a category label: 产出指标, 经济效益指标, 社会公众或服务对象满意度指标."""
    stem = name_stem(re.sub(r"[(（]\d+(?:-\d+)?(?:分[)）]|[)）]分?)$", "", squash(cell)))  # 产出指标(40-50分)
    if stem in _LEVEL1:
        return 1, cell
    if stem in _level2_names() or stem == "社会公众或服务对象满意度":
        return 2, cell
    return None


def _cells(text: str) -> list[str]:
    """The text as a stream of cells: one per line or between |, a lone 「指标」 joined to the label above
    (「经济效益」「指标」 → 经济效益指标)."""
    out: list[str] = []
    for line in text.split("\n"):
        for part in (p for piece in line.split("|") for p in _at_labels(piece)):
            cell = clean_ws(part).strip()
            if not cell:
                continue
            if cell == "指标" and out and not out[-1].endswith("指标"):
                out[-1] += "指标"
                continue
            out.append(cell)
    return out


_LABEL_SPLIT = None


def _at_labels(piece: str) -> list[str]:
    """「项目名称 X 项目负责人及电话 Y」「绩效指标 一级指标 二级指标 三级指标 指标值 备注」: a line of a form
    written with spaces, cut before each field label and header word it holds."""
    global _LABEL_SPLIT
    if _LABEL_SPLIT is None:
        words = sorted(set(_FIELD_LABELS) | {"二级指标", "三级指标", "指标值", "备注", "绩效标准", "分值", "指标解释",
                                             "指标内容"}, key=len, reverse=True)
        _LABEL_SPLIT = re.compile(r"(?:^|(?<=\s))(?=(?:" + "|".join(map(re.escape, words)) + r")(?:\s|[:：(（]|$))")
    if " " not in piece.strip():
        return [piece]
    return [p for p in _LABEL_SPLIT.split(piece) if p.strip()]


def _split_row(cell: str, values: int = 1) -> list[str]:
    """A row of cells written on one line with single spaces (产出指标 数量指标 流转土地 >=60亩): the
    category labels in front, the ``values`` value columns last, the name between (names may hold spaces)."""
    words = cell.split(" ")
    if len(words) < 2:
        return [cell]
    head = []
    while words and _category(words[0]):
        head.append(words.pop(0))
    if len(words) <= 1:
        return head + words
    tail = min(values, len(words) - 1)
    return head + [" ".join(words[:-tail]), *words[-tail:]]


# a heading naming the project's table (「3岁以下婴幼儿照护服务项目项目绩效目标」「XX项目支出绩效目标表」): the
# project's name is what precedes 「(项目)(支出)绩效目标(表)」; a numbered section label (「(一)中长期绩效目标」)
# or a period's (「年度绩效目标」) names none
_HEADING = re.compile(r"^(?P<name>.{2,80}?)(?:项目)?(?:支出)?绩效目标(?:表|申报表|审批表)?$")
_ENUMERATOR = re.compile(r"^(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．])\s*")
_NOT_A_NAME = ("中长期", "长期", "中期", "年度", "本年度", "实施期", "总体", "项目", "整体")


def _heading_name(cell: str) -> str:
    """The project a heading cell names, or ""."""
    if _ENUMERATOR.match(cell) or cell.startswith(_FIELD_LABELS):
        return ""
    m = _HEADING.match(squash(cell))
    if not m or m.group("name") in _NOT_A_NAME or _YEAR.match(m.group("name")) and "项目" not in m.group("name"):
        return ""
    name = cell[:len(m.group("name"))] if squash(cell) == cell else m.group("name")
    name += "项目" if cell[len(name):].startswith("项目") and not name.endswith("项目") else ""
    # a project's name ends as one does (「……服务项目」「……经费」) after a few characters; a value such as
    # 「全面完成年度绩效目标」「实现项目绩效目标」 does not
    stem = next((name[:-len(e)] for e in _PROJECT_ENDINGS if name.endswith(e)), "")
    return name if len(stem) >= 3 and not re.search(r"[,，。;；:：]", name) else ""


_PROJECT_ENDINGS = ("项目", "经费", "资金", "工程", "专项")


# a value cell (≥90%, 4.5, 100%, 2000元/人): never the cell right after a category label, always right
# after an indicator's name
_VALUE_LIKE = re.compile(r"^(?:[≥≤<>=]|不[低少多高]于|大于|小于)?\s*\d+(?:\.\d+)?\s*(?:%|[^\d\s]{0,4})$")


def _name_field(cells: list[str], labels: tuple[str, ...], stop: int) -> str:
    """A unit's or department's name given by a field: never a sentence (「项目单位按项目实施内容设置了11个
    指标,……指标如下:」 is prose that starts with a field's label)."""
    value = _after(cells, labels, stop)
    return "" if re.search(r"[,，。;；:：]", value) else value


_SCORE_SUFFIX = re.compile(r"[(（]\d+(?:-\d+)?(?:分[)）]|[)）]分?)$")
_SCORE = re.compile(r"^[(（]\d+(?:-\d+)?(?:分[)）]|[)）]分?)$")     # (40-50)分 under a category: its weight


def _amount(text: str) -> tuple[Decimal, str] | None:
    m = _AMOUNT.search(squash(text))
    if not m:
        return None
    return Decimal(m.group(1).replace(",", "")), m.group(2) or ""


def _money_field(cells: list[str], stop: int) -> tuple[Decimal, str] | None:
    """The project's amount: the first amount in or right after 年度资金总额 / 年度本级预算金额 / 项目总投资."""
    for k, cell in enumerate(cells[:stop]):
        if cell.startswith(("年度资金总额", "年度本级", "资金总额", "项目总投资", "项目总预算")):
            for text in (cell, *cells[k + 1:k + 3]):
                found = _amount(text)
                if found:
                    return found
    return None


def _after(cells: list[str], labels: tuple[str, ...], stop: int) -> str:
    """The value of a labelled field among the first ``stop`` cells: what follows the label in its own
    cell (项目名称 X) or the next cell."""
    for k, cell in enumerate(cells[:stop]):
        cell = _ENUMERATOR.sub("", cell)
        for label in labels:
            if cell.startswith(label):
                rest = cell[len(label):].lstrip(":： ")
                if rest.startswith(("申报表", "审批表", "表", "审核意见")):
                    continue                        # the title 绩效目标申报表, not the field 绩效目标
                rest = re.sub(r"^和成果\s*", "", rest)       # 年度主要目标和成果 (written over two lines)
                if rest:
                    return rest
                nxt = cells[k + 1] if k + 1 < stop else ""
                if nxt and not any(nxt.startswith(lab) for lab in _FIELD_LABELS):
                    return nxt
    return ""


_FIELD_LABELS = ("项目名称", "项目支出名称", "主管部门", "实施单位", "预算部门", "项目单位", "项目负责人及电话",
                 "项目负责人及联系电话", "项目负责人",
                 "资金情况", "项目资金", "年度资金总额", "年度本级", "其中", "其他资金", "年度目标",
                 "本年度绩效目标", "绩效目标", "总体目标", "项目属性", "项目期", "项目支出实施期",
                 "实施期绩效目标", "绩效指标", "一级指标", "联系电话", "填报单位", "金额单位", "项目类别",
                 "项目性质", "立项依据", "该项目支出上级资金", "项目分类", "建设周期", "业务主管部门", "项目审批",
                 "项目总体概况", "年度主要目标", "项目总预算", "当年年度预算", "财政资金预算分类")


def read_form(text: str, source: str | None = None) -> FormRead | None:
    """A 申报表 (see the module docstring), or None when the text is not one; a form whose cells ran
    together is cut at the form's labels first (``glued``)."""
    cells = _cells(text)
    read = _read_cells(cells)
    if read is None and looks_glued(cells):
        read = _read_cells(unglue(cells), glued=True)
    return read


def _read_cells(cells: list[str], glued: bool = False) -> FormRead | None:
    header = next((k for k, c in enumerate(cells) if c.startswith("一级指标")), None)
    if header is None or not (glued or any(_category(c.split(" ")[0]) for c in cells[header:])):
        return None
    name = _after(cells, ("二级项目名称",), header) or _after(cells, ("项目名称", "项目支出名称"), header) or \
        next((n for c in reversed(cells[:header]) if (n := _heading_name(c))), "")
    if not name:
        return None
    # the columns after 三级指标: 指标值 and what else the form prints (绩效标准, 备注 …)
    head = []
    for c in cells[header:header + 12]:
        head.extend(c.split(" ") if " " in c and all(w.endswith(("指标", "值", "单位", "标准", "备注", "内容", "性质",
                                                                 "方向", "方向性", "权重"))
                                                      for w in c.split(" ")) else [c])
    if glued:
        indicators = _glued_indicators(cells[header:], head, name)
    else:
        indicators = _indicators(cells[header:], head, name)
    if not indicators:
        return None
    unit_name = _name_field(cells, ("实施单位", "预算部门", "项目单位", "项目实施单位", "项目执行单位"), header)
    unit_name = _CODE.sub("", unit_name).strip()
    dept = _name_field(cells, ("主管部门", "业务主管部门", "项目主管部门"), header)
    dept = _CODE.sub("", dept).strip()
    amount = _money_field(cells, header)
    funding = _funding(cells, header)
    if amount is None and (cost := _cost_total(cells, header)) is not None:
        amount = cost, "万元"
    total = amount[0] if amount else ZERO
    if "own" in funding and _labelled(cells, ("年度资金总额", "资金总额", "项目总投资"), header) is None:
        total = funding["own"] + funding.get("upper", ZERO)     # 年度本级预算金额 + 该项目支出上级资金
    fiscal, other = _sources(cells, header, total)
    target = _after(cells, ("本年度绩效目标", "年度目标", "年度绩效目标", "年度主要目标", "绩效目标"), header)
    if target.startswith("年度总体目标完成情况"):       # 「年度目标 年度总体目标完成情况」 over the text
        at = next(k for k, c in enumerate(cells[:header]) if c.endswith("年度总体目标完成情况"))
        target = cells[at + 1] if at + 1 < header and not cells[at + 1].startswith(_FIELD_LABELS) else ""
    top = " ".join(cells[:header])
    year = next((int(m.group(1) or m.group(2)) for m in _TABLE_YEAR.finditer(top)), None) or \
        next((int(m.group(1)) for m in _YEAR.finditer(top)), None)
    long_target, target = _targets(cells, header, target)
    target = target or long_target          # a form stating one (中长期) target: the filing's target too
    project = Project(name=name, unit=unit_name or dept, total=total, fiscal=fiscal, other=other, target=target,
                      indicators=indicators, long_target=long_target, funding=funding,
                      **{f: _after(cells, labels, header) for f, labels in _PROJECT_LABELS.items()})
    filing = Filing(year=year, department=dept or unit_name, money_unit="万元", total=total,
                    units=[Unit(project.unit, total, fiscal, ZERO, other)], projects=[project],
                    profile=_profile(indicators, funding, " ".join(cells[:header])))
    filing.total_stated = False
    findings = []
    if not amount:
        findings.append(finding("IMP033", f"项目「{name}」的资金总额没有读到，已按 0 导入",
                                "在工作簿中填写总计和资金来源", project=name))
    return FormRead(filing, FORM, findings)


def _indicators(cells: list[str], head: list[str], project: str) -> list[Indicator]:
    """The indicator rows from the header on: category cells over name and value cells."""
    after_name = 1
    columns: list[str] = []
    named = next((h for h in ("三级指标", "指标内容", "指标名称") if h in head), None)
    if named:
        k = head.index(named)
        columns = []
        for h in head[k + 1:]:
            if _category(h) or not (len(h) <= 8 and re.search("值|标准|备注|单位|分值|解释|性质|方向|权重", h)):
                break
            columns.append(h)
        after_name = max(1, len([h for h in columns if h not in ("备注", "指标解释")]))
    typed = [h for h in columns if h not in ("备注", "指标解释")]
    if typed and not any(h in _TYPED for h in typed):
        typed = []
    elif typed:                          # the value's column first, then the others as printed (``_printed``)
        value_col = next((h for h in typed if h not in _VALUE_COLUMNS), typed[0])
        columns = [value_col, *[h for h in typed if h != value_col]]
    body = []
    for c in cells:
        if _END.match(c) or _heading_name(c):         # the end of the form, or the next project's heading
            break
        if _SCORE.match(c):
            continue
        row = _typed_row(c, columns) if typed and " " in c else None
        if row is not None:
            body.extend(row)
            continue
        body.extend(_split_row(c, after_name) if " " in c and re.search(r"[≥≤<>=]|\d", c) else [c])
    while body and _is_header_word(body[0]):
        body.pop(0)
    level1 = level2 = ""
    indicators: list[Indicator] = []
    k = 0
    while k < len(body):
        cell = body[k]
        cat = _category(cell)
        if cat and cat[0] == 1 and name_stem(cell) == "成本":
            nxt = _category(body[k + 1]) if k + 1 < len(body) else None
            if not (nxt and nxt[0] == 2):          # 成本指标 over 经济成本…: first level (2021); else under 产出
                cat = (2, cell)
        if cat and k + 1 < len(body) and _VALUE_LIKE.match(squash(body[k + 1])):
            cat = None                              # 「社会公众满意度」「≥90%」: an indicator of a category's name
        if cat and cat[0] == 1 and level1 and not level2 and name_stem(cat[1]) == name_stem(level1):
            cat = (2, cell)                         # 满意度指标 over 满意度指标: the second is the second level
        if cat:
            level, label = cat[0], _SCORE_SUFFIX.sub("", cat[1])
            if level == 1:
                level1, level2 = label, ""
            else:
                level2 = label
                parents = _level2_parents().get(name_stem(label), frozenset())
                if parents and name_stem(level1) not in parents:    # 社会效益 after 时效指标: the page lost the
                    level1 = ""                                     # 效益指标 cell; refresh derives it (FIL004)
            k += 1
            continue
        values = body[k + 1:k + 1 + after_name]
        if len(values) < 1 or _category(values[0]):
            k += 1                          # a lone cell: a name without value (the page was cut)
            continue
        indicators.append(Indicator(no=len(indicators) + 1, level1_code="", level1=level1, level2_code="",
                                    level2=level2, name=cell, period_value="", annual_value=values[0],
                                    project=project, **_printed(values, columns)))
        k += 1 + len([v for v in values if not _category(v)])
    return indicators


def _is_header_word(cell: str) -> bool:
    return (cell in _HEADER_WORDS or cell.startswith(("一级指标", "二级指标", "三级指标"))
            or cell in ("指标值", "指标值及单位", "绩效标准", "备注", "指标内容", "指标名称", "指标目标值", "分值", "指标解释",
                        "指标值(长期)", "指标值(年度)", "当年预期实现值"))


def _glued_indicators(cells: list[str], head: list[str], project: str) -> list[Indicator]:
    """The indicator rows of a form whose cells ran together (``glued.Rows``); 「反映……」 goes to the
    column the form prints for it (绩效标准, else 指标解释)."""
    k = 0
    while k < len(cells) and _is_header_word(cells[k]):
        k += 1
    rows = Rows(_category, category_words())
    for cell in cells[k:]:
        if _END.match(cell):
            break
        rows.read(cell)
    where = "standard" if "绩效标准" in head else "explanation"
    return [Indicator(no=n, level1_code="", level1=l1, level2_code="", level2=l2, name=name, period_value="",
                      annual_value=value, project=project, **({where: said} if said else {}))
            for n, (l1, l2, name, said, value) in enumerate(rows.rows, 1)]


# what the form prints about the project besides name, units, amounts and 年度目标: model field → labels
_PROJECT_LABELS = {"period": ("项目支出实施期", "项目实施期", "项目期", "项目起止时间", "建设周期", "实施周期"),
                   "kind": ("项目属性", "项目性质", "项目类型"), "category": ("项目类别", "项目分类"),
                   "basis": ("立项依据", "政策依据", "项目审批")}
_FUNDING_LABELS = {"own": ("年度本级",), "upper": ("该项目支出上级资金", "上级资金"), "central": ("中央补助安排",),
                   "province": ("省级财政安排",)}
_VALUE_COLUMNS = {"绩效标准": "standard", "指标解释": "explanation", "分值": "weight", "权重": "weight",
                  "指标性质": "nature", "指标方向": "direction", "指标方向性": "direction", "计量单位": "measure",
                  "度量单位": "measure"}
# the columns of a form printed by a budget system (乌海: 指标性质 指标方向 目标值 计量单位 分值): a row written on
# one line with single spaces loses its empty cells (no 计量单位 for 「出差人数 正向 = 8 4」), so its cells are told
# by what they hold, not by where they stand
_TYPED = ("指标性质", "指标方向", "指标方向性")
_DIRECTIONS = ("正向", "反向", "中性", "正向指标", "反向指标", "中性指标")
_NATURES = (*NATURE_OPS, "定性", "定量")
_NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?$")


def _typed_row(cell: str, columns: list[str]) -> list[str] | None:
    """A row of such a form (``_TYPED``) as [category cells…, name, then one cell per column of ``columns``
    (the value's first; "" where the row has none)]: 指标方向 is the word 正向/反向, 指标性质 the operator, the
    value the cell after them, 分值/权重 the last number, 计量单位 what stands between; None when the row has
    no operator or direction word (not such a row)."""
    words = cell.split(" ")
    head = []
    while words and _category(words[0]):
        head.append(words.pop(0))
    marks = [k for k, w in enumerate(words) if w in _DIRECTIONS or w in _NATURES]
    if not marks or marks[0] == 0:
        return None
    name, rest = " ".join(words[:marks[0]]), words[marks[0]:]
    got = {"direction": "", "nature": "", "weight": ""}
    while rest and (rest[0] in _DIRECTIONS or rest[0] in _NATURES):
        word = rest.pop(0)
        got["direction" if word in _DIRECTIONS else "nature"] = word
    if any(_VALUE_COLUMNS.get(h) == "weight" for h in columns) and len(rest) > 1 and _NUMBER.match(rest[-1]):
        got["weight"] = rest.pop()
    value = rest.pop(0) if rest else ""
    got["measure"] = " ".join(rest)
    return head + [name, value, *[got.get(_VALUE_COLUMNS.get(h, ""), "") for h in columns[1:]]]


def _printed(values: list[str], columns: list[str]) -> dict:
    """The indicator's cells in the columns after its value that the model holds (绩效标准, 分值)."""
    out = {}
    kept = [h for h in columns if h not in ("备注", "指标解释")]
    for h, v in zip(kept[1:], values[1:]):
        if h in _VALUE_COLUMNS and not _category(v):
            out[_VALUE_COLUMNS[h]] = v
    return out


def _targets(cells: list[str], stop: int, target: str) -> tuple[str, str]:
    """(实施期 target, 年度 target): 实施期绩效目标 X … 本年度绩效目标 Y, or the two headers
    「中期目标」「年度目标」 over their two texts."""
    long_target = _after(cells, ("实施期绩效目标", "长期目标", "中长期目标", "中长期绩效目标"), stop)
    for k, cell in enumerate(cells[:stop - 3]):
        if cell in ("中期目标", "长期目标") and cells[k + 1] == "年度目标":
            texts = [c for c in cells[k + 2:k + 4] if not c.startswith(_FIELD_LABELS)]
            if len(texts) == 2:
                return texts[0], texts[1]
    return long_target, target


def _funding(cells: list[str], stop: int) -> dict:
    """Funding by level as the form prints it: 年度本级预算金额 250万, 该项目支出上级资金 0 (万元)."""
    out = {}
    for level, labels in _FUNDING_LABELS.items():
        found = _labelled(cells, labels, stop)
        if found is not None:
            out[level] = found
    return out


_WHEREOF = re.compile(r"^其中\s*[:：]?\s*")


def _labelled(cells: list[str], labels: tuple[str, ...], stop: int) -> Decimal | None:
    """The amount (万元) of the first cell among the first ``stop`` that starts with one of ``labels``
    (after 「其中：」), written in that cell or the next; None when the form states none."""
    for k, cell in enumerate(cells[:stop]):
        cell = _WHEREOF.sub("", cell)
        label = next((lab for lab in labels if cell.startswith(lab)), None)
        if label is None:
            continue
        for text in (cell[len(label):], cells[k + 1] if k + 1 < stop else ""):
            if text.startswith(_FIELD_LABELS):
                break
            found = _amount(text)
            if found:
                return found[0] if found[1] in ("", "万", "万元") else None
        return None
    return None


def _sources(cells: list[str], stop: int, total: Decimal) -> tuple[Decimal, Decimal]:
    """(财政拨款, 其他资金) as the 资金情况 block states them (「其中：财政拨款 10」「其他资金 20万元」);
    财政拨款 is the rest of the total where the form states only 其他资金, and the total where it
    states neither (a 申报表 asks for public money)."""
    other = _labelled(cells, ("其他资金",), stop)
    fiscal = _labelled(cells, ("财政拨款",), stop)
    if fiscal is None:
        fiscal = total - other if other is not None and other <= total else total
    return fiscal, other if other is not None else ZERO


_EXECUTED = "执行数"          # the last header of a cost table (2020年实际执行数 …): its rows follow
_BASIS = ("依据", "根据", "按照", "参照", "按")


def _cost_total(cells: list[str], stop: int) -> Decimal | None:
    """The 合计 of the form's cost table (项目预算成本构成 | 金额 | 测算依据 | 前两年执行数), where the form
    states no 资金总额: the sum of the items' 金额 (the number right after each item's name, not after
    its 依据), confirmed by the 合计 row, whose figures may have run together (「合计814662.98794.55」)."""
    text = next((c for c in cells[:stop] if c.startswith("项目预算成本构成") and "合计" in c), None)
    if text is None:
        return None
    rows, _, closing = text.rpartition("合计")
    rows = rows.rpartition(_EXECUTED)[2] if _EXECUTED in rows else rows
    parts = re.findall(r"\d+(?:\.\d+)?|[^\d]+", squash(rows))
    total = ZERO
    for k, part in enumerate(parts[:-1]):
        if re.search(r"[\u4e00-\u9fff]", part) and not part.startswith(_BASIS) and parts[k + 1][0].isdigit():
            total += Decimal(parts[k + 1])
    figures = re.match(r"[\d.,]+", squash(closing))
    if figures is None or total == ZERO:
        return None
    digits = figures.group().replace(",", "")
    prefixes = (digits[:n] for n in range(1, len(digits) + 1))
    return total if any(Decimal(p) == total for p in prefixes if re.fullmatch(r"\d+(?:\.\d+)?", p)) else None


def _profile(indicators: list[Indicator], funding: dict, head: str) -> str:
    """The profile of a form: what its categories print (「满意度」 inside 效益 or 「环境效益」: 湘鄂; 成本 as a
    first-level category: 中央2021); else the amounts by level it states (预算级次: 本级资金, 上级资金 — the
    one form profile whose 项目 sheet has those columns); else the province or city its title and fields
    (``head``) name (鄂州市, 岳阳县: ``profiles.profile_by_place``; a page that lost its 一级指标 column still
    says where it is from); else 全国2015."""
    stems = {(name_stem(i.level1), name_stem(i.level2)) for i in indicators}
    if any(l2 in ("社会公众或服务对象满意度", "服务对象满意度") and l1 == "效益" for l1, l2 in stems) or \
            any(l2 == "环境效益" for _, l2 in stems):
        return "湘鄂"
    if any(l1 == "成本" for l1, _ in stems):
        return "中央2021"
    return _by_levels(funding) or profile_by_place(head, FORM) or "全国2015"


def _by_levels(funding: dict) -> str | None:
    """The one form profile (``FORM``) whose 项目 sheet has a column for every level ``funding`` states."""
    headers = {FUNDING_LEVELS[level] for level in funding}
    fits = [n for n in profile_names() if (p := load_profile(n)).layout == FORM and headers <= set(p.project_columns)]
    return fits[0] if funding and len(fits) == 1 else None


_EXPORT_HEADER = ("单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质",
                  "指标值", "度量单位", "权重", "指标方向性")


def read_export(text: str, source: str | None = None) -> FormRead | None:
    """The 一体化导出 (see the module docstring), or None when the text is not one."""
    rows = [[clean_ws(c).strip() for c in line.strip().strip("|").split("|")] for line in text.split("\n")
            if "|" in line]
    header_at = next((k for k, r in enumerate(rows) if [c for c in r if c][:4] == list(_EXPORT_HEADER[:4])
                      and "指标性质" in r), None)
    if header_at is None:
        return None
    unit = "元" if re.search(r"金额单位[:：]?\s*元", text) else "万元"
    year = next((int(m.group(1)) for m in _YEAR.finditer("\n".join(text.split("\n")[:3]))), None)
    projects: list[Project] = []
    unit_name = ""
    for r in rows[header_at + 1:]:
        cells = [c for c in r if c]
        if len(cells) < 8:
            if len(cells) == 2 and _amount(cells[1]):       # the department line: 820-马踏镇部门 | 8,827,620.53
                continue
            if len(cells) >= 6 and _category(cells[0]) and projects:
                cells = cells + [""] * (8 - len(cells))      # a row cut at its end
            else:
                continue
        ind, lead = cells[-8:], cells[:-8]
        if lead:
            if len(lead) == 4:
                unit_name = re.sub(r"^\d+-", "", lead[0])
                lead = lead[1:]
            if len(lead) == 3:
                amount = _amount(lead[1])
                total = amount[0] if amount else ZERO
                projects.append(Project(name=lead[0], unit=unit_name, total=total, fiscal=total, target=lead[2]))
        if not projects:
            continue
        l1, l2, name, nature, value, measure = ind[:6]
        p = projects[-1]
        p.indicators.append(Indicator(no=len(p.indicators) + 1, level1_code="", level1=l1, level2_code="", level2=l2,
                                      name=name, period_value="", annual_value=value, project=p.name,
                                      nature=nature, measure=measure, weight=ind[6], direction=ind[7]))
    projects = [p for p in projects if p.indicators]
    if not projects:
        return None
    total = sum((p.total for p in projects), ZERO)
    units = [Unit(n, sum((p.total for p in projects if p.unit == n), ZERO),
                  sum((p.total for p in projects if p.unit == n), ZERO))
             for n in dict.fromkeys(p.unit for p in projects)]
    filing = Filing(year=year, department=unit_name, money_unit=unit, total=total, units=units,
                    projects=projects, profile="四川")
    filing.total_stated = False
    return FormRead(filing, EXPORT)


def read_layouts(text: str, source: str | None = None) -> FormRead | None:
    """The first of the regional layouts that reads ``text``."""
    return read_export(text, source) or read_form(text, source)
