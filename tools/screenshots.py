"""Render the screenshots in docs/ from a refreshed sample workbook through LibreOffice headless.

    .venv/bin/python tools/screenshots.py out/sample_2024.xlsx docs/

Each sheet is shown alone (the others hidden) as page 1 of a PDF, then turned into a PNG by pdftoppm.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

SHOTS = {"项目": "screenshot_projects.png", "绩效指标": "screenshot_indicators.png",
         "校验结果": "screenshot_results.png"}


def render(book: Path, sheet: str, png: Path) -> None:
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
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/lo", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(src)], check=True, capture_output=True, timeout=180)
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
                        str(tmp / "shot.pdf"), str(png.with_suffix(""))], check=True, timeout=60)


def main() -> None:
    book, out = Path(sys.argv[1]), Path(sys.argv[2])
    for sheet, name in SHOTS.items():
        render(book, sheet, out / name)
        print(out / name)


if __name__ == "__main__":
    main()
