"""The one XML parser configuration of xl-tools, for every XML part the tool parses itself.

lxml with entities never resolved, no network access, no DTD loaded, and libxml2's default safety
limits kept (``huge_tree`` off: at most 256 levels of nesting and 10 MB in one text node). A part
that declares a DTD (entity definitions, external references — never in a real workbook) is refused
whatever else it holds. openpyxl parses the parts it reads with its own parser (lxml without entity
resolution, and defusedxml for streaming); ``xlsxfile`` runs ``refuse_doctype`` over every part
first and uses ``check_part`` to name the part when openpyxl fails.

Errors are ``XlToolsError``s that name the part (``工作簿中 docProps/core.xml 已损坏…``); the caller
adds the file.
"""

from __future__ import annotations

from typing import IO, Iterator

from .errors import XlToolsError
from .lazyxml import etree

OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False,
           "dtd_validation": False}
CHUNK = 64 * 1024
FIRST_BYTES = 4 * 1024          # the first read of a part's prolog
PROLOG_BYTES = 256 * 1024       # a real part's root element starts within its first few hundred bytes


class DamagedPart(XlToolsError):
    """A part that is not well-formed XML."""

    def __init__(self, part: str, reason: str = "", *, file: str | None = None, **where) -> None:
        self.part, self.reason = part, reason
        detail = f"（{reason}）" if reason else ""
        super().__init__(f"工作簿中 {part} 已损坏{detail}：请在 Excel 中打开并另存为新文件后再试",
                         file=file, **where)


class ForbiddenPart(XlToolsError):
    """A part with a DTD: entity definitions or external references."""

    def __init__(self, part: str, *, file: str | None = None, **where) -> None:
        self.part = part
        super().__init__(f"工作簿中 {part} 含有被禁止的 XML 结构（DTD/实体定义/外部引用），可能是恶意文件，已拒绝读取",
                         file=file, **where)


def parser() -> etree.XMLParser:
    """A new parser with the safe options (lxml parsers are not thread-safe: one per use)."""
    return etree.XMLParser(remove_blank_text=False, **OPTIONS)


def _reason(exc: etree.XMLSyntaxError) -> str:
    line = getattr(exc, "lineno", None) or (exc.position[0] if getattr(exc, "position", None) else None)
    return f"XML 格式错误，第 {line} 行" if line else "XML 格式错误"


def _refuse_dtd(tree, part: str) -> None:
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise ForbiddenPart(part)


def parse(data: bytes, part: str = "") -> etree._Element:
    """A whole part, parsed: DamagedPart when not well-formed, ForbiddenPart when it has a DTD."""
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        raise DamagedPart(part, _reason(exc)) from None
    _refuse_dtd(root.getroottree(), part)
    return root


def iterparse(stream: IO[bytes], part: str = "", *, events=("end",), tag=None) -> Iterator[tuple[str, etree._Element]]:
    """(event, element) of a part read as a stream, with the same guards as ``parse``."""
    context = etree.iterparse(stream, events=events, tag=tag, remove_blank_text=False, **OPTIONS)
    checked = False
    try:
        for event, element in context:
            if not checked:
                _refuse_dtd(element.getroottree(), part)
                checked = True
            yield event, element
    except etree.XMLSyntaxError as exc:
        raise DamagedPart(part, _reason(exc)) from None


def refuse_doctype(stream: IO[bytes], part: str) -> None:
    """Read the part only up to its root element: ForbiddenPart when a DTD comes before it,
    DamagedPart when what comes before it is not XML. Cheap: the body is never read — its first
    ``FIRST_BYTES`` fed alone, where a root element starts (a first 64 KB fed whole made the parser
    build the elements of its 600 shared strings or 300 rows: 1–20 ms a part, ~15 ms a workbook)."""
    pull = etree.XMLPullParser(events=("start",), **OPTIONS)
    read = 0
    size = FIRST_BYTES
    try:
        while read < PROLOG_BYTES:
            chunk = stream.read(min(size, PROLOG_BYTES - read))
            size = CHUNK
            if not chunk:
                pull.close()
                return
            read += len(chunk)
            pull.feed(chunk)
            for _event, element in pull.read_events():
                _refuse_dtd(element.getroottree(), part)
                return
    except etree.XMLSyntaxError as exc:
        raise DamagedPart(part, _reason(exc)) from None
    raise DamagedPart(part, f"前 {PROLOG_BYTES // 1024} KB 内没有 XML 根元素")


def check_part(stream: IO[bytes], part: str) -> None:
    """Read a whole part as a stream, keeping nothing: DamagedPart / ForbiddenPart as ``parse``."""
    for _event, element in iterparse(stream, part):
        element.clear(keep_tail=False)
        while element.getprevious() is not None:        # what was read is not kept
            del element.getparent()[0]
