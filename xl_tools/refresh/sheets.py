"""Where the tool's own sheets go: after 代码表, in this order; the state sheet last."""

from ..refs import quote_sheet
from ..schema import SHEET_CODES, SHEET_INDICATORS, SHEET_PUBLIC, SHEET_RESULTS, SHEET_STATE

OWNED_ORDER = [SHEET_CODES, SHEET_RESULTS, SHEET_PUBLIC]


def insert_index(existing: list[str], name: str) -> int:
    """Index at which to create `name` among `existing` sheet names."""
    if name == SHEET_STATE:
        return len(existing)
    if name == SHEET_CODES and SHEET_INDICATORS in existing:     # put back (``codesheet``): where the template has it
        return existing.index(SHEET_INDICATORS) + 1
    idx = OWNED_ORDER.index(name) if name in OWNED_ORDER else len(OWNED_ORDER)
    for prev in reversed(OWNED_ORDER[:idx]):
        if prev in existing:
            return existing.index(prev) + 1
    return len([s for s in existing if s != SHEET_STATE])


class Formula(str):
    """A formula built by ``link_formula``: the only strings a writer may write as a formula. Any
    other string that starts with "=" (a user's text, however it looks) is written as text."""


def link_formula(sheet: str, cell: str, text: str) -> Formula:
    """An internal hyperlink to ``sheet!cell`` as a formula (one value write covers every link of a
    sheet). The only formula the tool writes: both strings are escaped (``"`` doubled inside the
    formula's string literals, the sheet name quoted), so no name can inject an expression."""
    target = f"#{quote_sheet(sheet)}!{cell}"
    return Formula(f'=HYPERLINK("{_literal(target)}","{_literal(text)}")')


def _literal(text: str) -> str:
    return text.replace('"', '""')
