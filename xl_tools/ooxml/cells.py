"""Cells of worksheet XML: values read from or written into ``<c>`` elements.

Reading follows openpyxl's read-only reader (the cell values the filing reader was written against):
formulas as "=…" text (shared formulas translated to their cell), numbers as int or float, dates by
their number format, shared and inline strings without phonetic runs, booleans, error codes.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from functools import lru_cache

from ..celltext import escaped as escape_text  # the one rule of what a cell stores
from ..lazyxml import etree
from ..textnorm import well_formed
from .excelvalues import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601, unescape
from .xml import MAIN, XML_SPACE, q, text_xml

C, V, F, IS, T, R, ROW = q("c"), q("v"), q("f"), q("is"), q("t"), q("r"), q("row")


def text_of(el) -> str:
    """The text of an ``<si>`` or ``<is>`` element: its plain ``<t>`` or its rich runs, never the
    phonetic guides (``<rPh>``). Excel's escapes (``_x000D_``) are decoded; a lone UTF-16 surrogate
    among them (``_xD83D_``, half an emoji) becomes U+FFFD (``textnorm.well_formed``)."""
    plain = el.find(T)
    text = (plain.text or "") if plain is not None else "".join(r.findtext(T) or "" for r in el.iterchildren(R))
    return well_formed(unescape(text)) if "_x" in text else text


def place(values: list, ids: list, col: int, value, style: int) -> None:
    """Put a cell's value and style id read in a row at its column (1-based): blanks before it padded,
    a column read again (cells out of order) taking the later cell's."""
    if col > len(values):
        pad = col - 1 - len(values)
        if pad:
            values.extend([None] * pad)
            ids.extend([0] * pad)
        values.append(value)
        ids.append(style)
    else:
        values[col - 1] = value
        ids[col - 1] = style


def _number(text: str):
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


class CellDecoder:
    """Values of ``<c>`` elements, given the shared strings and which style ids are dates."""

    def __init__(self, shared: list[str], date_styles: set[int], timedelta_styles: set[int],
                 date1904: bool = False) -> None:
        self.shared = shared
        self.date_styles = date_styles
        self.timedelta_styles = timedelta_styles
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.masters: dict[str, tuple[str, str]] = {}     # shared formula index → (ref, text)

    def value(self, c, style: int, where: str):
        """(value, cached value) of a cell: for a formula "=…" and the last computed result."""
        t = c.get("t")
        v = c.find(V)
        text = v.text if v is not None else None
        if t == "inlineStr":
            el = c.find(IS)
            cached = text_of(el) if el is not None else None
        elif text is None or text == "":
            cached = None
        elif t is None or t == "n":
            cached = self._numeric(text, style)
        elif t == "s":
            cached = self.shared[int(text)]
        elif t == "b":
            cached = text.strip() in ("1", "true")
        elif t == "d":
            cached = from_ISO8601(text)
        else:                               # str (a formula's text result), e (an error code)
            cached = text
        f = c.find(F)
        if f is None or f.get("t") == "dataTable":
            return cached, cached
        return self._formula(f, where), cached

    def _numeric(self, text: str, style: int):
        number = _number(text)
        if style in self.date_styles:
            try:
                return from_excel(number, self.epoch, timedelta=style in self.timedelta_styles)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number

    def _formula(self, f, where: str) -> str:
        text = f.text or ""
        if f.get("t") == "shared":
            si = f.get("si", "")
            if text:
                self.masters[si] = (where, text)
            elif si in self.masters:
                origin, master = self.masters[si]
                from openpyxl.formula.translate import Translator, TranslatorError  # a shared formula's copies
                try:
                    return Translator("=" + master, origin=origin).translate_formula(where)
                except TranslatorError:
                    return "=" + master
        return "=" + text


# ---------------------------------------------------------------------------------------- writing

def has_formula(c) -> bool:
    return c.find(F) is not None


def is_blank(c) -> bool:
    """A cell that holds no value and no formula (it may have a style)."""
    return c.find(V) is None and c.find(IS) is None and c.find(F) is None


def write_value(c, value) -> None:
    """Replace the value of `c` (its style stays). None or "" leaves the cell blank; text is written
    as an inline string, never as a formula."""
    if len(c):
        for child in list(c):
            c.remove(child)
    attrib = c.attrib
    for attr in ("t", "cm", "vm"):
        if attr in attrib:
            del attrib[attr]
    if type(value) is str and value:               # the common case first
        write_text(c, value)
        return
    if value is None or value == "":
        return
    if isinstance(value, bool):
        c.set("t", "b")
        etree.SubElement(c, V).text = "1" if value else "0"
        return
    if isinstance(value, (int, Decimal)) or (isinstance(value, float) and math.isfinite(value)):
        etree.SubElement(c, V).text = number_text(value)
        return
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    write_text(c, str(value))


def write_text(c, text: str) -> None:
    """Make the empty cell `c` an inline string holding `text`."""
    c.set("t", "inlineStr")
    c.append(_inline(escape_text(text)).__copy__())          # lxml copies the whole element


@lru_cache(maxsize=4096)
def _inline(text: str):
    """A detached ``<is>`` element holding the escaped `text`, to be copied (never changed itself):
    copying one is cheaper than building it, and a sheet writes the same few texts many times."""
    holder = etree.Element(C, nsmap={None: MAIN})
    t = etree.SubElement(etree.SubElement(holder, IS), T)
    if text[0].isspace() or text[-1].isspace() or "\n" in text:
        t.set(XML_SPACE, "preserve")
    t.text = text
    return holder[0]


def cell_xml(ref: str, style: str | None, value, prefix: str = "") -> str:
    """The XML of a new cell ``<c r=ref s=style>`` holding `value`: the bytes ``write_value`` and lxml
    would give, without building the element (generated sheets are written as text). `prefix` is the
    sheet's own spelling of the SpreadsheetML namespace where the cell goes ("x:" in a sheet written
    by the Open XML SDK, "" under a default namespace): a cell spelled otherwise is in no namespace
    there, and Excel, openpyxl and LibreOffice do not see it."""
    head = f'<{prefix}c r="{ref}"' if style is None else f'<{prefix}c r="{ref}" s="{style}"'
    end = f"</{prefix}c>"
    if type(value) is str and value:               # the common case first
        return head + ' t="inlineStr">' + inline_xml(value, prefix) + end
    if value is None or value == "":
        return head + "/>"
    if isinstance(value, bool):
        return head + (f' t="b"><{prefix}v>1</{prefix}v>' if value else f' t="b"><{prefix}v>0</{prefix}v>') + end
    if isinstance(value, (int, Decimal)) or (isinstance(value, float) and math.isfinite(value)):
        return f"{head}><{prefix}v>{number_text(value)}</{prefix}v>{end}"
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    return head + ' t="inlineStr">' + inline_xml(str(value), prefix) + end


@lru_cache(maxsize=4096)
def inline_xml(text: str, prefix: str = "") -> str:
    """The ``<is>`` element ``write_text`` makes for the non-empty `text`, as XML (`prefix`: the
    sheet's spelling of the namespace, see ``cell_xml``)."""
    text = escape_text(text)
    if text[0].isspace() or text[-1].isspace() or "\n" in text:
        return f'<{prefix}is><{prefix}t xml:space="preserve">' + text_xml(text) + f"</{prefix}t></{prefix}is>"
    return f"<{prefix}is><{prefix}t>" + text_xml(text) + f"</{prefix}t></{prefix}is>"


def prefix_of(el) -> str:
    """How the element `el` (in the SpreadsheetML namespace) spells that namespace: "x:" or ""."""
    return f"{el.prefix}:" if el.prefix else ""


def number_text(value) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 2 ** 53 else repr(value)
    return str(value)


def same_value(current, value) -> bool:
    """Whether a cell holding `current` (as read) already shows `value` (as it would be written)."""
    if value is None or value == "":
        return current is None or current == ""
    if isinstance(value, bool) or isinstance(current, bool):
        return type(value) is type(current) and value == current
    if isinstance(value, (int, float, Decimal)):
        return isinstance(current, (int, float)) and not isinstance(current, bool) and \
            Decimal(repr(current)) == Decimal(number_text(value))
    return isinstance(current, str) and current == str(value)
