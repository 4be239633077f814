"""New workbooks: every workbook the tool creates as a file of its own (the standard workbook of
``workbook.template``, the 公开表 of ``publish``, the review, diff and send-back workbooks) is a minimal
valid package — content types, relationships,
``workbook.xml``, ``styles.xml``, the document properties — into which the patcher's sheet generator
(``sheetgen``, through ``patch.WorkbookPatch.replace_sheet``) writes each sheet. One writer, one
text rule (``celltext.escaped``, applied by ``cells.cell_xml``), for the workbooks a refresh patches
and for the ones the tool makes from nothing.

    write_new_workbook(out, [Generated("汇总", spec), …], DocProps(title=…, custom=(("xl-tools", "review"),)))

A macro-enabled workbook (.xlsm) carries a VBA project (``vba``: the bytes of its vbaProject.bin) and
the code name ThisWorkbook; its sheets name theirs (``sheetgen.SheetSpec.code_name``).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from ..lazyxml import etree
from .book import EMPTY_SHEET
from .package import CONTENT_TYPES, Package
from .patch import Generated, WorkbookPatch
from .styles import MINIMAL as MINIMAL_STYLES
from .view import WorkbookView
from .xml import CT, CT_STYLES, CT_WORKSHEET, MAIN, PKG_REL, REL, RT_OFFICE_DOCUMENT, RT_STYLES, RT_WORKSHEET, serialize

_PKG = "http://schemas.openxmlformats.org/package/2006/"
_OD = "http://schemas.openxmlformats.org/officeDocument/2006/"
RT_CORE = _PKG + "relationships/metadata/core-properties"
RT_APP = _OD + "relationships/extended-properties"
RT_CUSTOM = _OD + "relationships/custom-properties"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
CT_WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CT_APP = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CT_MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
RT_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
VBA_PART = "xl/vbaProject.bin"
VBA_CODE_NAME = "{37E998C4-C9E5-D4B9-71C8-EB1FF731991C}"
NS_CORE = _PKG + "metadata/core-properties"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_DCTERMS = "http://purl.org/dc/terms/"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_APP = _OD + "extended-properties"
NS_CUSTOM = _OD + "custom-properties"
NS_VT = _OD + "docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"      # the user-defined properties' format id
AUTHOR = "xl-tools"
RT_THEME = _OD + "relationships/theme"
CT_THEME = "application/vnd.openxmlformats-officedocument.theme+xml"
WORKBOOK, STYLES, THEME = "xl/workbook.xml", "xl/styles.xml", "xl/theme/theme1.xml"
FIRST_SHEET = "xl/worksheets/sheet1.xml"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_COLOURS = (("dk1", "000000"), ("lt1", "FFFFFF"), ("dk2", "1F497D"), ("lt2", "EEECE1"), ("accent1", "4F81BD"),
            ("accent2", "C0504D"), ("accent3", "9BBB59"), ("accent4", "8064A2"), ("accent5", "4BACC6"),
            ("accent6", "F79646"), ("hlink", "0000FF"), ("folHlink", "800080"))


@dataclass(frozen=True)
class DocProps:
    """What a new workbook says about itself: 文件 → 信息 → 属性 (title, subject, keywords, author) and
    the custom properties (name, text or whole number), which Excel lists under 自定义."""

    title: str = ""
    subject: str = ""
    keywords: str = ""
    creator: str = AUTHOR
    custom: tuple[tuple[str, str | int], ...] = ()
    description: str = ""                                # 备注 (Excel: 属性 → 摘要 → 备注)
    created: dt.datetime | None = None                   # None: when it is written


def _el(parent, ns: str, local: str, text: str | None = None, **attrs):
    el = etree.SubElement(parent, f"{{{ns}}}{local}", attrs)
    if text is not None:
        el.text = text
    return el


def _rels(*rels: tuple[str, str]) -> bytes:
    root = etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
    for k, (rtype, target) in enumerate(rels, start=1):
        _el(root, PKG_REL, "Relationship", Id=f"rId{k}", Type=rtype, Target=target)
    return serialize(root)


def _core(props: DocProps, now: dt.datetime) -> bytes:
    root = etree.Element(f"{{{NS_CORE}}}coreProperties",
                         nsmap={"cp": NS_CORE, "dc": NS_DC, "dcterms": NS_DCTERMS, "xsi": NS_XSI})
    for ns, local, text in ((NS_DC, "title", props.title), (NS_DC, "subject", props.subject),
                            (NS_DC, "creator", props.creator), (NS_CORE, "keywords", props.keywords),
                            (NS_DC, "description", props.description),
                            (NS_CORE, "lastModifiedBy", props.creator)):
        if text:
            _el(root, ns, local, text)
    stamp = now.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    for local in ("created", "modified"):                # the same: generated in one go (batch.stamps)
        _el(root, NS_DCTERMS, local, stamp).set(f"{{{NS_XSI}}}type", "dcterms:W3CDTF")
    return serialize(root)


def _app() -> bytes:
    root = etree.Element(f"{{{NS_APP}}}Properties", nsmap={None: NS_APP})
    _el(root, NS_APP, "Application", AUTHOR)
    return serialize(root)


def _custom(props: DocProps) -> bytes:
    root = etree.Element(f"{{{NS_CUSTOM}}}Properties", nsmap={None: NS_CUSTOM, "vt": NS_VT})
    for pid, (name, value) in enumerate(props.custom, start=2):          # pid 2 is the first one allowed
        prop = _el(root, NS_CUSTOM, "property", fmtid=FMTID, pid=str(pid), name=name)
        whole = isinstance(value, int) and not isinstance(value, bool) and -2**31 <= value < 2**31
        _el(prop, NS_VT, "i4" if whole else "lpwstr", str(value))
    return serialize(root)


def _theme() -> bytes:
    """The Office theme's colours and fonts (Calibri for the body, as ``styles.MINIMAL``), which Excel
    expects of every workbook; the formats the tool writes name their colours and fonts themselves."""
    root = etree.Element(f"{{{_A}}}theme", nsmap={"a": _A}, name="Office")
    elements = _el(root, _A, "themeElements")
    colours = _el(elements, _A, "clrScheme", name="Office")
    for name, rgb in _COLOURS:
        _el(_el(colours, _A, name), _A, "srgbClr", val=rgb)
    fonts = _el(elements, _A, "fontScheme", name="Office")
    for kind, face in (("majorFont", "Cambria"), ("minorFont", "Calibri")):
        holder = _el(fonts, _A, kind)
        for script, typeface in (("latin", face), ("ea", ""), ("cs", "")):
            _el(holder, _A, script, typeface=typeface)
    scheme = _el(elements, _A, "fmtScheme", name="Office")
    for holder in ("fillStyleLst", "lnStyleLst", "effectStyleLst", "bgFillStyleLst"):
        styles = _el(scheme, _A, holder)
        for _ in range(3):
            if holder == "lnStyleLst":
                _el(_el(_el(styles, _A, "ln", w="9525"), _A, "solidFill"), _A, "schemeClr", val="phClr")
            elif holder == "effectStyleLst":
                _el(_el(styles, _A, "effectStyle"), _A, "effectLst")
            else:
                _el(_el(styles, _A, "solidFill"), _A, "schemeClr", val="phClr")
    return serialize(root)


def _workbook(first_sheet: str, macro: bool) -> bytes:
    root = etree.Element(f"{{{MAIN}}}workbook", nsmap={None: MAIN, "r": REL})
    if macro:                   # the project's code name as Excel (and XlsxWriter before us) writes it
        _el(root, MAIN, "fileVersion", appName="xl", codeName=VBA_CODE_NAME)
    _el(root, MAIN, "workbookPr", **({"codeName": "ThisWorkbook"} if macro else {}))
    _el(_el(root, MAIN, "bookViews"), MAIN, "workbookView")
    sheet = _el(_el(root, MAIN, "sheets"), MAIN, "sheet", name=first_sheet, sheetId="1")
    sheet.set(f"{{{REL}}}id", "rId1")
    return serialize(root)


def _types(custom: bool, macro: bool) -> bytes:
    root = etree.Element(f"{{{CT}}}Types", nsmap={None: CT})
    _el(root, CT, "Default", Extension="rels", ContentType=CT_RELS)
    _el(root, CT, "Default", Extension="xml", ContentType="application/xml")
    for part, ctype in ((WORKBOOK, CT_MACRO_WORKBOOK if macro else CT_WORKBOOK), (FIRST_SHEET, CT_WORKSHEET), (STYLES, CT_STYLES), (THEME, CT_THEME),
                        ("docProps/core.xml", CT_CORE), ("docProps/app.xml", CT_APP),
                        *((("docProps/custom.xml", CT_CUSTOM),) if custom else ())):
        _el(root, CT, "Override", PartName="/" + part, ContentType=ctype)
    return serialize(root)


def blank_package(first_sheet: str, props: DocProps | None = None, now: dt.datetime | None = None,
                  macro: bool = False) -> bytes:
    """The bytes of a valid workbook with one empty sheet `first_sheet` and the properties `props`
    (`macro`: a macro-enabled workbook, which its VBA project is added to)."""
    props = props or DocProps()
    now = props.created or now or dt.datetime.now(dt.timezone.utc)
    package = [("_rels/.rels", _rels((RT_OFFICE_DOCUMENT, WORKBOOK), (RT_CORE, "docProps/core.xml"),
                                     (RT_APP, "docProps/app.xml"),
                                     *(((RT_CUSTOM, "docProps/custom.xml"),) if props.custom else ()))),
               ("docProps/core.xml", _core(props, now)), ("docProps/app.xml", _app()),
               *((("docProps/custom.xml", _custom(props)),) if props.custom else ()),
               (WORKBOOK, _workbook(first_sheet, macro)),
               ("xl/_rels/workbook.xml.rels", _rels((RT_WORKSHEET, "worksheets/sheet1.xml"), (RT_STYLES, "styles.xml"),
                                                           (RT_THEME, "theme/theme1.xml"))),
               (STYLES, MINIMAL_STYLES), (THEME, _theme()), (FIRST_SHEET, EMPTY_SHEET)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo(CONTENT_TYPES, (1980, 1, 1, 0, 0, 0)), _types(bool(props.custom), macro),
                    zipfile.ZIP_DEFLATED)
        for name, data in package:
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def write_new_workbook(out, sheets: Sequence[Generated], props: DocProps | None = None, *,
                       names: Sequence[tuple[str, str]] = (), vba: bytes | None = None, active: int = 0) -> None:
    """Write a new workbook to `out` (a path or a binary stream) holding `sheets`, in that order, each
    generated whole by ``sheetgen``; `props` its document properties, `names` its defined names
    (name, formula text without "="), `vba` the VBA project of a macro-enabled workbook, `active` the
    index of the sheet it opens at (whose spec says ``selected``)."""
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    props = props or DocProps()
    with Package("<new>", io.BytesIO(blank_package(sheets[0].name, props, macro=vba is not None))) as pkg:
        patch = WorkbookPatch(WorkbookView(pkg, max_rows=1, blank_run=1), note_author=props.creator)
        for k, gen in enumerate(sheets):
            patch.replace_sheet(gen, k)
        for name, text in names:
            patch.book.set_defined_name(name, text)
        if active:
            patch.book.set_active(active)
        if vba is not None:
            pkg.set_bytes(VBA_PART, vba)
            pkg.ensure_default("bin", CT_VBA)
            pkg.add_rel(WORKBOOK, RT_VBA, VBA_PART)
        patch.save(out)
