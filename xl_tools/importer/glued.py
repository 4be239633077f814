"""A 申报表 whose cells ran together: the text a .docx or a page converts to when the table's cell
boundaries are lost (「项目名称博物馆纪念馆…项目类型新增项目…产出指标数量指标免费开放天数=300天质量指标…」).

Nothing here knows a particular table. The text is cut by what every such form prints:

- **field labels** (项目名称, 主管部门, 项目总投资, 中央补助安排, 年度绩效目标 …) start a new cell, the
  longest label first, so 项目实施单位 is not cut into 项目 + 实施单位 and 组织实施单位 stays whole;
- from the indicator header (一级指标 …) on, **category labels** (产出指标, 数量指标, 经济成本指标,
  服务对象满意度 …: the frameworks' vocabularies) are cells of their own where a row may start — at the start
  of a line, after another label, after a value — and end the phrase value before them; a label followed at
  once by a value (「服务对象满意度%=99百分比」) is the indicator's name instead;
- an indicator's **value** is found by the value grammar: a quantity (an optional operator, a number, a
  measure word: 「=300天」「≥90%」「2280次」「=99百分比」; 「二」 before a number is the OCR reading of 「=」),
  a lone operator where the text was cut (「>」), or a qualitative phrase at the end of the run (「长远」,
  「稳步提高」, 「增加岗位」, 「不超预算」);
- 「反映……」 between a name and its value is the indicator's explanation (绩效标准 / 指标解释 column);
- a **numbered name** (「指标1:」, the template's label of each row, kept in the name) starts a row, so the
  row holds one indicator and its value is what ends it: the quantity that ends the row, else a closing
  phrase, else what follows the name's last 「。」 (「…等工作。房屋设备、设施的管理到位,…」);
- a form's title (…绩效目标表), a field label or a footnote (「注:」) after the indicators ends the table (a
  second table on the same page is not read into the first).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..valuegrammar import KNOWN_UNITS

# the labels of the form's top part, cut before wherever they stand in a run of text (longest first)
TOP_LABELS = (
    "项目名称", "项目支出名称", "一级项目名称", "二级项目名称", "主管部门", "项目主管部门", "业务主管部门",
    "实施单位", "项目实施单位", "项目执行单位", "组织实施单位", "监督管理单位", "预算部门", "项目单位",
    "项目负责人及电话", "项目负责人", "联系电话", "项目类别", "项目性质", "项目属性", "项目类型", "项目分类",
    "资金用途", "资金性质", "立项依据", "政策依据", "其他依据", "项目开始日期", "项目完成日期", "项目期",
    "项目支出实施期", "项目起止时间", "建设周期", "资金情况", "项目资金", "年度资金总额", "资金总额",
    "年度本级", "该项目支出上级资金", "上级资金", "其中", "其他资金", "项目总投资", "中央补助安排",
    "省级财政安排", "预算申报数", "项目预算成本构成", "基本情况", "项目立项必要性", "保证项目实施的制度措施",
    "项目实施计划", "需要说明的其他问题", "总体目标", "中期目标", "长期目标", "年度目标", "年度绩效目标",
    "实施期绩效目标", "本年度绩效目标", "绩效目标", "绩效指标", "一级指标", "二级指标", "三级指标", "指标内容",
    "指标值", "指标目标值", "当年预期实现值", "绩效标准", "指标解释", "备注",
)
HEADER_WORDS = ("一级指标", "二级指标", "三级指标", "指标内容", "指标目标值", "当年预期实现值", "指标值", "绩效标准",
                "指标解释", "备注")
# what follows a form's last row: its sign-off (財政部门审核意见, 填表人 …)
END_WORDS = re.compile(r"财政部门|审核意见|填表人|填报人|单位负责人|扫一扫|(?<!备)注[:：]")
# the template's label of each indicator row (安徽: 「指标1:安置小区物业费」): a row starts there
NUMBERED = re.compile(r"指标\d{1,2}[:：]")
# a field label after the indicator rows: the next form begins (its name, its units)
NEXT_FORM = ("项目名称", "一级项目名称", "二级项目名称", "项目支出名称", "主管部门", "项目主管部门", "一级指标")
TITLE = re.compile(r"绩效目标(?:申报|审批)?表")

_OPS = "≥≤=＝<>＜＞"
_UNITS = "|".join(re.escape(u) for u in sorted({*KNOWN_UNITS, "百分比", "次"}, key=len, reverse=True))
# a quantity: operator (or 二 read for =), number or range (2023.07-2024.01), measure word (元/亩 …) and
# 以上/以下; a date (2021年7月, 2021年12月底前); or an operator where the text stops
_NUMBER = r"\d+(?:\.\d+)?"
_QUANTITY = re.compile(
    rf"(?:19|20)\d{{2}}年(?:全年|年内|\d{{1,2}}月(?:\d{{1,2}}日)?)?(?:底|末)?(?:前|之前|以前)?"
    rf"|(?:[{_OPS}]=?|二(?=\d))?{_NUMBER}(?:[-~～至]{_NUMBER})?(?:(?:{_UNITS})(?:/(?:{_UNITS}|[\u4e00-\u9fff]))?)?"
    rf"(?:及?(?:以上|以下|以内))?|[{_OPS}]$")
# a qualitative value as tables write them: a degree or a direction (with what it raises), or a limit
_ADVERBS = "稳步|持续|明显|显著|逐步|有效|进一步|不断|大幅|基本|全面|继续"
_VERBS = "提高|提升|改善|增加|增长|增强|加强|减少|降低|下降|巩固|保持|扩大|完善|保障"
_OBJECTS = "岗位|水平|能力|效率|质量|收入|就业"
_QUALITATIVE = re.compile(
    rf"(?:(?:{_ADVERBS})?(?:{_VERBS}){{1,2}}(?:{_OBJECTS})?|长远|长期|优良|良好|达标|合格|显著|明显"
    rf"|不超(?:过)?(?:预算|标准|计划)|控制在预算(?:成本)?内|(?:参照|按照|严格按照|符合|满足)[^，,。；;]+)$")
# the same phrases where another name follows them in the run (「成本控制率不超预算水电气消耗下降率」):
# only limits, which never end a name
_LIMIT = re.compile(r"不超(?:过)?(?:预算|标准|计划)|控制在预算(?:成本)?内")
EXPLANATION = "反映"
# what a 绩效标准 cell says after the value (湘潭: 「≥80M」「计划标准」)
STANDARDS = re.compile(r"(?:计划|行业|历史|其他)标准")


def _cut(text: str, pattern: re.Pattern) -> list[str]:
    """``text`` cut before every match of ``pattern`` (a match at the start cuts nothing)."""
    starts = sorted({m.start() for m in pattern.finditer(text)} - {0})
    bounds = [0, *starts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]


@lru_cache(maxsize=1)
def _top_pattern() -> re.Pattern:
    words = sorted(set(TOP_LABELS), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def looks_glued(cells: list[str]) -> bool:
    """True when field labels or header words stand inside cells, glued to the text before them."""
    pattern = _top_pattern()
    return sum(1 for c in cells for m in pattern.finditer(c) if m.start() > 0) >= 2


def unglue(cells: list[str]) -> list[str]:
    """The cells, each cut before the field labels and header words it holds; a header word (一级指标,
    指标值 …) is a cell of its own."""
    pattern = _top_pattern()
    out = []
    for cell in _rejoined(cells):
        for part in _cut(cell, pattern):
            part = part.strip()
            word = next((w for w in HEADER_WORDS if part.startswith(w)), None)
            if word and part != word:
                out.extend((word, part[len(word):].strip()))
            else:
                out.append(part)
    return out


def _rejoined(cells: list[str]) -> list[str]:
    """The lines of a run-together text, a line that starts with a digit or an opening bracket joined
    to the one before: where cells ran together, a line break is where the text wrapped, and no cell
    starts that way (「政策依据甘财科」「[2022]78号」, 「项目总投资」「174.78万元」)."""
    out: list[str] = []
    for cell in cells:
        if out and re.match(r"[\d\[(（【〔]", cell):
            out[-1] += cell
        else:
            out.append(cell)
    return out


def _after_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


class Rows:
    """The indicator rows of a glued body: (一级指标, 二级指标, name, explanation, value) tuples."""

    def __init__(self, is_category, words) -> None:
        self.is_category = is_category          # text → (level, label) or None (forms._category)
        self.labels = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
        self.level1 = self.level2 = ""
        self.rows: list[tuple[str, str, str, str, str]] = []
        self.ended = False

    def read(self, cell: str) -> None:
        """One cell (a line) of the body: its rows up to the form's sign-off or the next form."""
        if self.ended or cell.startswith(NEXT_FORM):
            self.ended = True
            return
        end = END_WORDS.search(cell)
        pos, cell = 0, cell[:end.start()] if end else cell
        while pos < len(cell) and not self.ended:       # at each step a row may start: labels, then a name
            label = self._label_at(cell, pos)
            pos = pos + len(label) if label else self._indicator(cell, pos)
        self.ended = self.ended or end is not None

    def _label_at(self, cell: str, pos: int) -> str | None:
        """The category label at ``pos`` (the longest), unless a value follows it at once (then it is a name)."""
        m = self.labels.match(cell, pos)
        if not m:
            return None
        rest = cell[m.end():]
        if rest and (_QUANTITY.match(rest) or rest[0] in "%％"):
            return None
        found = self.is_category(m.group())
        if not found:
            return None
        level, label = found
        if level == 1 and label.startswith("成本"):        # 成本指标 over 经济成本…: first level; else under 产出
            below = self.labels.match(cell, m.end())
            second = self.is_category(below.group()) if below else None
            if not (second and second[0] == 2):
                level = 2
        if level == 1:
            self.level1, self.level2 = label, ""
        else:
            self.level2 = label
        return m.group()

    def _indicator(self, cell: str, pos: int) -> int:
        """Read one indicator (or two, where a limit joins them) from ``pos``; where it ends: after its
        quantity, or at the next category label when its value is a phrase."""
        label = next((m.start() for m in self.labels.finditer(cell, pos + 1)), len(cell))
        numbered = NUMBERED.match(cell, pos)
        if numbered:                    # one row up to the next label or numbered name: its value ends it
            nxt = NUMBERED.search(cell, numbered.end(), label)
            end = nxt.start() if nxt else label
            self._numbered(cell[pos:end], numbered.end() - pos)
            return end
        quantity = next((m for m in _QUANTITY.finditer(cell, pos + 1, label) if m.group()), None)
        if quantity is None:
            self._name_value(cell[pos:label])
            return label
        while (nxt := _QUANTITY.match(cell, _after_space(cell, quantity.end()), label)) and nxt.group():
            quantity = nxt                  # two quantities touching: the first is the name's (饲料库120平米)
        self._name_value(cell[pos:quantity.start()], quantity.group())
        end = quantity.end()
        standard = STANDARDS.match(cell, end)
        if standard and self.rows:
            level1, level2, name, said, value = self.rows[-1]
            self.rows[-1] = (level1, level2, name, said or standard.group(), value)
            end = standard.end()
        return end

    def _numbered(self, text: str, start: int) -> None:
        """One numbered row (「指标1:清算8个安置小区……(≥**%)。≥95%」): the value is the quantity that ends
        it, else the closing phrase, else what follows the name's last 「。」."""
        body = text.rstrip()
        last = [m for m in _QUANTITY.finditer(body, start) if m.group() and m.end() == len(body)]
        if last:
            self._emit(body[:last[-1].start()], last[-1].group())
            return
        if any(_QUALITATIVE.fullmatch(body, k) for k in range(start, len(body))):
            self._name_value(body)
            return
        stop = body.rfind("。", start)
        if 0 <= stop < len(body) - 1:
            self._emit(body[:stop + 1], body[stop + 1:])

    def _name_value(self, text: str, value: str | None = None) -> None:
        """``text`` is a name (with its 「反映……」) and ``value`` its value; without ``value``, the value is
        the qualitative phrase ending ``text``. A limit inside the name ends an indicator before it."""
        for m in _LIMIT.finditer(text):
            if 0 < m.start() and m.end() < len(text):
                self._emit(text[:m.start()], m.group())
                text = text[m.end():]
                break
        explanation = ""
        standard = STANDARDS.search(text) if value is None else None
        if standard and standard.end() == len(text) and standard.start() > 0:
            text, explanation = text[:standard.start()], standard.group()    # 优良 | 计划标准
        if EXPLANATION in text[1:]:
            at = text.index(EXPLANATION, 1)
            text, explanation = text[:at], text[at:]
        if value is None:
            for start in range(1, len(text)):
                if _QUALITATIVE.fullmatch(text, start):
                    text, value = text[:start], text[start:]
                    break
        if value is None:
            return                               # a name without a value (the page was cut)
        self._emit(text, value, explanation)

    def _emit(self, name: str, value: str, explanation: str = "") -> None:
        name = name.strip()
        if TITLE.search(name) or name.startswith(NEXT_FORM):
            self.ended = True
            return
        if name:
            self.rows.append((self.level1, self.level2, name, explanation.strip(), value.strip()))
