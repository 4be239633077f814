"""Flat tables of a batch for the bureau's own tools: ``batch --csv DIR`` / ``--parquet DIR``.

Five tables (the column schema is documented in docs/batch_exports.md and is ``columns.COLUMNS``):
files (one row per input file, as 汇总), findings (every finding of every file; ``same_as`` names the
counted file a copy repeats, whose rows 问题明细 collapses), consolidation (one row per file and unit,
as 合并来源, without the per-year subtotal lines), projects and indicators (every project / indicator of
every readable file, with the consolidation's decision for its file and unit: the rows whose decision is
计入 are exactly the projects of the 合并公开表 of their year).

Money is exact: CSV holds it as text with at least two decimals (``5138.68``), Parquet as a decimal
column. CSV files are UTF-8 with a byte-order mark, so Excel opens them with the Chinese intact.

CSV injection (OWASP "CSV Injection"): Excel, WPS and LibreOffice take a CSV field that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return for a formula — quoting does not prevent it — so a
project named ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` would run when a reviewer opens the export.
``csv_text`` puts a single quote before such a text in the CSV (``'=cmd|...``): the spreadsheet shows it
as text, quote included. A text that itself starts with a quote gets one too, so removing the one leading
quote of any text field that starts with one gives the raw text back. A plain signed number (``-5``,
``+3.5``, ``-10%``) is no formula and is left as it is; money and integer columns are never touched.
Parquet holds every text raw and exact.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pandas as pd

from ..catalogue import family_of
from ..errors import XlToolsError
from ..fileio import atomic_target
from ..model import MONEY_FIELDS
from ..money import CENT
from .columns import COLUMNS, PARQUET_KEY
from .consolidation import Consolidation
from .core import BatchReport
from .targets import reason

MONEY_COLUMNS = {"total", *MONEY_FIELDS}
INTEGER_COLUMNS = {"files": ("year", "projects", "indicators", "errors", "warnings", "infos"),
                   "findings": (), "consolidation": ("year", "projects"),
                   "projects": ("year", "indicators"), "indicators": ("year",)}
# Parquet: one schema whatever the batch, so two batches' files concatenate (``pyarrow.concat_tables``)
MONEY_PRECISION, MONEY_SCALE = 38, 6           # 万元 to the 元 cent (6 decimals), any amount that exists
FORMATS = ("csv", "parquet")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")     # what makes a spreadsheet read a CSV field as a formula
CSV_GUARD = "'"
_PLAIN_NUMBER = re.compile(r"[+-](?:\d+(?:\.\d*)?|\.\d+)%?")
# texts a spreadsheet opening the CSV would turn into something else: leading zeros (00123 → 123),
# trailing decimal zeros (3.50 → 3.5), exponents (1E5 → 100000), more digits than it keeps (16+),
# dates and fractions (10/12, 1-3, 2024.6.30 → dates), times (12:30), TRUE/FALSE
_RETYPED = re.compile(r"[+-]?0\d+(?:\.\d*)?|[+-]?\d*\.\d*0|[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+|\d{16,}"
                      r"|\d{1,4}[/-]\d{1,2}(?:[/-]\d{1,4})?|\d{1,4}\.\d{1,2}\.\d{1,4}|\d{1,2}:\d{2}(?::\d{2})?"
                      r"|true|false", re.IGNORECASE)


def _money(value: Decimal | None) -> Decimal | None:
    """At least two decimals, never rounded away."""
    if value is None:
        return None
    return value if value.as_tuple().exponent <= -2 else value.quantize(CENT)


def tables(report: BatchReport, cons: Consolidation) -> dict[str, pd.DataFrame]:
    """The five flat tables as data frames (money as Decimal objects, years as nullable integers)."""
    decision = {(r.file, r.unit): r.decision for r in cons.slices.itertuples()}
    copies = cons.duplicates_of()
    files, findings, projects, indicators = [], [], [], []
    for r in report.results:
        files.append({"file": r.file, "path": r.path, "kind": r.kind, "status": r.status,
                      "department": r.department, "year": r.year, "unit": r.unit, "projects": r.projects,
                      "indicators": r.indicators, "total": _money(r.total), "errors": r.errors,
                      "warnings": r.warnings, "infos": r.infos, "worst_rule": r.worst_rule, "error": r.error or ""})
        findings.extend({"file": r.file, "unit": r.unit, "severity": f.severity, "code": f.code,
                         "family": family_of(f.code), "sheet": f.sheet, "cell": f.cell, "project": f.project,
                         "indicator_no": _as_written(f.indicator_no), "field": f.field, "message": f.message,
                         "suggestion": f.suggestion, "same_as": copies.get(r.file, "")} for f in r.findings)
        if not r.readable or r.filing is None:
            continue
        for p in r.filing.projects:
            where = {"year": r.year, "department": r.department, "unit": p.unit, "file": r.file}
            state = decision.get((r.file, p.unit), "")
            projects.append({**where, "project": p.name, "no": _as_written(p.raw.get("no", p.no)),
                             **{f: _money(getattr(p, f)) for f in MONEY_FIELDS}, "target": p.target,
                             "indicators": len(p.indicators), "decision": state})
            indicators.extend({**where, "project": p.name, "no": _as_written(i.no), "level1": i.level1_label,
                               "level2": i.level2_label, "name": i.name, "period_value": i.period_value,
                               "annual_value": i.annual_value, "decision": state} for i in p.indicators)
    slices = cons.slices.assign(**{f: cons.slices[f].map(_money) for f in MONEY_FIELDS})
    out = {"files": pd.DataFrame(files, columns=COLUMNS["files"]),
           "findings": pd.DataFrame(findings, columns=COLUMNS["findings"]),
           "consolidation": slices[COLUMNS["consolidation"]].reset_index(drop=True),
           "projects": pd.DataFrame(projects, columns=COLUMNS["projects"]),
           "indicators": pd.DataFrame(indicators, columns=COLUMNS["indicators"])}
    for name in ("files", "consolidation", "projects", "indicators"):
        out[name]["year"] = out[name]["year"].astype("Int64")
    return out


def _as_written(value) -> str | None:
    """A 序号 as text, as the filing writes it (「001」 stays 「001」); None when there is none."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def csv_text(value):
    """``value`` as a CSV field a spreadsheet shows as text: a text that would start a formula (a plain
    signed number such as ``-5`` would not), that the spreadsheet would turn into a number, a date or a
    time it writes differently (``_RETYPED``: 00123, 3.50, 1E5, 10/12), or that starts with the quote
    itself gets a leading single quote; anything else unchanged."""
    if isinstance(value, str) and (value.startswith(CSV_GUARD) or value.startswith(FORMULA_START)
                                   and not _PLAIN_NUMBER.fullmatch(value) or _RETYPED.fullmatch(value.strip())):
        return CSV_GUARD + value
    return value


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as CSV fields: money as exact text (``format(d, "f")`` never uses an exponent), every
    other text through ``csv_text``."""
    return frame.assign(**{c: frame[c].map(lambda v: "" if v is None else format(v, "f"))
                           if c in MONEY_COLUMNS else frame[c].map(csv_text)
                           for c in frame.columns if c in MONEY_COLUMNS or not pd.api.types.is_numeric_dtype(frame[c])})


def require(fmt: str) -> None:
    """XlToolsError (before the batch runs) when the format's writer is not installed."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401 - optional: only --parquet needs it
        except ImportError:
            raise XlToolsError('导出 Parquet 需要安装 pyarrow：pip install "xl-tools[batch]"') from None


def arrow_schema(name: str):
    """The fixed Parquet schema of table ``name``: text as string, counts and years as int64, money as
    decimal(38, 6) — the same for every batch, so exports of two batches concatenate."""
    import pyarrow as pa  # optional dependency (checked by ``require``)

    def kind(column: str):
        if column in MONEY_COLUMNS:
            return pa.decimal128(MONEY_PRECISION, MONEY_SCALE)
        if column in INTEGER_COLUMNS[name]:
            return pa.int64()
        return pa.string()
    return pa.schema([(c, kind(c)) for c in COLUMNS[name]])


def _fixed(value: Decimal | None) -> Decimal | None:
    """Money at the Parquet scale; XlToolsError rather than a rounded amount."""
    if value is None or value != value:
        return None
    fixed = value.quantize(Decimal(1).scaleb(-MONEY_SCALE))
    if fixed != value:
        raise XlToolsError(f"金额 {value} 超过 {MONEY_SCALE} 位小数，无法无损导出为 Parquet")
    return fixed


def _write_parquet(frame: pd.DataFrame, name: str, tmp: Path) -> None:
    """A Parquet file of the fixed schema (``arrow_schema``) carrying the ``xl-tools`` key in its
    metadata, so an export dropped into an inbox is recognised (``columns.output_kind``)."""
    import pyarrow as pa  # optional dependency (checked by ``require``)
    import pyarrow.parquet as pq
    frame = frame.assign(**{c: frame[c].map(_fixed) for c in frame.columns if c in MONEY_COLUMNS})
    table = pa.Table.from_pandas(frame, schema=arrow_schema(name), preserve_index=False)
    meta = {**(table.schema.metadata or {}), PARQUET_KEY: f"batch-export/{name}".encode()}
    pq.write_table(table.replace_schema_metadata(meta), tmp)


def write_exports(report: BatchReport, cons: Consolidation, folder: str | Path, fmt: str) -> list[Path]:
    """Write the five tables into ``folder`` (created) as ``NAME.csv`` or ``NAME.parquet``, atomically;
    XlToolsError naming the file when one cannot be written."""
    require(fmt)
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise XlToolsError("导出位置应为文件夹", file=str(folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise XlToolsError(f"无法创建导出文件夹（{reason(exc)}）", file=str(folder)) from None
    written = []
    for name, frame in tables(report, cons).items():
        target = folder / f"{name}.{fmt}"
        try:
            with atomic_target(target) as tmp:
                if fmt == "csv":
                    _as_text(frame).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n")
                else:
                    _write_parquet(frame, name, tmp)
        except OSError as exc:
            raise XlToolsError(f"无法写入（{reason(exc)}）", file=str(target)) from None
        written.append(target)
    return written


def read_export(path: str | Path) -> pd.DataFrame:
    """Read a table written by ``write_exports`` back with its types (money as Decimal). A CSV text
    keeps the quote ``csv_text`` put before it (what a spreadsheet shows); Parquet has the raw text."""
    path = Path(path)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for c in frame.columns:
        if c in MONEY_COLUMNS:
            frame[c] = frame[c].map(lambda v: Decimal(v) if v != "" else None)
        elif c in INTEGER_COLUMNS.get(path.stem, ()):
            frame[c] = pd.to_numeric(frame[c].replace("", None)).astype("Int64")
    return frame
