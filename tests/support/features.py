"""A filing workbook with what users add to theirs: sparklines, a form button, a text box, a
data-validation list and conditional formats, on 项目 itself and on a sheet of their own, plus a
WPS-style ``xl/cellimages.xml`` part (images in cells as WPS saves them).

Built with the real template generator (``build_workbook``): xlsxwriter's ``Workbook.close`` is
wrapped for the duration of the build to add the features first.
"""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path

import xlsxwriter

from xl_tools.workbook import build_workbook

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
    original_close = xlsxwriter.Workbook.close

    def close(wb):
        projects = wb.get_worksheet_by_name("项目")
        _add_features(wb, projects, "'项目'!D2:G2", 2)
        own = wb.add_worksheet(OWN_SHEET)
        for k in range(1, 8):
            own.write_row(k - 1, 0, [f"第{k}月", k * 10, k * 12, k * 7])
        own.write_formula("A12", '=DISPIMG("ID_4C2B0E1B",1)', None, "")
        _add_features(wb, own, f"'{OWN_SHEET}'!B1:D1", 1)
        return original_close(wb)

    xlsxwriter.Workbook.close = close
    try:
        build_workbook(path, filing)
    finally:
        xlsxwriter.Workbook.close = original_close
    _add_cellimages(path)
    return path


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
