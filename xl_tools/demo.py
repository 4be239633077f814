"""``make demo``: the real pipeline on the bundled sample (the published 2024 table of 广州市人力资源和
社会保障局): import the PDF text → standard workbook → refresh (rules, highlights, 校验结果, 公开表) →
publish (xlsx, and PDF when LibreOffice is installed)."""

from __future__ import annotations

import shutil
import time
from importlib import resources
from pathlib import Path

from .money import fmt_thousands


def run_demo(out: Path) -> dict:
    from .importer import import_path
    from .importer.codes import beside_check
    from .publish import publish
    from .refresh.file_writer import refresh_file
    from .workbook import build_workbook
    out.mkdir(parents=True, exist_ok=True)
    sample = resources.files("xl_tools").joinpath("data/sample_2024.txt")
    t0 = time.perf_counter()
    with resources.as_file(sample) as src:
        result = import_path(src)
    filing = result.filing
    t1 = time.perf_counter()
    book = out / "sample_2024.xlsx"
    build_workbook(book, filing)
    outcome = refresh_file(book, extra_findings=beside_check(result.findings), backup=False)
    t2 = time.perf_counter()
    table = out / "sample_2024_公开表.xlsx"
    pdf = out / "sample_2024_公开表.pdf" if shutil.which("soffice") else None
    publish(filing, table, pdf)
    t3 = time.perf_counter()
    c = outcome.counts
    print(f"样例：{filing.department}，{filing.year} 年，{len(filing.projects)} 个项目，"
          f"{len(filing.indicators)} 个指标，合计 {fmt_thousands(filing.total)} {filing.money_unit}"
          f"（{result.year_source}）")
    print(f"导入 {1000 * (t1 - t0):.0f} ms，导入提示 {len(result.findings)} 条")
    print(f"刷新 {1000 * (t2 - t1):.0f} ms：错误 {c['errors']} 条，警告 {c['warnings']} 条，提示 {c['infos']} 条")
    for f in outcome.findings:
        if f.severity != "info":
            print(f"  {f.severity_zh} {f.code} {f.sheet}!{f.cell} {f.message}")
    print(f"公开表 {1000 * (t3 - t2):.0f} ms")
    print("已写入：")
    for p in (book, table, pdf):
        if p is not None:
            print(f"  {p}")
    if pdf is None:
        print("  （未安装 LibreOffice，未生成 PDF；安装方法见 README）")
    return {"workbook": book, "table": table, "pdf": pdf, "counts": c}
