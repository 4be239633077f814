"""Drafted lines: each finding that something is missing carries the indicator that would supply it,
computed from the filing; added to the project, that line answers the finding and is clean itself."""

from __future__ import annotations

import copy

import pytest

from xl_tools.categories import split_label
from xl_tools.jsonio import load_json
from xl_tools.model import Indicator
from xl_tools.rules import check

from .conftest import SEED_JSON
from .support.rulecases import ALL_CASE_FILINGS

# a drafted line may bring the next gap to light: a cost standard per student where the filing counts no
# students (AMT010 then drafts the count itself)
NEXT_GAP = {"AMT010"}


def _with_draft(filing, f):
    filing = copy.deepcopy(filing)
    project = next(p for p in filing.projects if p.name == f.project)
    (c1, n1), (c2, n2) = split_label(f.draft.level1), split_label(f.draft.level2)
    no = len(project.indicators) + 1
    project.indicators.append(Indicator(no, c1, n1, c2, n2, f.draft.name, f.draft.value, f.draft.value,
                                        project.name))
    return filing, no


def answered(filing) -> list[str]:
    """What goes wrong when each draft of ``filing`` is added: its finding stays, or the line is flagged."""
    wrong = []
    for f in check(filing):
        if f.draft is None:
            continue
        fixed, no = _with_draft(filing, f)
        after = check(fixed)
        stays = [x for x in after if (x.code, x.project, x.indicator_no, x.field, x.message)
                 == (f.code, f.project, f.indicator_no, f.field, f.message)]
        flagged = [f"{x.code} {x.message}" for x in after
                   if x.project == f.project and x.indicator_no == no and x.code not in NEXT_GAP]
        if stays or flagged:
            wrong.append(f"{f.code} {f.project}: {f.draft.line} → {'stays' if stays else ''} {flagged}")
    return wrong


def test_the_samples_drafts_answer_their_findings():
    seed = load_json(SEED_JSON)
    drafts = [f.draft for f in check(seed) if f.draft]
    assert len(drafts) >= 15                     # every cost gap of the 13 projects, satisfaction, promises
    assert answered(seed) == []


@pytest.mark.parametrize("label, filing", ALL_CASE_FILINGS)
def test_drafts_of_every_rule_case_answer_their_findings(label, filing):
    assert answered(filing) == []


def test_a_draft_is_in_the_suggestion_and_the_json():
    seed = load_json(SEED_JSON)
    f = next(f for f in check(seed) if f.code == "STR015" and "助学金" in f.project)
    assert f.draft.line == "14-成本指标「生均资助标准」≤2000元/生"
    assert "按本项目可写：14-成本指标「生均资助标准」≤2000元/生（绩效目标写明「生均2000元」）" in f.suggestion
    assert f.to_json()["draft"] == {"level1": "1-产出指标", "level2": "14-成本指标", "name": "生均资助标准",
                                    "value": "≤2000元/生", "basis": "绩效目标写明「生均2000元」"}
    assert all(x.to_json()["draft"] is None for x in check(seed) if x.draft is None)


def test_readme_shows_the_samples_drafts():
    """README → “Drafting what is missing” lists exactly what the rules draft for the sample."""
    from .conftest import ROOT
    readme = (ROOT / "README.md").read_text("utf-8")
    for f in check(load_json(SEED_JSON)):
        if f.draft:
            short = f.project.replace("广州市机电技师学院", "").replace("市机电技师学院", "")
            row = (f"| {f.code} | {short} | {f.draft.level1}；{f.draft.level2}；{f.draft.name}；{f.draft.value} | "
                   f"{f.draft.basis} |")
            assert row in readme, row


def test_readme_shows_two_real_tables_drafts():
    """README → “Drafting what is missing” lists exactly what the rules draft for real tables 06 and 10."""
    from xl_tools.app import review

    from .conftest import ROOT
    from .support.realworld import to_filing, transcriptions
    readme = (ROOT / "README.md").read_text("utf-8")
    shown = 0
    for data in transcriptions():
        if data["table"] not in ("06", "10"):
            continue
        for f in review(to_filing(data)).findings:
            if f.draft:
                row = (f"| {f.code} | {f.project} | {f.draft.level1}；{f.draft.level2}；{f.draft.name}；{f.draft.value} | "
                       f"{f.draft.basis} |")
                assert row in readme, row
                shown += 1
    assert shown == 3


def test_drafts_of_every_real_table_answer_their_findings():
    """The real-table set (tests/realworld, 14 tables, 8 provinces, their own profiles): every drafted line,
    added to its project, answers its finding and draws none itself."""
    from xl_tools.app import complete

    from .support.realworld import to_filing, transcriptions
    drafted = 0
    for data in transcriptions():
        filing, _fills = complete(to_filing(data))          # as refresh completes it (a copy)
        drafted += sum(1 for f in check(filing) if f.draft)
        assert answered(filing) == [], data["table"]
    assert drafted >= 19


@pytest.mark.parametrize("target, name", [
    ("项目区灌溉保证率达到85%以上，农业生产条件明显改善。", "项目区灌溉保证率"),      # a Hunan trial: 「区灌溉保证率」
    ("本项目验收合格率达到95%以上。", "验收合格率"),                           # 本项目 itself is not the name
])
def test_a_promise_about_the_project_area_keeps_its_name(target, name):
    from .support.rulecases import build
    filing = build({"projects": [{"target": target}]})
    drafts = [f.draft.name for f in check(filing) if f.code == "TXT005" and f.draft]
    assert drafts == [name]


def test_drafts_are_worked_out_when_first_read(monkeypatch):
    """A check does not draft its lines until a finding's draft or suggestion is read (``DraftedLater``): a
    check that is only counted, or listed in part, does not draft the 5,000 lines of a large filing; read,
    pickled (a batch's worker), copied or compared, the finding holds the draft worked out, once."""
    import pickle
    from dataclasses import replace

    import xl_tools.rules.drafts as drafts
    import xl_tools.rules.fit as fit
    filing = load_json(SEED_JSON)
    made = []
    real = drafts.cost_draft

    def counted(*args):
        made.append(args[1].name)
        return real(*args)

    monkeypatch.setattr(fit, "cost_draft", counted)
    found = [f for f in check(filing) if f.code == "STR015"]
    assert found and made == []
    first = found[0]
    assert first.draft is not None and first.draft.line in first.suggestion and made == [first.project]
    assert first.suggestion and len(made) == 1                        # worked out once
    again = pickle.loads(pickle.dumps(found))
    assert again == found and len(made) == len(found)                 # pickling works every draft out
    assert [f.draft for f in again] == [f.draft for f in found]
    assert replace(first, code="X").draft == first.draft
    monkeypatch.setattr(fit, "cost_draft", real)
    assert [(f.suggestion, f.draft) for f in check(filing) if f.code == "STR015"] == \
        [(f.suggestion, f.draft) for f in found]
