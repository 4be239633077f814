"""Findings: one flat list that feeds the JSON output, the 校验结果 sheet and the highlights alike."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .address import CellAddress
from .model import Origin

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ZH = {ERROR: "错误", WARNING: "警告", INFO: "提示"}
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Draft:
    """A ready indicator line for what a finding says is missing, worked out from the filing (the
    project's money and counts, its target text, the profile's standard indicator). ``refresh --draft``
    appends it to 绩效指标 marked 待确认; it counts as filled only once the person edits or confirms it."""

    level1: str                   # as the workbook writes it: 1-产出指标
    level2: str                   # 14-成本指标
    name: str                     # 三级指标
    value: str                    # both value columns: ≤14390.61元/人·年
    basis: str = ""               # how it was worked out: 330.98 万元 ÷ 230人

    @property
    def line(self) -> str:
        """As a person reads it: 14-成本指标「人均报酬标准」≤14390.61元/人·年."""
        return f"{self.level2}「{self.name}」{self.value}"

    def to_json(self) -> dict:
        return {"level1": self.level1, "level2": self.level2, "name": self.name, "value": self.value,
                "basis": self.basis}


@dataclass(slots=True)
class Finding:
    code: str
    severity: str                 # error | warning | info
    message: str                  # Chinese, with the concrete values
    suggestion: str = ""          # 建议
    sheet: str | None = None      # the sheet it is about (also when it points at no cell)
    at: CellAddress | None = None  # the cell it points at, on `sheet` (a run of cells for a fill row)
    project: str | None = None
    indicator_no: int | None = None
    field: str | None = None      # model field name: total, name, period_value, ...
    # the other cells on `sheet` the finding concerns, e.g. the 年度指标值 when a finding is about both
    # value cells holding the same text: highlighted and noted like `at`, listed once
    also: tuple[CellAddress, ...] = ()
    also_fields: tuple[str, ...] = dataclasses.field(default=(), compare=False)   # their model fields
    draft: Draft | None = dataclasses.field(default=None, compare=False)   # what to add, when missing
    line: int | None = dataclasses.field(default=None, compare=False)  # the line of an imported text it is about

    def to_json(self) -> dict:
        return {"code": self.code, "severity": self.severity, "sheet": self.sheet, "cell": self.cell,
                "project": self.project, "indicator_no": self.indicator_no, "field": self.field,
                "message": self.message, "suggestion": self.suggestion,
                "also_cells": [a.a1 for a in self.also], "draft": self.draft.to_json() if self.draft else None}

    @property
    def cell(self) -> str | None:
        """The cell as people read it ("D2", "A2:A5"), None when it points at none."""
        return self.at.a1 if self.at is not None else None

    @property
    def row(self) -> int | None:
        return self.at.row if self.at is not None else None

    @property
    def column(self) -> int | None:
        return self.at.col if self.at is not None else None

    @property
    def cells(self) -> tuple[CellAddress, ...]:
        """Every cell the finding concerns on its sheet: ``at`` first, then ``also``."""
        return ((self.at,) if self.at is not None else ()) + self.also

    @property
    def where(self) -> str:
        """Where it is, as listed for people: 项目!D2, 绩效指标!F5、G5 (both cells), or the sheet alone."""
        if self.sheet and self.at is not None:
            return f"{self.sheet}!{'、'.join(a.a1 for a in self.cells)}"
        return self.sheet or ""

    @property
    def severity_zh(self) -> str:
        return SEVERITY_ZH[self.severity]


_SUGGESTION, _DRAFT = Finding.suggestion, Finding.draft      # the slots of the two fields


def with_draft(suggestion: str, draft: Draft | None) -> str:
    """The suggestion with the drafted indicator line named in it (what the note and 校验结果 show)."""
    if draft is None:
        return suggestion
    how = f"（{draft.basis}）" if draft.basis else ""
    return f"{suggestion}；按本项目可写：{draft.line}{how}"


class DraftedLater(Finding):
    """A Finding whose ``draft``, and the ``suggestion`` that names it (``with_draft``), are worked out
    when first read: ``later()`` gives the draft (or None). A check that is counted, or listed only in
    part, does not draft the 5,000 lines a large filing asks for (0.05 s). Otherwise a Finding: equal to
    one of its own class with the same fields; pickled, copied and compared with the draft worked out."""

    __slots__ = ("_later",)

    def _settle(self) -> None:
        later = getattr(self, "_later", None)          # unset when made by replace() or unpickled
        if later is not None:
            self._later = None
            draft = later()
            _DRAFT.__set__(self, draft)
            _SUGGESTION.__set__(self, with_draft(_SUGGESTION.__get__(self), draft))

    @property
    def suggestion(self) -> str:
        self._settle()
        return _SUGGESTION.__get__(self)

    @suggestion.setter
    def suggestion(self, value: str) -> None:
        _SUGGESTION.__set__(self, value)

    @property
    def draft(self) -> Draft | None:
        self._settle()
        return _DRAFT.__get__(self)

    @draft.setter
    def draft(self, value: Draft | None) -> None:
        _DRAFT.__set__(self, value)

    def __getstate__(self):
        self._settle()
        return super().__getstate__()


def drafted_later(code: str, severity: str, message: str, suggestion: str, origin: Origin | None,
                  field_name: str | None, project: str | None, later) -> Finding:
    """``located`` of a finding whose draft ``later()`` gives when it, or the suggestion that names it, is
    first read."""
    found = located(code, severity, message, suggestion, origin, field_name, project, cls=DraftedLater)
    found._later = later
    return found


def located(code: str, severity: str, message: str, suggestion: str, origin: Origin | None, field_name: str | None,
            project: str | None = None, indicator_no: int | None = None, also: tuple[str, ...] = (),
            draft: Draft | None = None, cls: type[Finding] = Finding) -> Finding:
    """A Finding on the cell of ``field_name`` in the record at ``origin``; ``also``: the model fields of the
    other cells it concerns in the same record; ``draft``: the indicator line that would supply what is
    missing."""
    if origin is None:
        return cls(code, severity, message, suggestion, None, None, project, indicator_no, field_name, (), (), draft)
    sheet = origin.sheet
    col = origin.columns.get(field_name) if field_name else None       # Origin.column, written out: 20,000
    at = _address(CellAddress, (sheet, origin.row, col if col is not None else origin.column(), 1, 1))  # findings
    if also:
        return cls(code, severity, message, suggestion, sheet, at, project, indicator_no, field_name,
                   tuple(origin.address(f) for f in also), also, draft)
    return cls(code, severity, message, suggestion, sheet, at, project, indicator_no, field_name, (), (), draft)


_address = tuple.__new__                 # CellAddress(sheet, row, col) without its Python __new__


def summarize(findings: list[Finding]) -> dict:
    return {"errors": sum(f.severity == ERROR for f in findings),
            "warnings": sum(f.severity == WARNING for f in findings),
            "infos": sum(f.severity == INFO for f in findings)}


# A project with no amount at all (a rolled-over filing not filled in yet): a warning while filling,
# but the official table must not go out with it, as with any error (publish refuses, 公开表 is 草稿).
NO_MONEY = "AMT008"


def blocks_publishing(f: Finding) -> bool:
    """Whether ``f`` keeps the official table from being published: every error, and a project
    without any amount (``NO_MONEY``)."""
    return f.severity == ERROR or f.code == NO_MONEY


def publish_blockers(findings: list[Finding]) -> dict:
    """What keeps a filing's table from being published: ``errors`` (error findings) and
    ``no_money`` (projects without any amount that are not errors already); ``warnings`` are the
    other warnings it would be published with."""
    no_money = sum(f.code == NO_MONEY and f.severity != ERROR for f in findings)
    return {"errors": sum(f.severity == ERROR for f in findings), "no_money": no_money,
            "warnings": sum(f.severity == WARNING for f in findings) - no_money}
