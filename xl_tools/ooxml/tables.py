"""Excel tables (ListObjects, 插入 → 表格) on a generated sheet: a table part per table, related to the
sheet (``attach``; ``patch.WorkbookPatch.replace_sheet`` does it for a ``Generated`` with tables). A
table names its range, its columns (the header cells' texts, which the sheet writes) and the format a
row the person adds takes in each column (a differential format of ``styles``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..address import range_a1
from ..lazyxml import etree
from .package import Package
from .styles import Format, Styles
from .xml import MAIN, q, serialize

RT_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
_PART = re.compile(r"^xl/tables/[^/]+\.xml$")


@dataclass(frozen=True)
class Table:
    name: str                                          # also its display name (Projects, Units …)
    ref: tuple[int, int, int, int]                     # r1, c1, r2, c2: the header row and the data rows
    columns: tuple[tuple[str, Format | None], ...]     # header text, the format of its data
    style: str = "TableStyleLight9"


def table_xml(table: Table, table_id: int, styles: Styles) -> bytes:
    ref = range_a1(*table.ref)
    root = etree.Element(q("table"), {"id": str(table_id), "name": table.name, "displayName": table.name,
                                      "ref": ref, "totalsRowShown": "0"}, nsmap={None: MAIN})
    etree.SubElement(root, q("autoFilter"), ref=ref)
    holder = etree.SubElement(root, q("tableColumns"), count=str(len(table.columns)))
    for k, (header, fmt) in enumerate(table.columns, start=1):
        column = etree.SubElement(holder, q("tableColumn"), id=str(k), name=header)
        if fmt is not None and (fmt.number_format or fmt.fill or fmt.border or fmt.bold or fmt.italic or fmt.color):
            column.set("dataDxfId", str(styles.dxf_id(fmt)))
    etree.SubElement(root, q("tableStyleInfo"), name=table.style, showFirstColumn="0", showLastColumn="0",
                     showRowStripes="1", showColumnStripes="0")
    return serialize(root)


def attach(pkg: Package, sheet_part: str, tables: Sequence[Table], styles: Styles) -> list[str]:
    """Add `tables` to the sheet part `sheet_part`; returns the relationship ids its ``<tableParts>``
    names (``sheetgen.SheetSpec.tables``). A table's id is unique in the workbook: one past the
    largest id of the tables already there."""
    rids = []
    ids = [pkg.xml(n).get("id", "") for n in pkg.names() if _PART.match(n) and pkg.has(n)]
    taken = [int(i) for i in ids if i.isdigit()]
    for k, table in enumerate(tables, start=max(taken, default=0) + 1):
        part = pkg.unused_name("xl/tables/table{}.xml")
        pkg.set_bytes(part, table_xml(table, k, styles), CT_TABLE)
        rids.append(pkg.add_rel(sheet_part, RT_TABLE, part))
    return rids


def widen(pkg: Package, sheet_part: str, row: int, col: int, header: str) -> bool:
    """Take column ``col`` into the table of the sheet part ``sheet_part`` whose header row is ``row`` and
    whose last column is ``col`` - 1 (its range, its autofilter's and a new last column named ``header``,
    which the sheet's header cell holds); True when one did. Any other table, and every other byte of the
    part, is left as it is."""
    from ..address import parse_range
    for _rid, part in pkg.targets(sheet_part, RT_TABLE):
        if not pkg.has(part):
            continue
        root = pkg.xml(part)
        try:
            r1, c1, r2, c2 = parse_range(root.get("ref", ""))
        except ValueError:
            continue
        holder = root.find(q("tableColumns"))
        if r1 != row or c2 != col - 1 or holder is None or int(root.get("headerRowCount", "1")) != 1:
            continue
        if header in {c.get("name") for c in holder}:
            return False                                    # a column of that name already: not a second one
        ref = range_a1(r1, c1, r2, col)
        root.set("ref", ref)
        autofilter = root.find(q("autoFilter"))
        if autofilter is not None:
            autofilter.set("ref", range_a1(r1, c1, r2 - int(root.get("totalsRowCount", "0")), col))
        ids = [int(c.get("id")) for c in holder if (c.get("id") or "").isdigit()]
        etree.SubElement(holder, q("tableColumn"), id=str(max(ids, default=0) + 1), name=header)
        holder.set("count", str(len(holder)))
        pkg.set_bytes(part, serialize(root))
        return True
    return False
