"""The column schema of the batch's flat exports (docs/batch_exports.md), without pandas, and how an
export file is recognised when it lands in an inbox: a CSV whose header row is one of these tables'
columns, a Parquet file carrying the ``xl-tools`` key in its metadata (written by ``exports``)."""

from __future__ import annotations

import json
from pathlib import Path

from ..model import MONEY_FIELDS
from ..outputmark import DIFF, EXPORT, JSON, REVIEW, workbook_kind

COLUMNS = {
    "files": ["file", "path", "kind", "status", "department", "year", "unit", "projects", "indicators", "total",
              "errors", "warnings", "infos", "worst_rule", "error"],
    "findings": ["file", "unit", "severity", "code", "family", "sheet", "cell", "project", "indicator_no",
                 "field", "message", "suggestion", "same_as"],
    "consolidation": ["year", "department", "unit", "unit_name", "file", "kind", "stamp", "stamp_source",
                      "projects", *MONEY_FIELDS, "decision", "cause", "reason", "same_as"],
    "projects": ["year", "department", "unit", "file", "project", "no", *MONEY_FIELDS, "target", "indicators",
                 "decision"],
    "indicators": ["year", "department", "unit", "file", "project", "no", "level1", "level2", "name",
                   "period_value", "annual_value", "decision"],
}
PARQUET_KEY = b"xl-tools"                 # key-value metadata of an exported Parquet file
PARQUET_MAGIC = b"PAR1"
JSON_SCHEMA = "xl-tools/batch@1"          # the batch's --json output
FILING_SCHEMA = "xl-tools/filing@1"       # MODEL.md: a filing, not an output

_HEAD_BYTES = 64 * 1024
_JSON_LIMIT = 64 * 1024 * 1024


def _csv_is_export(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    line = head.decode("utf-8-sig", "replace").splitlines()[0] if head else ""
    return line.split(",") in COLUMNS.values()


def _parquet_is_export(path: Path) -> bool:
    with path.open("rb") as fh:
        if fh.read(4) != PARQUET_MAGIC:
            return False
    try:
        import pyarrow.parquet as pq  # optional dependency (the batch extra): only to read the metadata
    except ImportError:
        return path.stem in COLUMNS
    try:
        meta = pq.read_schema(path).metadata or {}
    except Exception:  # noqa: BLE001 - an unreadable Parquet file is not recognisably ours
        return False
    return PARQUET_KEY in meta


def _json_is_output(path: Path) -> bool:
    if path.stat().st_size > _JSON_LIMIT:
        return False
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return False
    if not isinstance(data, dict):
        return False
    schema = data.get("schema")
    if isinstance(schema, str):
        return schema.startswith("xl-tools/") and schema != FILING_SCHEMA
    return {"summary", "findings"} <= data.keys() or {"summary", "files"} <= data.keys()


def output_kind(path: str | Path) -> str | None:
    """What xl-tools output ``path`` is (review, diff, export, json), or None for anything else. Reads
    only the start of the file; a file it cannot read is left to the reader."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return workbook_kind(path)
        if suffix == ".csv":
            return EXPORT if _csv_is_export(path) else None
        if suffix == ".parquet":
            return EXPORT if _parquet_is_export(path) else None
        if suffix == ".json":
            return JSON if _json_is_output(path) else None
    except OSError:
        return None
    return None


__all__ = ["COLUMNS", "DIFF", "EXPORT", "JSON", "REVIEW", "output_kind"]
