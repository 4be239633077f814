"""STR: every project has a target and a sound set of indicators, under the right categories."""

from __future__ import annotations

from functools import partial
from itertools import count
from operator import attrgetter, eq
from typing import Iterable, Iterator

from ..categories import CONFLICT, EMPTY, UNKNOWN
from ..findings import ERROR, WARNING, Draft, Finding
from ..model import Indicator, Project
from ..profiles import profile_names
from ..projectlinks import CONFLICT as LINK_CONFLICT
from ..projectlinks import MISSING, PROJECT_NO, SHARED, Link, ProjectLinks
from ..similarity import best_matches
from ..textnorm import name_key, without_years
from .base import Context, Facts, Rule
from .drafts import draft, promise_draft
from .fit import satisfaction_misfiled
from .statements import statements


class TargetMissing(Rule):
    """A project has no 绩效目标 text.

    为什么：每个项目都必须填报绩效目标（财预〔2015〕88号），没有目标的项目会被退回。

    错误示例：
        项目「实训设备维修维护工作经费项目」，绩效目标：（空）

    正确示例：
        绩效目标：保障实训教学、竞赛训练安全有序进行，设备完好率在95%以上，维护维修验收合格率100%。
    """

    code = "STR001"
    title = "项目没有绩效目标"
    default_severity = ERROR
    basis = ("G-TARGET",)
    name = "structure.target_missing"

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        if ctx.squash(project.target):
            return ()                      # run on every project: a tuple, not a generator (as below)
        return (self.at_project(project, "target", "绩效目标为空",
                                "用一两句话写明项目年度要完成的产出和达到的效果，尽量量化"),)


class IndicatorsMissing(Rule):
    """A project has no 绩效指标.

    为什么：绩效目标要细化为可衡量的绩效指标，没有指标的项目无法审核，也无法做绩效监控和评价。

    错误示例：
        项目「国家助学金补助资金项目」在绩效指标表中没有任何一行

    正确示例：
        1-产出指标；12-质量指标；助学金工作对象认定准确率；100%
    """

    code = "STR002"
    title = "项目没有绩效指标"
    default_severity = ERROR
    basis = ("G-INDICATORS",)
    name = "structure.indicators_missing"

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        return () if project.indicators else self._missing(ctx, project)

    def _missing(self, ctx: Context, project: Project) -> Iterator[Finding]:
        old = ctx.once("renamed_from", renamed_from).get(id(project))
        if old:
            name, count = old
            yield self.at_project(project, "name",
                                  f"该项目没有任何绩效指标；绩效指标表中有 {count} 个指标的项目名称是「{name}」，"
                                  "可能是改名前的项目名称",
                                  f"把绩效指标表中的项目名称「{name}」改为「{project.name}」")
            return
        yield self.at_project(project, "name", "该项目没有任何绩效指标",
                              "在绩效指标表中为该项目填写产出、效益和满意度指标")




class _Presence(Rule):
    level1 = ""
    level2 = ""          # a second-level role that counts too (a framework filing 满意度 under 效益)
    label = ""
    advice = ""

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        if not project.indicators:
            return ()
        level1, level2 = ctx.level_codes(project)
        if self.level1 in level1 or (self.level2 and self.level2 in level2):
            return ()
        return (self.at_project(project, "name", f"该项目没有{self.label}", self.advice,
                                draft=partial(self.draft_for, ctx, project)
                                if type(self).draft_for is not _Presence.draft_for else None),)

    def draft_for(self, ctx: Context, project: Project) -> Draft | None:
        """The line that would supply the missing category, when the filing says what it is."""
        return None


def _promised(ctx: Context, project: Project, effect: bool) -> Draft | None:
    """The first promise of the target text that makes an indicator of the kind asked for (an effect, or
    an output); worked out once per distinct target text in a check."""
    text = ctx.squash(project.target)
    seen = ctx.once("promised", lambda _ctx: {})
    key = (text, effect)
    if key not in seen:
        seen[key] = _first_promise(ctx, text, effect)
    return seen[key]


def _first_promise(ctx: Context, text: str, effect: bool) -> Draft | None:
    for st in statements(text):
        found = promise_draft(ctx, st, text)
        if found is None or "满意" in found.name or found.level1.endswith("效益指标") != effect:
            continue
        if effect or not found.level2.endswith(("时效指标", "成本指标")):
            return found
    return None


class OutputMissing(_Presence):
    """A project has no 产出指标 (level 1 code 1).

    为什么：产出指标说明花钱做成了什么（数量、质量、时效、成本），是绩效目标的核心。

    错误示例：
        只有 2-效益指标 和 3-满意度指标

    正确示例：
        1-产出指标；11-数量指标；新增监控前端数量；291个
    """

    code = "STR003"
    title = "缺少产出指标"
    default_severity = WARNING
    basis = ("G-INDICATORS",)
    name = "structure.output_missing"
    level1, label = "1", "产出指标"
    advice = "补充产出指标，说明项目完成的数量、质量或时效"

    def draft_for(self, ctx: Context, project: Project) -> Draft | None:
        return _promised(ctx, project, effect=False)


class OutcomeMissing(_Presence):
    """A project has no 效益指标 (level 1 code 2).

    为什么：效益指标说明项目带来的经济、社会、生态或可持续影响，产出和效益都应有。

    错误示例：
        只有 1-产出指标 和 3-满意度指标

    正确示例：
        2-效益指标；22-社会效益；安全生产事故发生数；0次
    """

    code = "STR004"
    title = "缺少效益指标"
    default_severity = WARNING
    basis = ("G-INDICATORS", "G-OUTCOME",)
    name = "structure.outcome_missing"
    level1, label = "2", "效益指标"
    advice = "补充效益指标，说明项目带来的社会、经济或可持续影响"

    def draft_for(self, ctx: Context, project: Project) -> Draft | None:
        return _promised(ctx, project, effect=True)


class SatisfactionMissing(_Presence):
    """A project has no 满意度指标 (level 1 code 3).

    为什么：服务对象满意度是常规的绩效指标，多数项目都应设置；确实没有服务对象的项目可以说明理由。
    项目有满意度指标、只是归在产出或效益下时不报（STR013 报告归类）。

    依据：有的项目确无服务对象，可说明理由。

    错误示例：
        只有 1-产出指标 和 2-效益指标

    正确示例：
        3-满意度指标；31-服务对象满意度；服务对象满意度；≥90%
    """

    code = "STR005"
    title = "缺少满意度指标"
    default_severity = WARNING
    basis = ("G-INDICATORS", "G-SATISFACTION",)
    name = "structure.satisfaction_missing"
    level1, level2, label = "3", "31", "满意度指标"
    advice = "补充服务对象满意度指标，例如“服务对象满意度 ≥90%”"
    config_keys = {"draft_name": "服务对象满意度", "draft_value": "≥90%"}

    def draft_for(self, ctx: Context, project: Project) -> Draft | None:
        """The standard survey indicator of the profile (draft_name, draft_value)."""
        return draft(ctx, "satisfaction", self.options["draft_name"], self.options["draft_value"],
                     "规则配置中的满意度指标")

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        found = super().check_project(ctx, project)
        if found and any(satisfaction_misfiled(ctx, f) for f in ctx.project_facts(project)):
            return ()                               # it has one, filed elsewhere: STR013 says so
        return found


class OutputWithoutQuantityOrQuality(Rule):
    """The 产出指标 include neither 11-数量指标 nor 12-质量指标.

    为什么：产出应从数量、质量两方面细化；只有时效或成本指标时，看不出做了多少、做得怎样。

    错误示例：
        1-产出指标；13-时效指标；响应时间；平均≤6秒（该项目唯一的产出指标）

    正确示例：
        另加 1-产出指标；11-数量指标；系统功能访问量；＞100000次
    """

    code = "STR006"
    title = "产出指标缺少数量或质量指标"
    default_severity = WARNING
    basis = ("G-INDICATORS",)
    name = "structure.output_without_quantity_quality"

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        level1, level2 = ctx.level_codes(project)
        if "1" not in level1 or level2 & _QUANTITY_QUALITY:
            return ()
        return (self.at_project(project, "name", "产出指标中既没有数量指标也没有质量指标",
                                "补充 11-数量指标 或 12-质量指标", draft=_promised(ctx, project, effect=False)),)


_QUANTITY_QUALITY = frozenset({"11", "12"})
_NO, _CORE = attrgetter("no"), attrgetter("core")


class CategoryMismatch(Rule):
    """A category code contradicts its name, or a level 2 sits under another level 1.

    为什么：公开表按“一级指标；二级指标”打印，编码与名称不符或二级指标挂错一级指标，
    公开出去就是错的，审核也无法按类别汇总。

    错误示例：
        1-产出指标；22-社会效益；……（社会效益属于 2-效益指标）

    正确示例：
        2-效益指标；22-社会效益；……
    """

    code = "STR007"
    title = "指标类别编码与名称或上级不符"
    default_severity = ERROR
    basis = ("G-CATEGORIES",)
    content_only = True
    values_only = True
    name = "structure.category_mismatch"

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        l1, l2 = facts.level1, facts.level2
        for field, res, label in (("level1", l1, "一级指标"), ("level2", l2, "二级指标")):
            if res.status == CONFLICT:
                yield self.at_indicator(
                    project.name, ind, field,
                    f"{label}「{res.raw}」的编码 {res.code} 与名称「{res.name}」不一致",
                    f"按代码表改为「{res.category.label}」或更正编码")
        if l1.category and l2.category and l2.category.parent != l1.category.code:
            parent = ctx.table.get(l2.category.parent or "")
            yield self.at_indicator(
                project.name, ind, "level2",
                f"二级指标「{l2.category.label}」不属于一级指标「{l1.category.label}」",
                f"一级指标应为「{parent.label if parent else l2.category.parent}」，"
                f"或另选「{l1.category.label}」下的二级指标")


class CategoryUnknown(Rule):
    """A category is blank or not in the code table.

    为什么：类别来自规则配置的指标类别框架（广东2015、中央2021、湘鄂申报表……）和工作簿「代码表」中
    补充的类别。空白或都没有的类别无法归类和公开；各地表式不同，所以默认只提示为警告。

    错误示例：
        一级指标「5-管理指标」

    正确示例：
        一级指标「1-产出指标」，二级指标「12-质量指标」
    """

    code = "STR008"
    title = "指标类别为空或不在代码表中"
    default_severity = WARNING
    basis = ("G-CATEGORIES",)
    content_only = True
    values_only = True
    name = "structure.category_unknown"

    def check_indicator(self, ctx: Context, project: Project, ind: Indicator,
                        facts: Facts) -> Iterator[Finding]:
        l1, l2 = facts.level1, facts.level2
        for field, res, label in (("level1", l1, "一级指标"), ("level2", l2, "二级指标")):
            if res.status == EMPTY:
                yield self.at_indicator(project.name, ind, field, f"{label}为空",
                                        f"从下拉列表中选择{label}")
            elif res.status == UNKNOWN:
                yield self.at_indicator(project.name, ind, field, f"{label}「{res.raw}」不在代码表中",
                                        f"从下拉列表中选择{label}{self._or(ctx)}")

    @staticmethod
    def _or(ctx: Context) -> str:
        """The way forward beside the dropdown: what this workbook's profile lets the accountant do."""
        others = [n for n in profile_names() if n != ctx.profile.name]
        region = f"；本地区表式不同时，在「基本信息」的规则配置中选择对应的配置（{'、'.join(others)}）"
        if ctx.profile.code_additions:
            return f"，或在「代码表」中补充该类别（一级指标写在 A 列，二级指标写在所属一级指标的列下）{region}"
        return region


class Numbering(Rule):
    """Indicator numbers within a project run 1, 2, …, n.

    为什么：公开表的绩效指标是编号列表（1、2、3……），序号跳号、重号或空缺时，打印出来的列表就乱了。
    序号由刷新自动填写时，插入、删除或排序行后刷新会自动重新编号；人工填写的序号工具不改动，
    本规则一次列出所有需要改的单元格。

    错误示例：
        序号 1、2、4

    正确示例：
        序号 1、2、3
    """

    code = "STR009"
    title = "指标序号不连续"
    default_severity = WARNING
    basis = ("G-FORM",)
    name = "structure.numbering"

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        if all(map(eq, map(_NO, project.indicators), count(1))):
            return ()                      # numbered in order (the usual case): no list, no generator
        return self._misnumbered(ctx, project)

    def _misnumbered(self, ctx: Context, project: Project) -> Iterator[Finding]:
        wrong = [(pos, ind) for pos, ind in enumerate(project.indicators, 1) if ind.no != pos]
        got = "、".join("空" if i.no is None else str(i.no) for i in project.indicators)
        changes = [f"{ind.origin.cell('no')} 改为 {pos}" if ind.origin is not None else f"第 {pos} 个改为 {pos}"
                   for pos, ind in wrong]
        listed = "、".join(changes[:10]) + ("……" if len(changes) > 10 else "")
        first = self.at_indicator(project.name, wrong[0][1], "no",
                                  f"指标序号应依次为 1～{len(project.indicators)}，实际为 {got}"
                                  f"（{len(wrong)} 个序号不对）",
                                  f"清空序号后刷新即可自动编号（或逐个修改：{listed}）")
        sheet = first.sheet
        first.also = tuple(dict.fromkeys(ind.origin.address("no") for _pos, ind in wrong[1:]
                                         if ind.origin is not None and ind.origin.sheet == sheet))
        first.also_fields = ("no",) * len(first.also)
        yield first


class DuplicateIndicator(Rule):
    """The same indicator name appears twice in one project.

    为什么：同一项目里重复的三级指标多是复制粘贴遗留，重复计数也会让目标显得更多。
    产出指标在效益指标下又写一遍的，由 STR014 说明（效益重复产出），这里不再重复报告。

    错误示例：
        3 服务对象满意度 ≥90%；4 服务对象满意度 ≥90%

    正确示例：
        只保留一条“服务对象满意度 ≥90%”，或把第二条改为不同的服务对象
    """

    code = "STR010"
    title = "同一项目中指标重复"
    default_severity = WARNING
    basis = ("G-FORM",)
    name = "structure.duplicate_indicator"

    def check_project(self, ctx: Context, project: Project) -> Iterable[Finding]:
        facts = ctx.project_facts(project)
        if len(set(map(_CORE, facts))) == len(facts):
            return ()                                 # no name core twice (the usual case): no generator
        return self._twice(ctx, project, facts)

    def _twice(self, ctx: Context, project: Project, facts: list[Facts]) -> Iterator[Finding]:
        seen: dict[str, tuple] = {}
        for ind, fact in zip(project.indicators, facts):
            key = fact.core                           # name_core, worked out once per content
            if not key:
                continue
            first, first_facts = seen.setdefault(key, (ind, fact))
            restated = len(key) >= 2 and {first_facts.level1_code, fact.level1_code} == {"1", "2"}
            if first is not ind and not restated:                # an output restated as 效益: STR014
                yield self.at_indicator(project.name, ind, "name",
                                        f"三级指标「{ind.name}」与第 {first.no} 个指标重复",
                                        "删除重复的指标，或改为不同的指标名称")


class OrphanIndicator(Rule):
    """An indicator row names a project that is not on the 项目 sheet.

    为什么：绩效指标按项目名称挂到项目上。名称对不上（改了项目名、多了空格以外的字、删了项目）时，
    这些指标不会出现在公开表中。有同名项目时按「项目序号」列区分：没有填写项目序号、或项目序号与项目名称
    不是同一个项目时，工具不猜测，同样报告。

    错误示例：
        绩效指标表中项目名称「机电技师学院免学费补助项目」，项目表中为「市机电技师学院免学费财政补助项目」

    正确示例：
        两处的项目名称完全一致（可从下拉列表选择）
    """

    code = "STR011"
    title = "指标所属项目不在项目表中"
    default_severity = ERROR
    basis = ("G-FORM",)
    name = "structure.orphan_indicator"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        renamed = ctx.once("renamed_to", renamed_to)
        links = ctx.once("project_links", project_links)
        for ind in ctx.filing.orphan_indicators:
            link = links.link(ind.project, ind.raw.get("project_no"))
            if link.how in (SHARED, LINK_CONFLICT):
                yield self._unclear(ind, link)
                continue
            new = renamed.get(name_key(ind.project))
            if new is not None:
                yield self.at_indicator(ind.project, ind, "project",
                                        f"项目表中没有「{ind.project}」；项目可能已改名为「{new.name}」，"
                                        "请同时修改本表的项目名称",
                                        f"把本行的项目名称改为「{new.name}」（可从下拉列表选择）")
                continue
            if not ind.project.strip():
                yield self.at_indicator(ind.project, ind, "project",
                                        f"该指标（{ind.name}）没有填写项目名称，不会公开",
                                        "从下拉列表选择项目名称；项目名称是合并单元格时，请取消合并并在每行填写")
                continue
            yield self.at_indicator(ind.project, ind, "project",
                                    f"项目表中没有名为「{ind.project}」的项目，该指标（{ind.name}）不会公开",
                                    "从下拉列表选择正确的项目名称，或在项目表中补充该项目")


    def _unclear(self, ind: Indicator, link: Link) -> Finding:
        """A row whose name several projects share (no 项目序号 to tell which), or whose 项目序号 names a
        project of another name."""
        keyed = ind.origin is not None and "project_no" in ind.origin.columns
        numbers = "或".join(_project_no_text(p) for p in link.named)
        if link.how == SHARED:
            units = "、".join(dict.fromkeys(p.unit for p in link.named if p.unit))
            said = f"，序号 {ind.raw['project_no']} 不是其中任何一个" if ind.raw.get("project_no") not in (None, "") else ""
            message = (f"项目表中有 {len(link.named)} 个名为「{ind.project}」的项目" + (f"（{units}）" if units else "")
                       + f"{said}，无法确定该指标（{ind.name}）属于哪一个，不会公开")
            where = f"在本行「{PROJECT_NO}」列" if keyed else f"在本表右侧加一列，表头写「{PROJECT_NO}」，在本行"
            return self.at_indicator(ind.project, ind, "project_no" if keyed else "project", message,
                                     f"{where}填写所属项目在「项目」表中的序号（{numbers}）")
        other = link.numbered
        message = (f"本行项目名称「{ind.project}」与项目序号 {ind.raw.get('project_no')}（项目「{other.name}」）"
                   f"不是同一个项目，该指标（{ind.name}）不会公开")
        fix = f"项目改过名时，把本行项目名称改为「{other.name}」（可从下拉列表选择）；否则把项目序号改为"
        fix += f"「{ind.project}」的序号（{numbers}）" if link.named else "所属项目在「项目」表中的序号"
        return self.at_indicator(ind.project, ind, "project_no", message, fix)


def _project_no_text(p: Project) -> str:
    """How a project is named by its 序号 in a suggestion: 「4」, or its row when it has none yet."""
    if p.no not in (None, ""):
        return str(p.no)
    return f"项目表第 {p.origin.row} 行的序号" if p.origin is not None else "其序号"


def project_links(ctx: Context) -> ProjectLinks:
    return ProjectLinks(ctx.filing.projects)


RENAME_SIMILARITY = 85       # Indel ratio (similarity.ratio) (years left out) from which a name counts as edited


def renamed_to(ctx: Context) -> dict[str, Project]:
    """The project each orphan indicators' project name (by ``name_key``) was probably renamed to: the
    name differs only in its years (2025年… → 2026年…) or by a small edit. Projects still without
    indicators are preferred; no guess when two remain equally likely."""
    links = ctx.once("project_links", project_links)
    orphan_names = {name_key(i.project) for i in ctx.filing.orphan_indicators
                    if name_key(i.project) and links.link(i.project, i.raw.get("project_no")).how == MISSING}
    if not orphan_names:
        return {}
    keys = [without_years(p.name) for p in ctx.filing.projects]
    by_key: dict[str, list[Project]] = {}
    for key, project in zip(keys, ctx.filing.projects):
        by_key.setdefault(key, []).append(project)
    out = {}
    for name in orphan_names:
        key = without_years(name)
        found = by_key.get(key) if key else None
        if not found:
            hits = best_matches(key, keys, RENAME_SIMILARITY)
            top = max((score for _, score, _ in hits), default=None)
            found = [ctx.filing.projects[k] for _, score, k in hits if score == top]
        empty = [p for p in found if not p.indicators]
        found = empty or found
        if len(found) == 1:
            out[name] = found[0]
    return out


def renamed_from(ctx: Context) -> dict[int, tuple[str, int]]:
    """id(project) → (the old name its orphan indicators still carry, how many), from ``renamed_to``."""
    renamed = ctx.once("renamed_to", renamed_to)
    out: dict[int, tuple[str, int]] = {}
    for ind in ctx.filing.orphan_indicators:
        project = renamed.get(name_key(ind.project))
        if project is not None:
            name, count = out.get(id(project), (ind.project, 0))
            out[id(project)] = (name, count + 1)
    return out


class DuplicateProject(Rule):
    """Two projects of one unit have the same name.

    为什么：公开表按单位列出项目，同一单位下两个同名项目会让读者分不清；不同单位各有一个同名项目
    （如两所学校各有「校园安保经费」）可以分清，不报告。同名项目的指标用「绩效指标」的「项目序号」列区分。

    错误示例：
        同一单位的项目表中两行都叫「校园信息化设备运维项目」

    正确示例：
        「2023年-2024年校园信息化设备运维项目」和「2024年-2025年校园信息化设备运维项目」
    """

    code = "STR012"
    title = "项目名称重复"
    default_severity = ERROR
    basis = ("G-FORM",)
    name = "structure.duplicate_project"

    def check_filing(self, ctx: Context) -> Iterator[Finding]:
        seen: set[tuple[str, str]] = set()
        for project, unit in zip(ctx.filing.projects, ctx.filing.units_of_projects()):
            key = (unit, name_key(project.name))
            if key in seen:
                yield self.at_project(project, "name", f"项目名称「{project.name}」重复",
                                      "合并重复的项目，或修改名称使其可以区分")
            seen.add(key)
