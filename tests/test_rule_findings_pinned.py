"""The rules find exactly what they found when the pinned list was made (``tests.support.findings_pin``):
every finding — code, severity, cells, project, indicator, message, 建议, draft — of generated filings
with distinct indicator contents (the benchmark's 5,000-project workbook at a smaller scale), read from
their workbooks. Work on the rules' speed must leave this list as it is."""

from __future__ import annotations

from .support.findings_pin import expected_lines, finding_lines


def test_the_rules_find_exactly_the_pinned_findings():
    got, expected = finding_lines(), expected_lines()
    first = next((k for k, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
    assert got == expected, (f"{len(got)} lines, {len(expected)} pinned; first difference at line {first + 1}:\n"
                             f"got      {got[first] if first < len(got) else '(none)'}\n"
                             f"expected {expected[first] if first < len(expected) else '(none)'}")
