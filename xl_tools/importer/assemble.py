"""Turn segmented, paired blocks into a ``Filing``: amounts into columns, projects into units,
indicator lists into indicators, with a finding for everything that had to be guessed or was left out.

Amount columns: a row prints only its non-blank amounts, 总计 first. With all four printed the columns
are clear; with fewer, the parts go to the columns the row's parent uses (the unit's non-zero columns
for a project, the 合计's for a unit), else to 财政拨款, 财政专户拨款, 其他资金 in that order.

Units: a project belongs to the unit row above it in the text. Projects above every unit row on their
page (their unit row may be on an earlier page, and pages may come in another order) are a "run" whose
unit is uncertain; when the units do not add up, the runs are tried on every unit and an arrangement
under which all units add up is taken (and reported).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from ..catalogue import finding
from ..findings import Finding
from ..model import MONEY_FIELDS, Filing, Indicator, Project, Unit
from ..money import ZERO
from .blocks import (
    GRAND,
    PROJECT,
    UNIT,
    ContentBlock,
    NameBlock,
    Segmented,
    describe_line,
    describe_lines,
)
from .indicatorlist import parse_items
from .pairing import Pairing

PART_FIELDS = ("fiscal", "special", "other")
_MAX_ARRANGEMENTS = 4096


@dataclass
class Assembled:
    filing: Filing
    findings: list[Finding] = field(default_factory=list)
    grand: dict[str, Decimal] | None = None
    lines: dict[str, int] = field(default_factory=dict)


def block_columns(block: NameBlock, parent: dict[str, Decimal] | None) -> dict[str, Decimal]:
    """The row's amounts by column: as read from cells when known, else as ``assign_columns``."""
    if block.columns is not None:
        return {f: (v if v is not None else ZERO) for f, v in zip(MONEY_FIELDS, block.columns)}
    return assign_columns(block.amounts, parent)


def assign_columns(amounts: list[Decimal], parent: dict[str, Decimal] | None) -> dict[str, Decimal]:
    """Printed amounts (blanks left out, 总计 first) → the four columns."""
    values = dict.fromkeys(MONEY_FIELDS, ZERO)
    if not amounts:
        return values
    if len(amounts) >= 4:
        return dict(zip(MONEY_FIELDS, amounts[:4]))
    values["total"] = amounts[0]
    parts = amounts[1:]
    used = [f for f in PART_FIELDS if parent and parent.get(f, ZERO) != ZERO]
    if len(used) < len(parts):
        used += [f for f in PART_FIELDS if f not in used]
        used = sorted(used[:len(parts)], key=PART_FIELDS.index)
    for f, v in zip(used, parts):
        values[f] = v
    return values


def _excerpt(text: str, n: int = 24) -> str:
    text = text.strip()
    return text if len(text) <= n else text[:n] + "…"


_lines_text = describe_lines


def indicators_of(content: ContentBlock, project: str, findings: list[Finding]) -> list[Indicator]:
    items = parse_items(content.indicator_text)
    out = []
    for k, item in enumerate(items, start=1):
        ind = item.indicator
        ind.project = project
        line = content.line_at(item.offset)
        if not item.ok:
            findings.append(finding(
                "IMP002", f"项目「{project}」第 {ind.no} 项绩效指标（{describe_line(line)}）无法按“序号、一级指标；二级指标；"
                f"名称；实施周期指标值:…；年度指标值:…。”拆分，原文已整段保留在指标名称中：{_excerpt(item.text, 60)}",
                "在工作簿中把该指标拆分到各列", project=project, indicator_no=ind.no, field="name", line=line))
        if ind.no != k:
            findings.append(finding(
                "IMP003", f"项目「{project}」的绩效指标序号不连续：第 {k} 项编号为 {ind.no}（{describe_line(line)}）",
                "核对原表是否漏了指标", project=project, indicator_no=ind.no, field="no", line=line))
            ind.no = k
        out.append(ind)
    if content.indicator_text and not items:
        findings.append(finding(
            "IMP001", f"项目「{project}」的绩效指标（{_lines_text(content.indicator_lines)}）无法识别："
            f"{_excerpt(content.indicator_text, 60)}", "在工作簿中手工录入该项目的绩效指标",
            project=project, field="indicators", line=content.indicator_lines[0]))
    return out


def _runs(names: list[NameBlock]) -> list[tuple[NameBlock | None, list[NameBlock]]]:
    """Projects in text order grouped into runs under the unit row above them (None: none on the page)."""
    runs: list[tuple[NameBlock | None, list[NameBlock]]] = []
    unit: NameBlock | None = None
    page = None
    for block in names:
        if block.page != page:
            page = block.page
            if block.kind == PROJECT:
                unit = None
                runs.append((None, []))
        if block.kind == UNIT:
            unit = block
            runs.append((unit, []))
        elif block.kind == PROJECT:
            if not runs:
                runs.append((unit, []))
            runs[-1][1].append(block)
    return [r for r in runs if r[1]]


def assemble(seg: Segmented, pairing: Pairing, *, year: int | None, department: str,
             source: str | None) -> Assembled:
    findings: list[Finding] = []
    grands = [n for n in seg.names if n.kind == GRAND]
    unit_blocks = [n for n in seg.names if n.kind == UNIT]
    filing = Filing(year=year, department=department, money_unit=seg.money_unit or "万元",
                    source=source)
    result = Assembled(filing, findings)

    grand = block_columns(grands[0], None) if grands else None
    if len(grands) > 1:
        findings.append(finding("IMP032", f"表中有 {len(grands)} 个合计行（{'、'.join(describe_line(g.lines[0]) for g in grands)}），"
                                "取第一个", "核对原表", field="total", line=grands[1].lines[0]))
    if grand is not None:
        filing.total = grand["total"]
        result.grand = grand
        result.lines["total"] = grands[0].lines[0]

    units: dict[int, Unit] = {}
    for block in unit_blocks:
        unit = Unit(block.name, **block_columns(block, grand))
        units[id(block)] = unit
        filing.units.append(unit)
        result.lines.setdefault("unit:" + unit.name, block.lines[-1])

    content_of = {id(p.name): p.content for p in pairing.pairs}
    for pair in pairing.pairs:
        if pair.unsure:
            findings.append(finding(
                "IMP010", f"项目「{pair.name.name}」（{_lines_text(pair.name.lines)}）与绩效目标"
                f"“{_excerpt(pair.content.target)}”（{describe_line(pair.content.first_line)}起）的配对不确定：另一种配对"
                f"的得分只低 {pair.margin:.2f}", "核对该项目的绩效目标和绩效指标是否属于它",
                project=pair.name.name, field="target", line=pair.name.lines[0]))
        elif pair.position_only:
            findings.append(finding(
                "IMP011", f"项目「{pair.name.name}」与绩效目标“{_excerpt(pair.content.target)}”（{describe_line(pair.content.first_line)}"
                "起）内容上几乎没有共同词语，按它们在文本中的位置配对", "核对该项目的绩效目标和绩效指标是否属于它",
                project=pair.name.name, field="target", line=pair.name.lines[0]))

    # projects, with their unit
    project_blocks = [n for n in seg.names if n.kind == PROJECT]
    projects: dict[int, Project] = {}
    for block in project_blocks:
        content = content_of.get(id(block))
        project = Project(name=block.name, unit="")
        projects[id(block)] = project
        result.lines.setdefault("project:" + block.name, block.lines[0])
        if content is None:
            findings.append(finding(
                "IMP012", f"项目「{block.name}」（{_lines_text(block.lines)}）没有找到属于它的绩效目标和绩效指标",
                "在工作簿中补录该项目的绩效目标和绩效指标", project=block.name, field="target",
                line=block.lines[0]))
        else:
            project.target = content.target
            project.indicators = indicators_of(content, block.name, findings)
        filing.projects.append(project)
    for content in pairing.unpaired_contents:
        orphans = indicators_of(content, "", findings)
        filing.orphan_indicators.extend(orphans)
        findings.append(finding(
            "IMP013", f"{describe_line(content.first_line)}起的绩效目标“{_excerpt(content.target)}”（{len(orphans)} 项绩效指标）"
            "没有找到对应的项目名称，未导入到任何项目", "在工作簿中把它补到所属项目", field="target",
            line=content.first_line))

    _place_in_units(result, project_blocks, unit_blocks, projects, units)
    for block in project_blocks:
        unit = next((u for u in filing.units if u.name == projects[id(block)].unit), None)
        parent = {f: getattr(unit, f) for f in MONEY_FIELDS} if unit else grand
        for f, v in block_columns(block, parent).items():
            setattr(projects[id(block)], f, v)
        projects[id(block)].funding = dict(block.funding)        # 本级资金, 上级资金 … where printed
    return result


def _place_in_units(result: Assembled, project_blocks: list[NameBlock], unit_blocks: list[NameBlock],
                    projects: dict[int, Project], units: dict[int, Unit]) -> None:
    filing, findings = result.filing, result.findings
    if not filing.units:
        if project_blocks:
            findings.append(finding("IMP024", "表中没有资金使用单位的小计行，项目的资金使用单位留空",
                                    "在工作簿中填写各项目的资金使用单位", field="unit"))
        return
    names = sorted([*project_blocks, *unit_blocks], key=lambda b: b.seq)
    runs = _runs(names)
    unit_list = filing.units
    default: list[Unit] = []
    last: Unit | None = None
    for head, members in runs:
        if head is not None:
            last = units[id(head)]
        default.append(last or unit_list[0])
    uncertain = [k for k, (head, _) in enumerate(runs) if head is None]

    def totals(choice: list[Unit]) -> dict[int, Decimal]:
        acc = {id(u): ZERO for u in unit_list}
        for (head, members), unit in zip(runs, choice):
            acc[id(unit)] += sum((b.amounts[0] for b in members if b.amounts), ZERO)
        return acc

    def fits(choice: list[Unit]) -> bool:
        acc = totals(choice)
        return all(acc[id(u)] == u.total for u in unit_list)

    choice = default
    if len(unit_list) > 1 and uncertain and not fits(default) \
            and len(unit_list) ** len(uncertain) <= _MAX_ARRANGEMENTS:
        fitting = []
        for combo in itertools.product(unit_list, repeat=len(uncertain)):
            trial = list(default)
            for k, unit in zip(uncertain, combo):
                trial[k] = unit
            if fits(trial):
                fitting.append(trial)
        if len(fitting) == 1:
            choice = fitting[0]
            moved = [runs[k][1][0].name for k in uncertain if choice[k] is not default[k]]
            if moved:
                findings.append(finding(
                    "IMP026", "按金额推断了页首项目所属的单位（文本中它们上方没有单位小计行）：" +
                    "、".join(f"「{n}」" for n in moved) + " 等", "核对这些项目的资金使用单位", field="unit"))
        elif len(fitting) > 1:
            findings.append(finding(
                "IMP027", "页首的部分项目所属单位无法确定（有多种归属都能使小计相符），按文本顺序归属",
                "核对各项目的资金使用单位", field="unit"))
    for (head, members), unit in zip(runs, choice):
        for block in members:
            projects[id(block)].unit = unit.name

