"""A filing with what users add to it — sparklines, a form button, a text box, a validation list,
conditional formats (on 项目 and on a sheet of their own) and a WPS ``xl/cellimages.xml`` part —
refreshed twice: nothing is lost, and a third refresh leaves every part byte-identical."""

from __future__ import annotations

import posixpath
import zipfile

import openpyxl
import pytest
from lxml import etree

from xl_tools.app import refresh_path as refresh_file

from .conftest import needs_soffice, soffice_convert
from .support.features import OWN_SHEET, WPS_CELLIMAGE_REL, featured_workbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
X = "{urn:schemas-microsoft-com:office:excel}"


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → part name."""
    book = etree.fromstring(parts["xl/workbook.xml"])
    rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(parts["xl/_rels/workbook.xml.rels"])}
    out = {}
    for s in book.iter(MAIN + "sheet"):
        rid = s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        out[s.get("name")] = posixpath.normpath(posixpath.join("xl", rels[rid]))
    return out


def _elements(xml: bytes, local: str) -> list[bytes]:
    root = etree.fromstring(xml)
    return [etree.tostring(el) for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == local]


def _shapes(vml: bytes, kind: str) -> list[bytes]:
    root = etree.fromstring(vml)
    return [etree.tostring(s) for s in root.iter(V + "shape")
            if s.find(X + "ClientData") is not None and s.find(X + "ClientData").get("ObjectType") == kind]


def _vml_of(parts, sheet_part: str) -> str:
    rels = etree.fromstring(parts[posixpath.join(posixpath.dirname(sheet_part), "_rels",
                                                 posixpath.basename(sheet_part) + ".rels")])
    target = next(r.get("Target") for r in rels if r.get("Type").endswith("/vmlDrawing"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(sheet_part), target))


@pytest.fixture
def featured(tmp_path, seed_filing):
    path = featured_workbook(tmp_path / "featured.xlsx", seed_filing)
    before = _parts(path)
    refresh_file(path, now="2026-12-01 09:00")
    refresh_file(path, now="2026-12-02 09:00")
    return path, before, _parts(path)


def test_user_features_survive_two_refreshes(featured):
    path, before, after = featured
    sheets = _sheet_parts(before)
    projects, own = sheets["项目"], sheets[OWN_SHEET]
    # on 项目 itself (a sheet the refresh patches): every feature element as it was
    for local in ("sparklineGroups", "conditionalFormatting", "dataValidations", "drawing", "tableParts"):
        assert _elements(after[projects], local) == _elements(before[projects], local), local
    vml = _vml_of(before, projects)
    assert _vml_of(after, projects) == vml
    assert _shapes(after[vml], "Button") == _shapes(before[vml], "Button")       # the form button
    assert len(_shapes(after[vml], "Note")) > 0                                   # notes beside it
    # the text box drawing, the user's own sheet, the WPS part: byte for byte
    drawings = [n for n in before if n.startswith("xl/drawings/drawing")]
    untouched = drawings + [own, "xl/cellimages.xml", "xl/_rels/cellimages.xml.rels", "xl/media/wps_image1.png",
                            "xl/theme/theme1.xml", "docProps/core.xml", "docProps/app.xml"]
    noted = {sheets["项目"], sheets["绩效指标"]}                 # the refresh writes notes there
    untouched += [n for n in before if n.startswith("xl/tables/")]
    untouched += [n for n in before if n.startswith("xl/worksheets/_rels/")
                  and not any(n.endswith(posixpath.basename(p) + ".rels") for p in noted)]
    for name in untouched:
        assert after[name] == before[name], name
    for n in before:
        if n.endswith(".vml") and n != vml:
            assert after[n] == before[n], n
    assert WPS_CELLIMAGE_REL.encode() in after["xl/_rels/workbook.xml.rels"]
    assert b'PartName="/xl/cellimages.xml"' in after["[Content_Types].xml"]
    wb = openpyxl.load_workbook(path)
    assert wb[OWN_SHEET]["A1"].value == "第1月"
    assert len(wb["项目"].conditional_formatting) == 1


def test_third_refresh_leaves_every_part_byte_identical(featured):
    path, _before, after = featured
    refresh_file(path, now="2026-12-03 09:00")
    assert _parts(path) == after


@needs_soffice
def test_libreoffice_opens_the_refreshed_featured_filing(featured, tmp_path):
    path, _before, _after = featured
    out = tmp_path / "lo"
    out.mkdir()
    saved = soffice_convert(path, "xlsx:Calc MS Excel 2007 XML", out)
    wb = openpyxl.load_workbook(saved)
    assert "校验结果" in wb.sheetnames and OWN_SHEET in wb.sheetnames
    notes = [c for row in wb["项目"].iter_rows() for c in row if c.comment is not None]
    assert notes and all("xl-tools" in c.comment.text for c in notes)
