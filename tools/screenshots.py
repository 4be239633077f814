"""Regenerate the screenshots in docs/ from the current code (``make screenshots``).

    .venv/bin/python tools/screenshots.py [OUT_DIR]      # default: docs/

Runs the demo (the bundled sample imported, refreshed and published, ``xl_tools.app.demo``) in a
temporary folder, then renders with LibreOffice headless: each sheet shown in docs alone (the others
hidden) as page 1 of a PDF, and page 1 of the published PDF, turned into PNGs by pdftoppm. Look at the
images before committing them.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

from xl_tools import app
from xl_tools.publish.pdf import find_soffice

DOCS = Path(__file__).resolve().parents[1] / "docs"
SHOTS = {"项目": "screenshot_projects.png", "绩效指标": "screenshot_indicators.png",
         "校验结果": "screenshot_results.png"}
PUBLISHED = "publish_seed_page1.png"
DPI = "110"


def _pdf_to_png(pdf: Path, png: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", DPI, "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(png.with_suffix(""))], check=True, timeout=60)


def render(book: Path, sheet: str, png: Path, soffice: str = "soffice") -> None:
    """Page 1 of ``sheet`` alone, landscape, fitted to the page width, as a PNG."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wb = openpyxl.load_workbook(book)
        for ws in wb.worksheets:
            ws.sheet_state = "visible" if ws.title == sheet else "hidden"
        wb.active = wb.sheetnames.index(sheet)
        ws = wb[sheet]
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        src = tmp / "shot.xlsx"
        wb.save(src)
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/lo", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(src)], check=True, capture_output=True, timeout=180)
        _pdf_to_png(tmp / "shot.pdf", png)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DOCS
    soffice = find_soffice()
    if soffice is None:
        print("需要 LibreOffice（soffice）才能生成截图", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        result = app.demo(tmp)
        for sheet, name in SHOTS.items():
            render(result.imported.out, sheet, out / name, soffice)
            print(out / name)
        _pdf_to_png(result.table.pdf, out / PUBLISHED)
        print(out / PUBLISHED)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
