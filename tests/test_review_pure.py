"""``app.review`` is a query: it checks the filing as refresh will complete it, on a copy, and gives the
fills beside the findings; the filing it was given is left exactly as it was."""

from __future__ import annotations

import pickle
from dataclasses import replace

from xl_tools import app
from xl_tools.model import MONEY_FIELDS, Unit
from xl_tools.money import ZERO


def _incomplete(seed_workbook):
    """The seed as read from its workbook (the cells fills go to) with every kind of fill to make: no
    序号, no unit (one stated on 基本信息 with blank amounts), a blank 总计 beside its parts, indicators
    without category codes."""
    f = app.load_filing(seed_workbook).filing
    f.units = [Unit(f.projects[0].unit or "示例单位", **dict.fromkeys(MONEY_FIELDS, ZERO))]
    f.units[0].raw = dict.fromkeys(MONEY_FIELDS)
    for p in f.projects:
        p.no, p.unit = None, ""
        for ind in p.indicators:
            ind.level1_code, ind.level2_code = "", ""
    first = f.projects[0]
    first.total, first.raw["total"] = ZERO, None
    f.total_stated = False
    return f


def test_review_leaves_its_filing_as_it_was(seed_workbook):
    filing = _incomplete(seed_workbook)
    before = pickle.dumps(filing)
    done = app.review(filing)
    assert pickle.dumps(filing) == before                              # every field, the raw cells too
    assert {f.code for f in done.fills} >= {"FIL001", "FIL002", "FIL003", "FIL004"}
    assert done.completed is not filing and done.completed.projects[0].no == 1
    assert filing.projects[0].no is None and filing.projects[0].unit == ""
    assert app.review(done.completed).fills == []                      # completed: nothing left to fill
    again = app.review(filing)                                         # the same question, the same answer
    assert [(f.code, f.at) for f in again.findings] == [(f.code, f.at) for f in done.findings]
    assert again.fills == done.fills


def test_the_completed_copy_shares_nothing_completion_changes(seed_workbook):
    filing = _incomplete(seed_workbook)
    copy = filing.working_copy()
    assert copy == filing
    for p, q in zip(filing.projects, copy.projects):
        assert p is not q and p.raw is not q.raw
        assert all(i is not j for i, j in zip(p.indicators, q.indicators))
    assert all(u is not v and u.raw is not v.raw for u, v in zip(filing.units, copy.units))


def test_the_completed_copy_has_pending_and_orphan_rows_of_its_own(seed_workbook):
    """Drafted lines not confirmed yet (``Filing.pending``) and indicators without a project are kept
    apart from the projects: the copy ``review`` completes has its own lists and records of them, so
    settling or numbering them there leaves the caller's filing untouched."""
    filing = _incomplete(seed_workbook)
    ind = filing.projects[0].indicators[0]
    filing.pending = [replace(ind, no=None)]
    filing.orphan_indicators = [replace(ind, project="没有的项目")]
    before = pickle.dumps(filing)
    done = app.review(filing).completed
    assert done.pending == filing.pending and done.orphan_indicators == filing.orphan_indicators
    assert done.pending is not filing.pending and done.pending[0] is not filing.pending[0]
    assert done.orphan_indicators is not filing.orphan_indicators
    done.pending[0].no, done.orphan_indicators[0].name = 9, "改过"
    done.pending.clear()
    assert pickle.dumps(filing) == before


def test_the_rules_run_without_collections_and_leave_what_exists_in_the_oldest_generation(seed_workbook,
                                                                                         monkeypatch):
    """``review`` checks the completed copy with the collector off (``gcpause.settled``: a young collection
    in a check of 5,000 projects walked 70,000 records of the filings and 100,000 objects the check made,
    finding nothing), then puts what exists in the oldest generation without walking it: no young
    collection is left to walk it after the check either."""
    import gc

    import xl_tools.rules as rules
    filing = app.load_filing(seed_workbook).filing
    seen = []
    real = rules.check

    def probe(completed, config=None):
        seen.append(gc.isenabled())
        return real(completed, config)

    monkeypatch.setattr(rules, "check", probe)
    assert gc.isenabled()
    done = app.review(filing)
    young = gc.get_count()[0]
    assert seen == [False] and gc.isenabled()
    oldest = {id(o) for o in gc.get_objects(2)}
    assert id(done.completed) in oldest and id(done.findings[0]) in oldest and id(filing) in oldest
    assert young < 1000                              # made since: the Review and its list
    monkeypatch.setattr(rules, "check", real)
    assert app.review(filing).findings == done.findings


def test_a_filing_with_nothing_to_fill_is_checked_without_copying_its_records(seed_workbook):
    """A completed filing (refresh filled it already: the usual one) is not copied record by record
    (``refresh.fills.may_fill``; 30,000 indicators cost 0.03 s to copy): the completed filing shares its
    projects and units, its own fields are still its own, and the findings are the same as on a copy."""
    filing = app.review(app.load_filing(seed_workbook).filing).completed
    done = app.review(filing)
    assert done.fills == []
    assert done.completed is not filing and done.completed.projects is not filing.projects
    assert all(p is q for p, q in zip(done.completed.projects, filing.projects))
    done.completed.problems = []
    done.completed.projects.clear()
    assert filing.projects and app.review(filing).findings == done.findings
    from xl_tools.rules import check
    assert check(filing.working_copy()) == done.findings            # as on a copy of every record


def test_may_fill_says_so_for_every_kind_of_fill(seed_workbook):
    """``may_fill`` is False only where ``derive_fills`` finds nothing: each kind of fill alone (a 序号, the
    only unit, a 总计 from its parts, an indicator's codes or 序号, blank unit amounts, a blank 合计) makes
    it True, and where it is False derive_fills neither fills nor changes anything."""
    from xl_tools.profiles import load_profile
    from xl_tools.refresh.fills import derive_fills, may_fill
    done = app.review(_incomplete(seed_workbook)).completed
    assert not may_fill(done)

    def changed(edit) -> bool:
        f = done.working_copy()
        edit(f)
        return may_fill(f)

    def blank_total(f):
        f.projects[1].raw["total"] = None

    def no_unit(f):
        f.projects[2].unit = ""

    def blank_units(f):                          # a unit amount left blank that is not the sum yet
        f.units[0].fiscal += 1

    def blank_grand_total(f):
        f.total += 1

    def no_code(f):
        f.projects[0].indicators[1].level2_code = ""

    def renumbered(f):
        f.projects[0].indicators[0].no = 7

    edits = [lambda f: setattr(f.projects[3], "no", None), no_unit, blank_total, no_code, renumbered, blank_units,
             blank_grand_total]
    assert all(changed(e) for e in edits)
    before = pickle.dumps(done)
    assert derive_fills(done, load_profile(done.profile or None).table(done.code_additions)) == []
    assert pickle.dumps(done) == before
