"""The workbook part: sheets in order, their parts, visibility, defined names, new sheets."""

from __future__ import annotations

from dataclasses import dataclass

from ..lazyxml import etree
from .package import Package
from .xml import CT_WORKSHEET, MAIN, REL, RT_OFFICE_DOCUMENT, RT_WORKSHEET, q

# CT_Workbook children that come before <definedNames>
_BEFORE_NAMES = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
                 "functionGroups", "externalReferences")
EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
               b'<worksheet xmlns="' + MAIN.encode() + b'"><sheetData/></worksheet>')


@dataclass(frozen=True)
class SheetEntry:
    name: str
    part: str | None          # None for a sheet whose part is missing
    rid: str
    state: str                # visible | hidden | veryHidden
    is_worksheet: bool


class Book:
    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        docs = [t for _rid, t in pkg.targets("", RT_OFFICE_DOCUMENT)]
        self.part = docs[0] if docs else "xl/workbook.xml"
        self.root = pkg.xml(self.part)
        self._sheets: list[SheetEntry] | None = None

    # ------------------------------------------------------------------------------------- read

    def _sheets_el(self) -> etree._Element:
        el = self.root.find(q("sheets"))
        if el is None:
            raise ValueError("workbook without <sheets>")
        return el

    def sheets(self) -> list[SheetEntry]:
        if self._sheets is None:
            self._sheets = self._read_sheets()
        return list(self._sheets)

    def _read_sheets(self) -> list[SheetEntry]:
        rels = {r.id: r for r in self.pkg.rels(self.part)}
        out = []
        for el in self._sheets_el().findall(q("sheet")):
            rid = el.get(q("id", REL), "")
            rel = rels.get(rid)
            part = self.pkg.target(self.part, rid) if rel is not None else None
            out.append(SheetEntry(el.get("name", ""), part if part and self.pkg.has(part) else None, rid,
                                  el.get("state", "visible"), rel is not None and rel.type == RT_WORKSHEET))
        return out

    def sheet(self, name: str) -> SheetEntry | None:
        return next((s for s in self.sheets() if s.name == name), None)

    @property
    def date1904(self) -> bool:
        pr = self.root.find(q("workbookPr"))
        return pr is not None and pr.get("date1904") in ("1", "true")

    def defined_names(self) -> list[tuple[str, int | None, str]]:
        """(name, local sheet index or None, formula text)."""
        out = []
        holder = self.root.find(q("definedNames"))
        for el in holder.findall(q("definedName")) if holder is not None else []:
            local = el.get("localSheetId")
            out.append((el.get("name", ""), int(local) if local and local.isdigit() else None, el.text or ""))
        return out

    # ------------------------------------------------------------------------------------ write

    def add_sheet(self, name: str, index: int) -> str:
        """Create an empty worksheet `name` at position `index`; returns its part name."""
        part = self.pkg.unused_name("xl/worksheets/sheet{}.xml")
        self.pkg.set_bytes(part, EMPTY_SHEET, CT_WORKSHEET)
        rid = self.pkg.add_rel(self.part, RT_WORKSHEET, part)
        holder = self._sheets_el()
        ids = [int(s.get("sheetId")) for s in holder.findall(q("sheet")) if (s.get("sheetId") or "").isdigit()]
        el = etree.Element(q("sheet"), name=name, sheetId=str(max(ids, default=0) + 1))
        el.set(q("id", REL), rid)
        existing = holder.findall(q("sheet"))
        index = max(0, min(index, len(existing)))
        if index < len(existing):
            existing[index].addprevious(el)
        else:
            holder.append(el)
        self._shift_sheet_indexes(index)
        self.pkg.mark(self.part)
        self._sheets = None
        return part

    def _shift_sheet_indexes(self, index: int) -> None:
        """A sheet was inserted at `index`: later sheets' local names and the views move up by one."""
        holder = self.root.find(q("definedNames"))
        for el in holder.findall(q("definedName")) if holder is not None else []:
            local = el.get("localSheetId")
            if local and local.isdigit() and int(local) >= index:
                el.set("localSheetId", str(int(local) + 1))
        views = self.root.find(q("bookViews"))
        for view in views.findall(q("workbookView")) if views is not None else []:
            for attr in ("activeTab", "firstSheet"):
                value = view.get(attr)
                if value and value.isdigit() and int(value) >= index:
                    view.set(attr, str(int(value) + 1))

    def set_active(self, index: int) -> None:
        """Open the workbook at the sheet at `index` (its view's active tab)."""
        views = self.root.find(q("bookViews"))
        view = views.find(q("workbookView")) if views is not None else None
        if view is not None and view.get("activeTab") != str(index):
            view.set("activeTab", str(index))
            self.pkg.mark(self.part)

    def set_state(self, name: str, state: str) -> None:
        for el in self._sheets_el().findall(q("sheet")):
            if el.get("name") == name and el.get("state", "visible") != state:
                if state == "visible":
                    del el.attrib["state"]
                else:
                    el.set("state", state)
                self.pkg.mark(self.part)
                self._sheets = None

    def sheet_index(self, name: str) -> int:
        return [s.name for s in self.sheets()].index(name)

    def set_defined_name(self, name: str, text: str | None, local_to: str | None = None,
                         hidden: bool = False) -> None:
        """Set (text) or remove (None) a defined name, global or local to the sheet `local_to`."""
        local = str(self.sheet_index(local_to)) if local_to is not None else None
        holder = self.root.find(q("definedNames"))
        current = None
        for el in holder.findall(q("definedName")) if holder is not None else []:
            if el.get("name") == name and el.get("localSheetId") == local:
                current = el
        if text is None:
            if current is not None:
                holder.remove(current)
                if not len(holder):
                    self.root.remove(holder)
                self.pkg.mark(self.part)
            return
        if current is not None and current.text == text and (current.get("hidden") == "1") == hidden:
            return
        if holder is None:
            holder = etree.Element(q("definedNames"))
            anchor = [el for el in self.root if etree.QName(el).localname in _BEFORE_NAMES]
            anchor[-1].addnext(holder)
        if current is None:
            current = etree.Element(q("definedName"), name=name)
            if local is not None:
                current.set("localSheetId", local)
            # Excel keeps the names sorted; a new one goes before the first that sorts after it
            later = [el for el in holder.findall(q("definedName")) if el.get("name", "").lower() > name.lower()]
            if later:
                later[0].addprevious(current)
            else:
                holder.append(current)
        if hidden:
            current.set("hidden", "1")
        elif "hidden" in current.attrib:
            del current.attrib["hidden"]
        current.text = text
        self.pkg.mark(self.part)
