"""styles.xml: number formats of cell styles (for reading), and the few styles the patcher needs,
appended once and found again on every later run (an identical font, fill, border, number format or
cell format already in the file is reused, never added twice)."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from functools import lru_cache

from ..lazyxml import etree
from .excelvalues import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from .xml import MAIN, parse, q, serialize

_BUILTIN_IDS = {code: k for k, code in BUILTIN_FORMATS.items()}
FIRST_CUSTOM_FORMAT = 164
EXCEL_MAX_FORMATS = 65_490       # cell formats Excel keeps; past it, it "repairs" the file and drops formatting
# CT_Font and CT_Xf children in the order Excel writes them
_FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz",
               "color", "name", "family", "charset", "scheme")
_XF_ATTRS = ("numFmtId", "fontId", "fillId", "borderId", "xfId", "quotePrefix", "pivotButton",
             "applyNumberFormat", "applyFont", "applyFill", "applyBorder", "applyAlignment",
             "applyProtection")
# the sections of a stylesheet in schema order
_SECTIONS = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
             "tableStyles", "colors", "extLst")
MINIMAL = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<styleSheet xmlns="' + MAIN.encode()
           + b'"><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
           b'<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
           b'patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/>'
           b'<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
           b'borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
           b'borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
           b'builtinId="0"/></cellStyles></styleSheet>')


@dataclass(frozen=True)
class Format:
    """The look of a generated cell; every field left at its default keeps the workbook's default."""

    font: str | None = None           # font family, e.g. 宋体
    size: float | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False
    color: str | None = None          # font colour RRGGBB
    fill: str | None = None           # solid fill RRGGBB
    horizontal: str | None = None     # left | center | right
    vertical: str | None = None       # top | center | bottom
    wrap: bool = False
    indent: int = 0
    border: bool = False              # thin box
    number_format: str | None = None
    border_color: str | None = None   # the box's colour RRGGBB (None: automatic)


_FLAGS = {"b", "i", "strike", "condense", "extend", "outline", "shadow"}     # <b/> == <b val="1"/>
_DEFAULT_ZERO = {"quotePrefix", "pivotButton", "wrapText", "shrinkToFit", "justifyLastLine", "indent",
                 "relativeIndent", "textRotation", "readingOrder"}


def _key(el) -> tuple:
    """What an element of a stylesheet means, as a comparable value: attribute order, child order,
    the spelling of booleans and colours, defaults and empty border sides do not count (files
    saved by Excel, LibreOffice and openpyxl write the same format differently)."""
    name = etree.QName(el).localname
    attrs = {}
    for k, v in el.attrib.items():
        k = etree.QName(k).localname
        v = {"true": "1", "false": "0"}.get(v, v)
        if k.startswith("apply") or (k in _DEFAULT_ZERO and v == "0") or k == "count":
            continue
        attrs[k] = v.upper() if k == "rgb" else v
    if name in _FLAGS:
        attrs = {"val": attrs.get("val", "1")}
    elif name == "u":
        attrs = {"val": attrs.get("val", "single")}
    children = []
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if name == "patternFill" and attrs.get("patternType") == "solid" and \
                etree.QName(child).localname == "bgColor":
            continue                                   # a solid fill shows its foreground only
        key = _key(child)
        if name == "border" and not key[1] and not key[2]:
            continue                                   # <left/> is no line, as is no <left>
        children.append(key)
    return name, tuple(sorted(attrs.items())), tuple(sorted(children)), (el.text or "").strip()


class _Section:
    """One list of a stylesheet (fonts, fills, …): find an identical entry or append one."""

    def __init__(self, root, name: str, child: str) -> None:
        self.root, self.name, self.child = root, name, child
        self.el = root.find(q(name))
        self._index: dict[tuple, int] | None = None
        self._items: list | None = None

    def items(self) -> list:
        if self._items is None:
            self._items = [] if self.el is None else self.el.findall(q(self.child))
        return self._items

    def __len__(self) -> int:
        return len(self.items())

    def get(self, k: int):
        items = self.items()
        return items[k] if 0 <= k < len(items) else (items[0] if items else None)

    def add(self, el) -> tuple[int, bool]:
        """(index, appended?) of an entry identical to `el`."""
        if self._index is None:
            self._index = {}
            for k, item in enumerate(self.items()):
                self._index.setdefault(_key(item), k)
        key = _key(el)
        if key in self._index:
            return self._index[key], False
        if self.el is None:
            self.el = etree.Element(q(self.name))
            _insert_section(self.root, self.el)
        self.el.append(el)
        self.items().append(el)
        k = len(self._items) - 1
        self._index[key] = k
        self.el.set("count", str(k + 1))
        return k, True


def _insert_section(root, el) -> None:
    name = etree.QName(el).localname
    after = _SECTIONS[_SECTIONS.index(name) + 1:]
    for child in root:
        if etree.QName(child).localname in after:
            child.addprevious(el)
            return
    root.append(el)


class Styles:
    def __init__(self, data: bytes | None, part: str = "xl/styles.xml") -> None:
        self.root = parse(data or MINIMAL, part)
        self.changed = data is None
        self.fonts = _Section(self.root, "fonts", "font")
        self.fills = _Section(self.root, "fills", "fill")
        self.borders = _Section(self.root, "borders", "border")
        self.xfs = _Section(self.root, "cellXfs", "xf")
        self.numfmts = _Section(self.root, "numFmts", "numFmt")
        self.dxfs = _Section(self.root, "dxfs", "dxf")
        self._codes = {int(el.get("numFmtId")): el.get("formatCode", "")
                       for el in self.numfmts.items() if (el.get("numFmtId") or "").isdigit()}
        self._xf_formats = [int(xf.get("numFmtId", "0")) if (xf.get("numFmtId") or "0").isdigit() else 0
                            for xf in self.xfs.items()]
        self.loaded = len(self._xf_formats)       # cell formats the workbook came with
        self._recoloured: dict[tuple, int] = {}
        self._prints: dict[int, str] = {}
        self._looks: dict[int, tuple] = {}
        self._made: dict[Format, int] = {}
        self._dxfs: dict[Format, int] = {}
        self._own: dict[int, tuple[str | None, str | None]] = {}      # look_of, by format (they never change)

    def cover(self, largest: int) -> None:
        """Make formats 0 … `largest` exist, as copies of format 0 (a workbook without styles.xml whose
        cells name formats: they show as the default, and the formats the tool adds come after them,
        never in their place)."""
        if largest < len(self):
            return
        first = self.xfs.get(0)
        for _ in range(len(self), largest + 1):
            new = copy.deepcopy(first)
            self.xfs.el.append(new)
            self.xfs.items().append(new)
            self._xf_formats.append(self._xf_formats[0])
        self.xfs.el.set("count", str(len(self)))
        self.xfs._index = None
        self.changed = True

    # ------------------------------------------------------------------------------------ read

    def __len__(self) -> int:
        """The number of cell formats: a valid ``s`` is below it."""
        return len(self._xf_formats)

    def number_format(self, s: int) -> str:
        fid = self._xf_formats[s] if 0 <= s < len(self._xf_formats) else 0
        return self._codes.get(fid) or BUILTIN_FORMATS.get(fid, "General")

    def date_styles(self) -> tuple[set[int], set[int]]:
        """(style ids of dates and times, those of durations)."""
        dates, spans = set(), set()
        for s in range(len(self._xf_formats)):
            code = self.number_format(s)
            if is_date_format(code):
                dates.add(s)
                if is_timedelta_format(code):
                    spans.add(s)
        return dates, spans

    def over_limit(self) -> bool:
        """Whether the tool added cell formats and so took the workbook past Excel's limit."""
        return len(self) > max(self.loaded, EXCEL_MAX_FORMATS)

    def to_bytes(self) -> bytes:
        return serialize(self.root)

    # ----------------------------------------------------------------------------- highlights

    def fingerprint(self, s: int) -> str:
        """A short hash of what format `s` looks like (font, fill, border, number format, alignment),
        to find it again after a spreadsheet app renumbered the styles."""
        if s not in self._prints:
            self._prints[s] = hashlib.sha1(repr(self._look(s)).encode()).hexdigest()[:8]
        return self._prints[s]

    def _look(self, s: int) -> tuple:
        """What format `s` shows: number format, font, fill, border, alignment, protection."""
        if s not in self._looks:
            self._looks[s] = self._compute_look(s)
        return self._looks[s]

    def _compute_look(self, s: int) -> tuple:
        xf = copy.deepcopy(self.xfs.get(s))
        if xf is None:
            return ()
        parts = [self.number_format(s)]
        for attr, section in (("fontId", self.fonts), ("fillId", self.fills), ("borderId", self.borders)):
            item = section.get(int(xf.get(attr, "0") or 0))
            parts.append(_key(item) if item is not None else ())
        for attr in ("numFmtId", "fontId", "fillId", "borderId"):
            xf.attrib.pop(attr, None)
        parts.append(_key(xf))
        return tuple(parts)

    def resolve(self, s: int, fingerprint: str) -> int | None:
        """The index of the format that had index `s` and looked like `fingerprint`: `s` itself, or
        where a renumbering moved it; None when no format looks like that any more."""
        if 0 <= s < len(self) and self.fingerprint(s) == fingerprint:
            return s
        for k in range(len(self)):
            if self.fingerprint(k) == fingerprint:
                return k
        return None

    def has_fill(self, s: int, fill: str) -> bool:
        """Whether format `s` has the solid fill `fill` (RRGGBB)."""
        look = self._look(s)
        return bool(look) and look[2] == _solid_key(fill)

    def is_highlight(self, s: int, base: int, fill: str | None, font: str | None) -> bool:
        """Whether format `s` looks like `base` coloured with (`fill`, `font`) by ``recolour``."""
        return self._look(s) == self._coloured_look(base, fill, font)

    def _coloured_look(self, base: int, fill: str | None, font: str | None) -> tuple:
        key = ("look", base, fill, font)
        if key not in self._recoloured:
            self._recoloured[key] = self._compute_coloured_look(base, fill, font)
        return self._recoloured[key]

    def _compute_coloured_look(self, base: int, fill: str | None, font: str | None) -> tuple:
        look = list(self._look(base))
        if not look:
            return ()
        xf = self.xfs.get(base)
        base_font = self.fonts.get(int(xf.get("fontId", "0") or 0))
        new_font = copy.deepcopy(base_font) if base_font is not None else etree.Element(q("font"))
        for c in new_font.findall(q("color")):
            new_font.remove(c)
        if font:
            etree.SubElement(new_font, q("color"), rgb="FF" + font.upper())
        look[1] = _key(new_font)
        look[2] = _solid_key(fill) if fill else _key(self.fills.get(0))
        return tuple(look)

    def uncolour(self, s: int, source: int | None) -> int:
        """Format `s` with the fill and font colour of format `source` (None: no fill, automatic
        font colour): a highlight taken off a cell whose format was changed since."""
        key = ("uncolour", s, source)
        if key not in self._recoloured:
            xf = copy.deepcopy(self.xfs.get(s))
            src = self.xfs.get(source) if source is not None else None
            font = self.fonts.get(int(xf.get("fontId", "0") or 0))
            font = copy.deepcopy(font) if font is not None else etree.Element(q("font"))
            for c in font.findall(q("color")):
                font.remove(c)
            if src is not None:
                src_font = self.fonts.get(int(src.get("fontId", "0") or 0))
                for c in src_font.findall(q("color")) if src_font is not None else []:
                    font.append(copy.deepcopy(c))
            _order(font, _FONT_ORDER)            # in the schema's order, whatever the writer's was
            xf.set("fontId", str(self._add(self.fonts, font)))
            xf.set("fillId", src.get("fillId", "0") if src is not None else "0")
            self._recoloured[key] = self._add_xf(xf)
        return self._recoloured[key]

    def recolour(self, s: int, fill: str | None, font: str | None) -> int:
        """The cell format `s` with a solid `fill` (None: no fill) and font colour `font` (None:
        automatic), everything else (number format, borders, alignment, font face) kept."""
        key = (s, fill, font)
        if key not in self._recoloured:
            xf = copy.deepcopy(self.xfs.get(s))
            base_font = self.fonts.get(int(xf.get("fontId", "0")))
            new_font = copy.deepcopy(base_font) if base_font is not None else etree.Element(q("font"))
            for c in new_font.findall(q("color")):
                new_font.remove(c)
            if font:
                etree.SubElement(new_font, q("color"), rgb="FF" + font.upper())
            _order(new_font, _FONT_ORDER)        # in the schema's order, whatever the writer's was
            font_id = self._add(self.fonts, new_font)
            fill_id = self._add(self.fills, _solid(fill)) if fill else 0
            xf.set("fontId", str(font_id))
            xf.set("fillId", str(fill_id))
            xf.set("applyFont", "1")
            xf.set("applyFill", "1")
            self._recoloured[key] = self._add_xf(xf)
        return self._recoloured[key]

    # ------------------------------------------------------------------ a cell's own colours

    def look_of(self, s: int) -> tuple[str | None, str | None]:
        """(fill, font colour) of format `s` as colour specs ("RRGGBB", "theme:N[:tint]", "indexed:N"):
        the fill of a solid pattern (None: no fill, or a fill that is not one plain colour) and the
        font's colour (None: automatic)."""
        if s in self._own:
            return self._own[s]
        xf = self.xfs.get(s)
        if xf is None:
            return None, None
        fill = self.fills.get(int(xf.get("fillId", "0") or 0))
        pattern = fill.find(q("patternFill")) if fill is not None else None
        fill_spec = None
        if pattern is not None and pattern.get("patternType") == "solid":
            fill_spec = colour_spec(pattern.find(q("fgColor")))
        font = self.fonts.get(int(xf.get("fontId", "0") or 0))
        found = self._own[s] = (fill_spec, colour_spec(font.find(q("color")) if font is not None else None))
        return found

    def fill_rgb(self, s: int) -> str | None:
        """"RRGGBB" of format `s`'s solid fill when it is stated as an RGB colour, else None."""
        fill = self.look_of(s)[0]
        return fill if fill and ":" not in fill else None

    def with_fills(self, rgbs) -> dict[int, str]:
        """Format index → fill for every cell format whose solid fill is one of `rgbs` ("RRGGBB")."""
        wanted = {r.upper() for r in rgbs}
        fills = {}
        for k, fill in enumerate(self.fills.items()):
            pattern = fill.find(q("patternFill"))
            if pattern is not None and pattern.get("patternType") == "solid":
                spec = colour_spec(pattern.find(q("fgColor")))
                if spec in wanted:
                    fills[str(k)] = spec
        return {k: fills[xf.get("fillId", "0") or "0"] for k, xf in enumerate(self.xfs.items())
                if (xf.get("fillId", "0") or "0") in fills}

    def restyle(self, s: int, fill: str | None, font: str | None) -> int:
        """Format `s` with the fill `fill` (a colour spec of ``look_of``; None: no fill) and the font
        colour `font` (None: automatic), everything else kept: a cell's own colours given back."""
        key = ("restyle", s, fill, font)
        if key not in self._recoloured:
            xf = copy.deepcopy(self.xfs.get(s))
            base_font = self.fonts.get(int(xf.get("fontId", "0") or 0))
            new_font = copy.deepcopy(base_font) if base_font is not None else etree.Element(q("font"))
            for c in new_font.findall(q("color")):
                new_font.remove(c)
            if font:
                new_font.append(_colour_el("color", font))
            _order(new_font, _FONT_ORDER)          # a font added is in the schema's order (openpyxl's is not)
            xf.set("fontId", str(self._add(self.fonts, new_font)))
            if fill:
                cell_fill = etree.Element(q("fill"))
                pattern = etree.SubElement(cell_fill, q("patternFill"), patternType="solid")
                pattern.append(_colour_el("fgColor", fill))
                etree.SubElement(pattern, q("bgColor"), indexed="64")
                xf.set("fillId", str(self._add(self.fills, cell_fill)))
            else:
                xf.set("fillId", "0")
            self._recoloured[key] = self._add_xf(xf)
        return self._recoloured[key]

    # --------------------------------------------------------------------------- new formats

    def format_id(self, fmt: Format | None) -> int:
        """The cell format index for `fmt` (0, the default, for None)."""
        if fmt is None or fmt == Format():
            return 0
        if fmt not in self._made:
            xf = etree.Element(q("xf"))
            attrs = {"numFmtId": str(self._numfmt(fmt.number_format)), "fontId": str(self._font(fmt)),
                     "fillId": str(self._add(self.fills, _solid(fmt.fill)) if fmt.fill else 0),
                     "borderId": str(self._add(self.borders, _box(fmt.border_color)) if fmt.border else 0), "xfId": "0"}
            if fmt.number_format:
                attrs["applyNumberFormat"] = "1"
            attrs["applyFont"] = "1"
            if fmt.fill:
                attrs["applyFill"] = "1"
            if fmt.border:
                attrs["applyBorder"] = "1"
            align = {}
            if fmt.horizontal:
                align["horizontal"] = fmt.horizontal
            if fmt.vertical:
                align["vertical"] = fmt.vertical
            if fmt.wrap:
                align["wrapText"] = "1"
            if fmt.indent:
                align["indent"] = str(fmt.indent)
            if align:
                attrs["applyAlignment"] = "1"
            for name in _XF_ATTRS:
                if name in attrs:
                    xf.set(name, attrs[name])
            if align:
                etree.SubElement(xf, q("alignment"), align)
            self._made[fmt] = self._add_xf(xf)
        return self._made[fmt]

    def dxf_id(self, fmt: Format) -> int:
        """The differential format of `fmt` (what a table column gives the rows added to it): its number
        format, font colour and boldness, fill and box; a table column names it as its ``dataDxfId``."""
        if fmt not in self._dxfs:
            dxf = etree.Element(q("dxf"))
            if fmt.bold or fmt.italic or fmt.color:
                font = etree.SubElement(dxf, q("font"))
                for flag, on in (("b", fmt.bold), ("i", fmt.italic)):
                    if on:
                        etree.SubElement(font, q(flag))
                if fmt.color:
                    etree.SubElement(font, q("color"), rgb="FF" + fmt.color.upper())
            if fmt.number_format:
                etree.SubElement(dxf, q("numFmt"), numFmtId=str(self._numfmt(fmt.number_format)),
                                 formatCode=fmt.number_format)
            if fmt.fill:                          # a differential fill states its colour as the background
                pattern = etree.SubElement(etree.SubElement(dxf, q("fill")), q("patternFill"))
                etree.SubElement(pattern, q("bgColor"), rgb="FF" + fmt.fill.upper())
            if fmt.border:
                dxf.append(_box(fmt.border_color))
            self._dxfs[fmt] = self._add(self.dxfs, dxf)
        return self._dxfs[fmt]

    def _font(self, fmt: Format) -> int:
        base = self.fonts.get(0)
        font = copy.deepcopy(base) if base is not None else etree.Element(q("font"))
        drop = {"b", "i", "u", "color"} | ({"name", "family", "charset", "scheme"} if fmt.font else set()) | \
            ({"sz"} if fmt.size else set())
        for child in list(font):
            if etree.QName(child).localname in drop:
                font.remove(child)
        if fmt.bold:
            etree.SubElement(font, q("b"))
        if fmt.italic:
            etree.SubElement(font, q("i"))
        if fmt.underline:
            etree.SubElement(font, q("u"))
        if fmt.size:
            etree.SubElement(font, q("sz"), val=_num(fmt.size))
        if fmt.color:
            etree.SubElement(font, q("color"), rgb="FF" + fmt.color.upper())
        if fmt.font:
            etree.SubElement(font, q("name"), val=fmt.font)
            cjk = any(ord(ch) > 0x2E80 for ch in fmt.font)
            etree.SubElement(font, q("family"), val="3" if cjk else "2")
            if cjk:
                etree.SubElement(font, q("charset"), val="134")
        _order(font, _FONT_ORDER)
        return self._add(self.fonts, font)

    def _numfmt(self, code: str | None) -> int:
        if not code:
            return 0
        if code in _BUILTIN_IDS:
            return _BUILTIN_IDS[code]
        for fid, existing in self._codes.items():
            if existing == code:
                return fid
        fid = max([FIRST_CUSTOM_FORMAT - 1, *self._codes]) + 1
        self._add(self.numfmts, etree.Element(q("numFmt"), numFmtId=str(fid), formatCode=code))
        self._codes[fid] = code
        return fid

    def _add(self, section: _Section, el) -> int:
        k, added = section.add(el)
        self.changed |= added
        return k

    def _add_xf(self, xf) -> int:
        k, added = self.xfs.add(xf)
        if added:
            self.changed = True
            self._xf_formats.append(int(xf.get("numFmtId", "0")))
        return k


def colour_spec(el) -> str | None:
    """A ``<color>``/``<fgColor>`` element as a colour spec: "RRGGBB", "theme:N[:tint]", "indexed:N";
    None for none, automatic or the system colours (indexed 64, 65)."""
    if el is None or el.get("auto") in ("1", "true"):
        return None
    if el.get("rgb"):
        value = el.get("rgb").upper()
        return value[-6:] if len(value) >= 6 else None
    if el.get("theme") is not None and el.get("theme").isdigit():
        tint = el.get("tint") or ""
        try:
            tinted = float(tint) != 0 and -1 <= float(tint) <= 1
        except ValueError:
            tinted = False
        return f"theme:{el.get('theme')}" + (f":{tint}" if tinted else "")
    if el.get("indexed") is not None and el.get("indexed").isdigit():
        return None if int(el.get("indexed")) >= 64 else f"indexed:{el.get('indexed')}"
    return None


def _colour_el(tag: str, spec: str):
    """The element `tag` (color, fgColor) of a colour spec (``colour_spec``)."""
    if spec.startswith("theme:"):
        parts = spec.split(":")
        attrs = {"theme": parts[1], **({"tint": parts[2]} if len(parts) > 2 else {})}
    elif spec.startswith("indexed:"):
        attrs = {"indexed": spec.split(":")[1]}
    else:
        attrs = {"rgb": "FF" + spec.upper()}
    return etree.Element(q(tag), attrs)


def _solid(rgb: str):
    fill = etree.Element(q("fill"))
    pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
    etree.SubElement(pattern, q("fgColor"), rgb="FF" + rgb.upper())
    etree.SubElement(pattern, q("bgColor"), indexed="64")
    return fill


@lru_cache(maxsize=64)
def _solid_key(rgb: str) -> tuple:
    return _key(_solid(rgb))


def _box(rgb: str | None = None):
    border = etree.Element(q("border"))
    colour = {"rgb": "FF" + rgb.upper()} if rgb else {"indexed": "64"}
    for side in ("left", "right", "top", "bottom"):
        etree.SubElement(etree.SubElement(border, q(side), style="thin"), q("color"), colour)
    etree.SubElement(border, q("diagonal"))
    return border


def _order(el, order: tuple[str, ...]) -> None:
    rank = {name: k for k, name in enumerate(order)}
    children = sorted(el, key=lambda c: rank.get(etree.QName(c).localname, len(order)))
    for child in children:
        el.append(child)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
