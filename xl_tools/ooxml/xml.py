"""lxml parsing (through ``xmlsafe``) and serialising for package parts, the namespaces, the chunked
writer that streams a worksheet's rows without redeclaring namespaces on every row, and the escaping of
text and attribute values exactly as lxml serialises them (for parts generated as text)."""

from __future__ import annotations

import re

from .. import xmlsafe
from ..lazyxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def q(local: str, ns: str = MAIN) -> str:
    """Clark name of an element or attribute: q("row") → "{main}row"."""
    return f"{{{ns}}}{local}"


# The one hardened parser configuration of the tool (``xmlsafe``): entities never resolved, no network,
# no DTD, libxml2's size limits; a part that is not well-formed or has a DTD raises an XlToolsError
# naming the part.
XmlPartError = xmlsafe.DamagedPart
parse = xmlsafe.parse


def iterparse(stream, part: str = "", **kwargs):
    """``xmlsafe.iterparse``: (event, element) of a part read as a stream."""
    return xmlsafe.iterparse(stream, part, **kwargs)


def serialize(root: etree._Element, declaration: bool = True) -> bytes:
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return (DECLARATION + body) if declaration else body


# characters lxml refuses in text and attribute values (XML 1.0 excludes them)
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _check_xml_chars(value: str) -> None:
    if not value.isprintable() and _NOT_XML.search(value):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control "
                         "characters")


def text_xml(text: str) -> str:
    """`text` as lxml serialises a text node (UTF-8): ``&``, ``<``, ``>`` and carriage returns escaped,
    everything else as it is. Raises ValueError for what lxml refuses (control characters)."""
    _check_xml_chars(text)
    if _TEXT_SPECIAL.search(text):
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return text


def attr_xml(value: str) -> str:
    """`value` as lxml serialises an attribute value (between double quotes)."""
    _check_xml_chars(value)
    if _ATTR_SPECIAL.search(value):
        return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
                .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))
    return value


_TEXT_SPECIAL = re.compile(r"[&<>\r]")
_ATTR_SPECIAL = re.compile(r'[&<>"\n\r\t]')


_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _entity(m: re.Match) -> str:
    if m.group(1):
        return _NAMED[m.group(1)]
    return chr(int(m.group(2)) if m.group(2) else int(m.group(3), 16))


def text_of_xml(text: str, references: bool = True) -> str | None:
    """The text an element holds, from its content as written between its tags (no markup in it): XML's
    five predefined entities decoded, and the character references (``&#13;``, ``&#x4E2D;``) when
    ``references``. None when an ``&`` begins anything else (an entity a DTD would define, a reference
    to no character, or one not to be read here): then only the parser says what the text is. The one
    decoding of the byte-level readers (``rowscan``, ``refresh.readback_bytes``)."""
    if "&" not in text:
        return text
    if text.count("&") != len(_ENTITY.findall(text)) or (not references and "&#" in text):
        return None
    try:
        return _ENTITY.sub(_entity, text)
    except (ValueError, OverflowError):          # past U+10FFFF
        return None


class Template:
    """The XML lxml writes for an element, with holes: the element is built once with marker values
    (``Template.mark(k)``) in the places that vary and serialised; ``fill`` puts the values (escaped
    for where they go: ``text_xml``, ``attr_xml``) into the holes. Writing many elements of one shape
    costs a string join each instead of a tree, with the bytes lxml would give."""

    @staticmethod
    def mark(k: int) -> str:
        return f"@xl-tools-hole-{k}@"

    def __init__(self, xml: str, holes: int) -> None:
        pieces, rest = [], xml
        for k in range(holes):
            before, found, rest = rest.partition(self.mark(k))
            if not found:
                raise ValueError(f"hole {k} missing from the template")
            pieces.append(before)
        pieces.append(rest)
        self.pieces = pieces
        self._format = "%s".join(p.replace("%", "%%") for p in pieces)     # one C-level formatting a fill
        self._holes = holes

    def fill(self, *values: str) -> str:
        if len(values) != self._holes:
            raise ValueError(f"{len(values)} values for {self._holes} holes")
        return self._format % values


_CUT = "xl-tools-cut"
_CUT_BYTES = b"<!--" + _CUT.encode() + b"-->"


def _cut(data: bytes) -> list[bytes]:
    parts = data.split(_CUT_BYTES)
    if len(parts) != 3:             # the user's own XML holds our marker comment: never in practice
        raise XmlPartError("", "serialisation marker found in the part")
    return parts


def children_bytes(parent: etree._Element, upto: etree._Element | None = None) -> bytes:
    """The serialised children of `parent` (up to and including `upto`), in the namespace context of
    its ancestors: no namespace declaration is repeated on them, as ``tostring`` of a child alone
    would. Children after `upto` (parsed ahead by iterparse) are left out."""
    first, last = etree.Comment(_CUT), etree.Comment(_CUT)
    parent.insert(0, first)
    if upto is None:
        parent.append(last)
    else:
        upto.addnext(last)
    try:
        return _cut(etree.tostring(parent, encoding="UTF-8"))[1]
    finally:
        parent.remove(first)
        parent.remove(last)


def split_around(root: etree._Element, holder: etree._Element) -> tuple[bytes, bytes]:
    """(bytes before, bytes after) the content of `holder` (an empty descendant of `root`) in the
    serialisation of `root`: the head and tail of a document whose middle is streamed."""
    holder.append(etree.Comment(_CUT))
    holder.append(etree.Comment(_CUT))
    try:
        before, _empty, after = _cut(etree.tostring(root, encoding="UTF-8"))
    finally:
        del holder[-2:]
    return before, after


# relationship types and content types of the parts the patcher writes
_OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_OFFICE_DOCUMENT = _OD + "officeDocument"
RT_WORKSHEET = _OD + "worksheet"
RT_STYLES = _OD + "styles"
RT_SHARED_STRINGS = _OD + "sharedStrings"
RT_CALC_CHAIN = _OD + "calcChain"
RT_COMMENTS = _OD + "comments"
RT_VML = _OD + "vmlDrawing"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
CT_WORKSHEET = _SML + "worksheet+xml"
CT_STYLES = _SML + "styles+xml"
CT_COMMENTS = _SML + "comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
