"""AMT005 (a money cell typed as text) and AMT008 (a project without money) read the same thing, money typed
as text (``rules.amounts.money_as_text``): a project whose amounts read 0 but whose money cell holds text is
AMT005's, never AMT008's, and a cell of spaces is no text for either."""

from __future__ import annotations

import pytest

from xl_tools.model import MONEY_FIELDS, Filing, Project
from xl_tools.money import ZERO
from xl_tools.rules import check
from xl_tools.rules.amounts import money_as_text
from xl_tools.workbook.template import place_as_written

RAWS = [
    {},                                                  # amounts typed as 0
    dict.fromkeys(MONEY_FIELDS),                         # left blank (a rolled-over filing)
    {"total": "1,009.93"},                               # a number typed as text
    {"fiscal": "１２３"},                                 # in full-width digits
    {"total": "  "},                                     # spaces only: no text
    {"other": "\u3000"},                                 # an ideographic space only
    {"total": "=SUM(E2:G2)"},                            # a formula kept as text
    {"total": "", "special": "0.00 "},
]


@pytest.mark.parametrize("raw", RAWS, ids=[str(k) for k in range(len(RAWS))])
def test_without_money_and_typed_as_text_read_the_same_cells(raw):
    project = Project(name="项目甲", unit="单位甲", target="完成。", raw=dict(raw))
    filing = place_as_written(Filing(year=2024, department="部门", total=ZERO, projects=[project]))
    found = check(filing)
    texts = money_as_text(filing.projects[0])
    assert [f for f, _ in texts] == [f for f, v in raw.items() if isinstance(v, str) and v.strip()]
    no_money = [f for f in found if f.code == "AMT008"]
    as_text = {f.field for f in found if f.code == "AMT005"}
    assert bool(no_money) == (not texts)                 # text in a money cell: not "no money"
    assert as_text == {f for f, v in texts if not v.lstrip().startswith("=")}
