"""Each kind of fill declares its own fast test (``FillKind.may``) beside its fill (``refresh.fills.FILL_KINDS``):
``derive_fills`` runs a kind only where its test says it may, and ``may_fill`` (what ``app.review`` asks to
check a completed filing without copying it) asks the same tests. Here each kind's test is held against its
fill run without the test: on the test filings (the seed as read and as left incomplete, the real tables'
transcriptions, the demo filing) and on a targeted case per kind, where a test that says "nothing" while its
fill fills (or changes the model) fails."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pytest

from xl_tools import app
from xl_tools.model import MONEY_FIELDS, Unit
from xl_tools.money import ZERO
from xl_tools.profiles import load_profile
from xl_tools.refresh import fills as F

from .test_review_pure import _incomplete as _every_fill_to_make


def _table(filing):
    return load_profile(filing.profile or None).table(filing.code_additions)


def _state(filing) -> tuple:
    """What a fill may change in the model (the values the rules see, the raw cells), as comparable values."""
    projects = tuple((p.no, p.unit, p.total, tuple(sorted(p.raw.items(), key=str)),
                      tuple((i.no, i.level1_code, i.level1, i.level2_code, i.level2,
                             tuple(sorted(i.raw.items(), key=str)) if i.raw else ())
                            for i in p.indicators)) for p in filing.projects)
    units = tuple((u.name, *(getattr(u, f) for f in MONEY_FIELDS)) for u in filing.units)
    return projects, units, filing.total


def _pickled(filing) -> bytes:
    """The filing's every field and record, pickled; not the memos it keeps of what its names derive
    (``Filing.unit_spellings``: ``_``-named, made again when the names change)."""
    memos = {k: v for k, v in filing.__dict__.items() if k.startswith("_")}
    for k in memos:
        del filing.__dict__[k]
    try:
        return pickle.dumps(filing)
    finally:
        filing.__dict__.update(memos)


def _incomplete(seed_workbook):
    """The seed as read from its workbook with every kind of fill to make (``test_review_pure``'s, and a
    project's indicators without 序号)."""
    f = _every_fill_to_make(seed_workbook)
    for ind in f.projects[1].indicators:          # 序号 left blank
        ind.no, ind.raw["no"] = None, None
    return f


def _completed(seed_workbook):
    return app.review(app.load_filing(seed_workbook).filing).completed


def _test_filings(seed_workbook):
    from tests.support.demo_filing import demo_filing
    from tests.support.realworld import to_filing, transcriptions
    from xl_tools.workbook.template import place_as_written
    loaded = app.load_filing(seed_workbook).filing
    yield "seed", loaded
    yield "seed completed", _completed(seed_workbook)
    yield "seed incomplete", _incomplete(seed_workbook)
    yield "demo", place_as_written(demo_filing())
    for data in transcriptions():
        yield f"realworld {data['table']}", to_filing(data)


def _agrees(kind: F.FillKind, filing, owned=frozenset()) -> tuple[bool, list, bool]:
    """(the kind's test, its fills run without the test on a copy, whether that run changed the model)."""
    said = kind.may(F.Scan(filing, owned))
    copy = filing.working_copy()
    before = _state(copy)
    made = F.fill_kinds([kind], copy, _table(copy), owned)
    return said, made, _state(copy) != before


def test_every_kind_declares_its_test_and_every_fill_code_has_a_kind():
    keys = [k.key for k in F.FILL_KINDS]
    assert len(keys) == len(set(keys))
    for kind in F.FILL_KINDS:
        assert callable(kind.may), kind.key
        assert kind.fill is not None or kind.finish is not None, kind.key       # a kind does something
        assert set(kind.codes) <= set(F.FILL_LABELS), kind.key
    declared = [c for k in F.FILL_KINDS for c in k.codes]
    structure = [code for code, _label in F.STRUCTURE_FILLS.values()]      # refresh.keycolumn's
    assert sorted(declared + structure) == sorted(F.FILL_LABELS)    # each code filled by exactly one kind
    assert set(CASES) == set(keys), "a targeted case for every kind of fill (CASES below)"


def test_each_kinds_test_agrees_with_its_fill_on_the_test_filings(seed_workbook):
    """A kind whose test says it may not fill fills nothing and changes nothing; ``may_fill`` is the kinds'
    tests; ``derive_fills`` (the tests asked) fills exactly what every kind run without its test fills."""
    seen = set()
    for name, filing in _test_filings(seed_workbook):
        for owned in (frozenset(), filing.tool_filled):
            for kind in F.FILL_KINDS:
                said, made, changed = _agrees(kind, filing, owned)
                assert said or not (made or changed), (name, kind.key)
                assert {f.code for f in made} <= set(kind.codes), (name, kind.key)
                if made or changed:
                    seen.add(kind.key)
            assert F.may_fill(filing, owned) == any(k.may(F.Scan(filing, owned)) for k in F.FILL_KINDS)
            gated, ungated = filing.working_copy(), filing.working_copy()
            got = F.derive_fills(gated, _table(gated), owned)
            assert [vars(f) for f in got] == \
                [vars(f) for f in F.fill_kinds(F.FILL_KINDS, ungated, _table(ungated), owned)], name
            assert _state(gated) == _state(ungated), name
            if not F.may_fill(filing, owned):
                assert got == [] and _state(gated) == _state(filing), name
    assert seen == {k.key for k in F.FILL_KINDS}                   # the filings make every kind fill


# a targeted case per kind: an edit of the completed seed after which that kind (alone) has something to do;
# owned: the cells taken as filled by an earlier refresh
def _blank_no(f):
    f.projects[3].no = None


def _renumbered_tool_no(f):                   # a 序号 the tool filled, out of place now: renumbered
    p = f.projects[1]
    p.no = 9
    return frozenset({(p.origin.sheet, p.origin.row, p.origin.columns["no"])})


def _renumbered_with_its_rows(f):             # ... and its indicator rows naming it by 项目序号 follow it
    owned = _renumbered_tool_no(f)
    for ind in f.projects[1].indicators:
        ind.origin = replace(ind.origin, columns={**ind.origin.columns, "project_no": 20})
        ind.raw = {**ind.raw, "project_no": 9}
    return owned


def _no_unit(f):
    f.projects[2].unit = ""


def _blank_total(f):
    p = f.projects[1]
    p.total, p.raw["total"] = ZERO, None


def _blank_indicator_no(f):
    ind = f.projects[0].indicators[2]
    ind.no, ind.raw = None, {**ind.raw, "no": None}       # (a copy's indicators share their raw cells)


def _renumbered_tool_indicator_no(f):
    ind = f.projects[0].indicators[0]
    ind.no = 7
    return frozenset({(ind.origin.sheet, ind.origin.row, ind.origin.columns["no"])})


def _no_level2_code(f):
    f.projects[0].indicators[1].level2_code = ""


def _no_level1_code(f):
    ind = f.projects[2].indicators[0]
    ind.level1_code = ind.level1 = ""


def _unit_amount_not_the_sum(f):
    f.units = [replace(f.units[0], raw=dict.fromkeys(MONEY_FIELDS))] if f.units else \
        [Unit(f.projects[0].unit, raw=dict.fromkeys(MONEY_FIELDS))]
    f.units[0].fiscal += 1


def _grand_total_not_the_sum(f):
    f.total_stated = False
    f.total += 1


CASES = {
    "no": [_blank_no, _renumbered_tool_no, _renumbered_with_its_rows],
    "unit": [_no_unit],
    "total": [_blank_total],
    "ind_no": [_blank_indicator_no, _renumbered_tool_indicator_no],
    "level": [_no_level2_code, _no_level1_code],
    "sums": [_unit_amount_not_the_sum, _grand_total_not_the_sum],
}


@pytest.mark.parametrize("key", list(CASES))
def test_each_kind_says_so_on_its_own_case_and_fills_it(seed_workbook, key):
    kind = next(k for k in F.FILL_KINDS if k.key == key)
    done = _completed(seed_workbook)
    assert not F.may_fill(done)
    for other in F.FILL_KINDS:
        assert _agrees(other, done) == (False, [], False), other.key        # completed: no kind has anything
    for edit in CASES[key]:
        filing = done.working_copy()
        owned = edit(filing) or frozenset()
        said, made, changed = _agrees(kind, filing, owned)
        assert said and (made or changed), (key, edit.__name__)
        assert {f.code for f in made} <= set(kind.codes)
        assert F.may_fill(filing, owned)
        given = replace(filing, tool_filled=owned)
        before = _pickled(given)
        review = app.review(given)                                 # and review sees it too, on a copy
        assert _pickled(given) == before, (key, edit.__name__)
        assert [(f.code, f.row, f.col) for f in review.fills] == [(f.code, f.row, f.col) for f in made] or \
            not made
        if made:
            assert {f.code for f in review.fills} <= set(kind.codes)


def test_a_kind_not_asked_fills_nothing(seed_workbook):
    """``derive_fills`` runs only the kinds whose test says they may: a kind whose test is wrong would be
    skipped by refresh and review alike (the two never disagree), which the tests above catch."""
    filing = _incomplete(seed_workbook)
    only = [k for k in F.FILL_KINDS if k.key == "no"]
    copy = filing.working_copy()
    made = F.fill_kinds(only, copy, _table(copy))
    assert made and {f.code for f in made} == {"FIL001"}
    assert all(i.level2_code == "" for p in copy.projects for i in p.indicators)   # codes not filled
