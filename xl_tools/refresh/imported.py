"""What an import reported, kept in the workbook it made until the person has dealt with it.

``xl-tools import`` reads a published table and reports what it could not read as it was (IMP…
findings: an indicator it could not split, a project without a target, a fragment of text it could not
place). The workbook it writes lists them in 校验结果; the person must still see them at the next
refresh, which has no import to ask. So each one is recorded on the state sheet (a ``found`` row:
its cell, a hash, the finding as JSON) and reported again by every refresh while it still holds:

- a finding about a record (an indicator, a project, a 基本信息 field) is put on that record's cell —
  highlighted, noted and linked from 校验结果 like a rule's finding — and kept while that row is as the
  import wrote it, wherever the person moved it (the row hash is found again); once the person edits
  the row, the row is theirs and the rules judge it: the finding goes;
- a finding about the table as a whole (a fragment of text, no 合计 or unit rows, units inferred from
  amounts) has no cell to edit, and nothing in the workbook tells when the person has checked it against
  the source: a 警告 or 提示 stays for the workbook's life; an 错误 (a target whose project was not
  found) stays until the data sheets change (the person has placed it), never for good, since it
  would keep the 公开表 from being published.

Refreshing right after the import therefore reports the same findings and writes nothing (the digest
counts them), on a file, in desktop Excel or in the add-in alike.
"""

from __future__ import annotations

import json
import zlib

from ..address import CellAddress
from ..catalogue import codes, family_of
from ..findings import ERROR, INFO, WARNING, Finding, located
from ..model import Filing
from ..textnorm import name_key

KIND = "found"                    # the state sheet's row kind
FAMILY = "IMP"
WHOLE = "*"                       # the hash column of a finding with no cell: the data sheets' hash
_FIELDS = ("code", "severity", "message", "suggestion", "project", "indicator_no", "field")
_INFO_FIELDS = ("year", "department", "total")


def located_on(findings: list[Finding], filing: Filing) -> list[Finding]:
    """The import's findings, each on the cell of the record it is about where the workbook has one
    (``filing``: as read from the workbook the import wrote); the others as they are. A finding names its
    project as the import's table spelled it, and the workbook's project may differ from that in spacing or
    width only: projects are looked up by ``name_key``, as ``projectlinks`` links rows to them."""
    by_name: dict[str, list] = {}
    for p in filing.projects:
        by_name.setdefault(name_key(p.name), []).append(p)
    out = []
    for f in findings:
        origin, field = None, f.field
        if f.project is not None:
            projects = by_name.get(name_key(f.project), [])
            if len(projects) == 1:                   # same-named projects: which one is not known
                p = projects[0]
                if f.indicator_no is not None:
                    ind = next((i for i in p.indicators if i.no == f.indicator_no), None)
                    origin = ind.origin if ind is not None else None
                else:
                    origin = p.origin
                    field = f.field if origin is not None and f.field in origin.columns else "name"
        elif f.field in _INFO_FIELDS:
            origin = filing.total_origin if f.field == "total" else filing.info_origins.get(f.field)
        if origin is None or f.sheet is not None:
            out.append(f)
            continue
        placed = located(f.code, f.severity, f.message, f.suggestion, origin, field, f.project, f.indicator_no)
        placed.line = f.line
        out.append(placed)
    return out


def whole_hash(rows: dict[str, dict[int, str]]) -> str:
    """One hash of the data sheets' rows (``rows``: sheet → row → row hash), their order left out:
    moving rows is not changing them."""
    text = "\x1e".join(f"{sheet}\x1f" + ",".join(sorted(hashes.values())) for sheet, hashes in sorted(rows.items()))
    return f"{zlib.crc32(text.encode('utf-8')):08x}"


def state_rows(findings: list[Finding], rows: dict[str, dict[int, str]]) -> list[list]:
    """The state sheet's rows recording ``findings`` (an import's, located): kind, sheet, cell, the
    hash it is kept by (its row's, or ``WHOLE`` + the data sheets'), the finding as JSON."""
    whole = WHOLE + whole_hash(rows)
    out = []
    for f in findings:
        record = json.dumps({k: getattr(f, k) for k in _FIELDS}, ensure_ascii=False)
        if f.at is not None:
            out.append([KIND, f.sheet, f.cell, rows.get(f.sheet, {}).get(f.row, ""), record])
        else:
            out.append([KIND, f.sheet, None, whole, record])
    return out


def record_of(text: object) -> dict | None:
    """A ``found`` row's finding (JSON), when it is one an import reports: an IMP code, a severity, plain
    fields of the right kinds."""
    try:
        data = json.loads(text) if isinstance(text, str) and len(text) <= 8000 else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("code") not in codes() or family_of(data["code"]) != FAMILY:
        return None
    if data.get("severity") not in (ERROR, WARNING, INFO) or not isinstance(data.get("message"), str):
        return None
    for key, kind in (("suggestion", str), ("project", str), ("field", str), ("indicator_no", int)):
        if data.get(key) is not None and (not isinstance(data[key], kind) or isinstance(data[key], bool)):
            return None
    return data


def carried(recorded: list[tuple], now: dict[str, dict[int, str]]) -> list[Finding]:
    """The recorded findings (``State.found``: (sheet, row, column, hash, record)) that still hold, on
    the cells they are on now (``now``: sheet → row → row hash, as the workbook is read)."""
    whole: list[str] = []                                  # the data sheets' hash, when first needed
    where: dict[str, dict[str, list[int]]] = {}            # per sheet: row hash → rows now
    out = []
    for sheet, row, col, kept_by, data in recorded:
        at = None
        if row is None:
            if data["severity"] == ERROR:
                whole = whole or [WHOLE + whole_hash(now)]
                if kept_by != whole[0]:
                    continue                          # the data changed since: the person placed it
        else:
            if sheet not in where:
                where[sheet] = {}
                for r, h in now.get(sheet, {}).items():
                    where[sheet].setdefault(h, []).append(r)
            rows = where[sheet].get(kept_by) if kept_by else None
            if not rows:
                continue                              # the row was edited or deleted: the person's now
            at = CellAddress(sheet, min(rows, key=lambda r: (abs(r - row), r)), col)
        out.append(Finding(data["code"], data["severity"], data["message"], data.get("suggestion") or "",
                           sheet, at, data.get("project"), data.get("indicator_no"), data.get("field")))
    return out


def kept_in(state, keys, view) -> list[Finding]:
    """What the last refresh's ``state`` keeps of an import's findings and still holds (``carried``), the
    rows of ``view`` told apart by ``keys`` (``marks.RowKeys``, as read)."""
    if not state.found:
        return []
    return carried(state.found, {n: keys.hashes(view, n) for n in keys.columns if n in view.sheetnames})
