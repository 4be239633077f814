"""A filing workbook with what users add to theirs: sparklines, a form button, a text box, a
data-validation list and conditional formats, on 项目 itself and on a sheet of their own, plus a
WPS-style ``xl/cellimages.xml`` part (images in cells as WPS saves them).

Built with the real template generator (``build_workbook``); the features are written by another
engine (XlsxWriter, into a workbook of its own with a 项目 sheet and the person's sheet) and grafted
into it as Excel saves such a workbook: the elements in the sheet XML at their places, the drawings
and their relationships, the conditional formats' differential format in styles.xml, the person's
sheet with its shared strings.
"""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path

import xlsxwriter
from lxml import etree

from xl_tools.ooxml.book import Book
from xl_tools.ooxml.package import Package
from xl_tools.workbook import build_workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
RT_SHARED_STRINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
CT_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
OWN_SHEET = "我的图表"
WPS_CELLIMAGE_REL = "http://www.wps.cn/officeDocument/2020/cellImage"
WPS_CELLIMAGE_TYPE = "application/vnd.wps-officedocument.cellimage+xml"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
CELLIMAGES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<etc:cellImages xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
              'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
              'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
              'xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData"><etc:cellImage><xdr:pic>'
              '<xdr:nvPicPr><xdr:cNvPr id="2" name="ID_4C2B0E1B" descr="印章"/><xdr:cNvPicPr/></xdr:nvPicPr>'
              '<xdr:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
              '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="9525" cy="9525"/></a:xfrm>'
              '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic></etc:cellImage>'
              '</etc:cellImages>').encode()
CELLIMAGES_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/image" Target="media/wps_image1.png"/></Relationships>').encode()


def _add_features(wb, ws, data_range: str, at: int) -> None:
    """Sparklines, a button, a text box, a validation list and a conditional format on `ws`."""
    red = wb.add_format({"bg_color": "#FFC7CE"})
    ws.add_sparkline(f"K{at}", {"range": data_range, "type": "column"})
    ws.insert_button(f"M{at}", {"macro": "SampleCall", "caption": "我的按钮", "width": 80, "height": 30})
    ws.insert_textbox(f"M{at + 4}", "我的说明：这张表自己加的", {"width": 200, "height": 60})
    ws.data_validation(f"K{at + 20}:K{at + 30}", {"validate": "list", "source": ["是", "否"]})
    ws.conditional_format(f"D{at}:D{at + 12}", {"type": "cell", "criteria": ">", "value": 800, "format": red})


def featured_workbook(path: Path, filing) -> Path:
    """Write `filing` as the standard workbook with the features above (see module docstring)."""
    build_workbook(path, filing)
    donor = path.with_name(path.stem + "_features.xlsx")
    wb = xlsxwriter.Workbook(str(donor), {"strings_to_numbers": False})
    projects = wb.add_worksheet("项目")
    _add_features(wb, projects, "'项目'!D2:G2", 2)
    own = wb.add_worksheet(OWN_SHEET)
    for k in range(1, 8):
        own.write_row(k - 1, 0, [f"第{k}月", k * 10, k * 12, k * 7])
    own.write_formula("A12", '=DISPIMG("ID_4C2B0E1B",1)', None, "")
    _add_features(wb, own, f"'{OWN_SHEET}'!B1:D1", 1)
    wb.close()
    _graft(path, donor)
    donor.unlink()
    _add_cellimages(path)
    return path


def _q(local: str) -> str:
    return f"{{{MAIN}}}{local}"


def _graft(path: Path, donor: Path) -> None:
    """Put the donor's features on 项目 and its second sheet after the workbook's sheets."""
    out = path.with_suffix(".grafted")
    with Package(path) as pkg, zipfile.ZipFile(donor) as dz:
        book = Book(pkg)
        dxf = _add_dxf(pkg, etree.fromstring(dz.read("xl/styles.xml")).find(f"{_q('dxfs')}/{_q('dxf')}"))
        pkg.set_bytes("xl/sharedStrings.xml", dz.read("xl/sharedStrings.xml"), CT_SHARED_STRINGS)
        pkg.add_rel(book.part, RT_SHARED_STRINGS, "xl/sharedStrings.xml")
        # 项目: the feature elements spliced into the generated sheet
        part = book.sheet("项目").part
        features = _with_parts(pkg, dz, "xl/worksheets/sheet1.xml", part, dxf)
        sheet = pkg.xml(part)
        validations = sheet.find(_q("dataValidations"))
        for cf in features.findall(_q("conditionalFormatting")):
            validations.addprevious(cf)
        for dv in features.find(_q("dataValidations")):
            validations.append(dv)
        validations.set("count", str(len(validations)))
        tables = sheet.find(_q("tableParts"))
        for local in ("drawing", "legacyDrawing"):
            tables.addprevious(features.find(_q(local)))
        sheet.append(features.find(_q("extLst")))
        pkg.mark(part)
        # the person's own sheet, last
        own = book.add_sheet(OWN_SHEET, len(book.sheets()))
        pkg.set_bytes(own, etree.tostring(_with_parts(pkg, dz, "xl/worksheets/sheet2.xml", own, dxf),
                                          xml_declaration=True, encoding="UTF-8", standalone=True), CT_WORKSHEET)
        pkg.save(out)
    out.replace(path)


def _add_dxf(pkg: Package, dxf) -> str:
    """The donor's differential format appended to the workbook's; its index."""
    styles = pkg.xml("xl/styles.xml")
    dxfs = styles.find(_q("dxfs"))
    dxfs.append(dxf)
    dxfs.set("count", str(len(dxfs)))
    pkg.mark("xl/styles.xml")
    return str(len(dxfs) - 1)


def _with_parts(pkg: Package, dz: zipfile.ZipFile, donor_part: str, part: str, dxf: str):
    """The donor sheet's XML, its drawings copied into the package and related to `part` (the r:ids
    and the conditional formats' dxfId made the workbook's)."""
    root = etree.fromstring(dz.read(donor_part))
    rels = etree.fromstring(dz.read(donor_part.replace("worksheets/", "worksheets/_rels/") + ".rels"))
    ids = {}
    for rel in rels:
        target = "xl/drawings/" + rel.get("Target").rsplit("/", 1)[1]
        vml = target.endswith(".vml")
        new = pkg.unused_name("xl/drawings/vmlDrawing{}.vml" if vml else "xl/drawings/drawing{}.xml")
        pkg.set_bytes(new, dz.read(target), None if vml else CT_DRAWING)
        if vml:
            pkg.ensure_default("vml", CT_VML)
        ids[rel.get("Id")] = pkg.add_rel(part, rel.get("Type"), new)
    for el in root.iter():
        if el.get(REL_ID) in ids:
            el.set(REL_ID, ids[el.get(REL_ID)])
        if el.tag == _q("cfRule"):
            el.set("dxfId", dxf)
    return root


def _add_cellimages(path: Path) -> None:
    """Add the WPS part the way WPS links it: a workbook relationship and a content type override."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/cellimages.xml" ContentType="'
                                    + WPS_CELLIMAGE_TYPE.encode() + b'"/></Types>')
                if b'Extension="png"' not in data:
                    data = data.replace(b"</Types>", b'<Default Extension="png" ContentType="image/png"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="' + WPS_CELLIMAGE_REL.encode()
                                    + b'" Target="cellimages.xml"/></Relationships>')
            zout.writestr(info, data)
        zout.writestr("xl/cellimages.xml", CELLIMAGES)
        zout.writestr("xl/_rels/cellimages.xml.rels", CELLIMAGES_RELS)
        zout.writestr("xl/media/wps_image1.png", PNG)
    tmp.replace(path)
