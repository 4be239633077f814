"""What the rule engine may skip without changing a finding: the promises rules make (``values_only``,
``may_find``) hold on real and varied indicators, and the engine's findings equal those of running every
rule on every indicator."""

from __future__ import annotations

import copy
import sys
from decimal import Decimal

import pytest

from benchmarks.generate import bench_filing
from xl_tools import textnorm
from xl_tools.model import Project
from xl_tools.rules import RULES, check
from xl_tools.rules.base import Context
from xl_tools.rules.config import config_for
from xl_tools.rules.engine import sort_findings

OTHER_NAMES = ["", "  ", "服务对象满意度", "资金到位率", "设备购置成本", "培训人次（%）", "投入工作人员数", "增长率",
               "因工作失误致国家资金流失事件为0", "年培训人次2", "满意度调查次数"]


def _indicators(filing):
    return [(p, i) for p in filing.projects for i in p.indicators]


@pytest.fixture(scope="module")
def varied(seed_filing_module):
    """The seed and the distinct-content 10× filing: every kind of value and category the seed has, and
    more, in one-year and multi-year projects."""
    return [seed_filing_module, bench_filing("10x")]


@pytest.fixture(scope="module")
def seed_filing_module():
    from xl_tools.jsonio import load_json

    from .conftest import SEED_JSON
    return load_json(SEED_JSON)


def _projects(project: Project) -> list[Project]:
    """The project itself and others an indicator could sit in: multi-year, one year, no money."""
    multi, one, poor = (copy.copy(project) for _ in range(3))
    multi.name, one.name, poor.name = "2023年-2026年某某项目", "某某项目", "2023年-2024年某某项目"
    poor.total = Decimal(0)
    one.total = Decimal("0.01")
    return [project, multi, one, poor]


def _same_when_renamed(filing, rules, names_of) -> int:
    """Each rule finds the same codes on the same cells on every indicator and on its copies renamed to
    each of ``names_of(its name)``; returns how many times a rule found something there."""
    ctx = Context(filing)
    keep = []                  # facts are cached by id(): keep the renamed copies alive
    found = 0
    for project, ind in _indicators(filing):
        for name in names_of(ind.name):
            renamed = copy.copy(ind)
            renamed.name = name
            keep.append(renamed)
            for rule in rules:
                here = [(f.code, f.field, f.also_fields) for f in rule.check_indicator(ctx, project, ind,
                                                                                       ctx.facts(ind))]
                there = [(f.code, f.field, f.also_fields)
                         for f in rule.check_indicator(ctx, project, renamed, ctx.facts(renamed))]
                assert here == there, (rule.code, ind.name, name)
                found += bool(here)
    return found


def test_values_only_rules_decide_without_the_name(varied):
    """A values_only rule finds the same codes on the same cells whatever the indicator is called."""
    for filing in varied:
        config = config_for(filing)
        rules = [config.make(r) for r in RULES if r.values_only]
        assert len(rules) >= 10 and all(r.content_only for r in rules)
        _same_when_renamed(filing, rules, lambda _name: OTHER_NAMES)


def _same_core(name: str) -> list[str]:
    """Other ways of writing a name that keep its core (``textnorm.name_core``): asides in brackets, spaces,
    full-width letters and digits."""
    wide = name.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F) if chr(c) not in "()"})
    return [f"{name}（附注：增长）", f"(注){name}", f" {name[:1]}\u3000{name[1:]} ", wide, f"{wide}（≥**个）"]


def test_core_only_rules_decide_on_the_core_of_the_name(varied):
    """A core_only rule finds the same codes on the same cells whatever else the name says, as long as its
    core is the same: the engine runs it once per categories, values and core."""
    found = 0
    for filing in varied:
        config = config_for(filing)
        rules = [config.make(r) for r in RULES if r.core_only]
        assert len(rules) >= 10 and all(r.content_only and not r.values_only for r in rules)
        for _project, ind in _indicators(filing):
            assert all(textnorm.name_core(n) == textnorm.name_core(ind.name) for n in _same_core(ind.name))
        found += _same_when_renamed(filing, rules, _same_core)
    assert found > 100                         # the rules do find things on these filings


def test_a_rule_that_may_not_find_finds_nothing(varied):
    """``may_find`` False for labels and values: the rule finds nothing there, whatever the name and project."""
    skipped = set()
    for filing in varied:
        config = config_for(filing)
        rules = [config.make(r) for r in RULES if "check_indicator" in r.hooks() and not r.values_only]
        ctx = Context(filing)
        keep = []
        for project, ind in _indicators(filing):
            for rule in rules:
                if rule.may_find(ctx, ctx.facts(ind)):
                    continue
                skipped.add(rule.code)
                for name in [ind.name, *OTHER_NAMES]:
                    renamed = copy.copy(ind)
                    renamed.name = name
                    keep.append(renamed)
                    for other in _projects(project):
                        assert not list(rule.check_indicator(ctx, other, renamed, ctx.facts(renamed))), \
                            (rule.code, name, other.name)
    # the shortcut is taken: the rules that say when they cannot find are skipped somewhere
    assert {"VAL004", "VAL005", "VAL008", "VAL009", "VAL010", "VAL014", "VAL019", "VAL021", "STR013",
            "STR016", "VAL017", "VAL022", "VAL023", "VAL024"} <= skipped


def _every_rule_everywhere(filing):
    """The findings of every rule's hooks on every filing, project and indicator: no shortcut at all."""
    config = config_for(filing)
    ctx = Context(filing)
    rules = [config.make(r) for r in RULES if config.enabled(r.code)]
    out = []
    for rule in rules:
        out += rule.check_filing(ctx)
    for project in filing.projects:
        for rule in rules:
            out += rule.check_project(ctx, project)
        for ind in project.indicators:
            for rule in rules:
                out += rule.check_indicator(ctx, project, ind, ctx.facts(ind))
    return sort_findings(out, filing)


@pytest.mark.parametrize("size", ["1x", "10x"])
def test_the_engine_finds_what_every_rule_everywhere_finds(size):
    for year in (2024, 2025):
        filing = bench_filing(size)
        filing.year = year
        assert check(copy.deepcopy(filing)) == _every_rule_everywhere(copy.deepcopy(filing))


def test_halfwidth_and_squash_keep_their_meaning_for_every_character():
    """``to_halfwidth`` replaces only the characters that change (a regex, not ``str.translate``), ``squash``
    and ``name_core`` remove white space with str.split: the same as translating and removing ``\\s+``, for
    every code point."""
    import re
    ws = re.compile(r"\s+")
    for cp in range(sys.maxunicode + 1):
        text = f"a{chr(cp)} b"
        translated = text.translate(textnorm._TABLE)
        assert textnorm.to_halfwidth(text) == translated, hex(cp)
        assert textnorm.squash(text) == ws.sub("", translated), hex(cp)
        half = textnorm.to_halfwidth(chr(cp))           # statements._kept: places and white space kept
        assert len(half) == 1 and half.isspace() == chr(cp).isspace(), hex(cp)
        named = f"{chr(cp)}率（{chr(cp)}）"
        assert textnorm.name_core(named) == ws.sub("", textnorm._BRACKETS.sub("", named).translate(textnorm._TABLE))


def test_a_project_cache_is_not_given_to_another_project_at_the_same_address():
    """The per-project caches of a check are keyed by id(): a project asked about and dropped (a rule's
    temporary copy) must not lend its facts or categories to the next one made at the same address."""
    filing = bench_filing("1x")
    ctx = Context(filing)
    first, second = filing.projects[0], filing.projects[1]
    assert [ctx.facts(i) for i in first.indicators] != [ctx.facts(i) for i in second.indicators]
    ctx.level_codes(copy.copy(first))              # the copy is dropped at once
    assert ctx.project_facts(copy.copy(second)) == [ctx.facts(i) for i in second.indicators]
    assert ctx.level_codes(copy.copy(second)) == ({ctx.facts(i).level1_code for i in second.indicators},
                                                   {ctx.facts(i).level2_code for i in second.indicators})


def test_a_rule_reading_beyond_the_content_is_taken_as_content_only_where_nothing_beyond_is_written(monkeypatch):
    """VAL023 reads the 指标方向性 column besides the content (``Rule.reads_beyond``): on a filing where no
    indicator has a 方向 written the engine runs it once per categories, values and name core, not on
    each of the indicators; where one has, on every indicator. Either way the findings are every rule's
    run everywhere (VAL023 finds on the 方向 here: a 反向 indicator aiming at ≥)."""
    from xl_tools.rules.meaning import TargetPointsWrongWay
    calls = []
    real = TargetPointsWrongWay.check_indicator

    def counted(self, ctx, project, ind, facts):
        calls.append(ind)
        return real(self, ctx, project, ind, facts)

    monkeypatch.setattr(TargetPointsWrongWay, "check_indicator", counted)
    filing = bench_filing("10x")
    indicators = len(filing.indicators)
    assert check(copy.deepcopy(filing)) == _every_rule_everywhere(copy.deepcopy(filing))
    calls.clear()
    check(copy.deepcopy(filing))
    assert 0 < len(calls) < indicators / 2, len(calls)
    for ind in filing.indicators[::7]:
        ind.direction = "反向指标"
    found = check(copy.deepcopy(filing))
    assert found == _every_rule_everywhere(copy.deepcopy(filing))
    assert any(f.code == "VAL023" and "表中写明是反向指标" in f.message for f in found)
    calls.clear()
    check(copy.deepcopy(filing))
    assert len(calls) > indicators / 2, len(calls)


def test_name_cores_of_many_names_at_once_are_each_names_core():
    """``textnorm.name_cores`` (one pass of each expression over the names joined) gives ``name_core`` of each:
    brackets paired within one name only, nested and unclosed ones, every width and white space, a name that
    holds the separator itself."""
    import random
    names = [i.name for p in bench_filing("10x").projects for i in p.indicators]
    odd = ["a（b（c）d）", "（x", "y）", "（", "）", "(a)(b)", " 服务 对象（%） 满意度\u3000", "ＡＢ（１）", "", "\x1cx\x1d",
           "a（b\nc）d", "a\u00a0b", "满意度(%)", "（\n）", "x\u2028y\x85"]
    rnd = random.Random(27)
    alphabet = "ab （）()\u3000\t\nＡ１，％·满意\x85\u2028"
    fuzz = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12))) for _ in range(5000)]
    for group in (names, odd, fuzz, odd + ["（a）\x00（b）"], []):
        assert textnorm.name_cores(group) == [textnorm.name_core(n) for n in group]


def test_the_facts_of_all_projects_at_once_are_those_of_one_project_at_a_time():
    """``Context.facts_of_projects`` (what the engine asks first) gives each project the facts
    ``project_facts`` gives it alone: the same values, shared by the same indicators."""
    filing = bench_filing("10x")
    one, all_at_once = Context(filing), Context(filing)
    all_at_once.facts_of_projects(filing.projects)
    first = [f for p in filing.projects for f in one.project_facts(p)]
    second = [f for p in filing.projects for f in all_at_once.project_facts(p)]
    fields = ("columns", "level1", "level2", "level1_code", "level2_code", "core", "values_key")
    assert [[getattr(f, k) for k in fields] for f in first] == [[getattr(f, k) for k in fields] for f in second]
    shared_a, shared_b = {}, {}
    assert [shared_a.setdefault(id(f), len(shared_a)) for f in first] == \
        [shared_b.setdefault(id(f), len(shared_b)) for f in second]
    ind = filing.projects[3].indicators[2]                   # one indicator asked afterwards: the same object
    assert all_at_once.facts(ind) is all_at_once.project_facts(filing.projects[3])[2]
