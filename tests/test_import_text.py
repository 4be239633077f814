"""The importer on extracted text: the seed exactly, and variants that no test tunes to the seed's
names (pages reordered, renamed by a character substitution, rescaled, two units, CRLF + full-width
punctuation, GBK), reconciliation findings, unparseable fragments, year inference, errors."""

from __future__ import annotations

import importlib.util
import json
import random
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest

from xl_tools.errors import XlToolsError
from xl_tools.importer import import_path, import_text
from xl_tools.jsonio import filing_to_json, load_json

ROOT = Path(__file__).resolve().parents[1]
SEED_TXT = ROOT / "xl_tools" / "data" / "sample_2024.txt"
SEED_JSON = ROOT / "xl_tools" / "data" / "sample_2024.expected.json"
_spec = importlib.util.spec_from_file_location("seedstyle", ROOT / "tests" / "fixtures" / "import" / "seedstyle.py")
seedstyle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seedstyle)

TITLE = "项目支出绩效目标表（含转移支付项目）"


def expected_json() -> dict:
    data = json.loads(SEED_JSON.read_text("utf-8"))
    for p in data["projects"]:
        for i in p["indicators"]:
            i.pop("period_target", None)
            i.pop("annual_target", None)
    return data


def as_json(filing) -> dict:
    return filing_to_json(filing, with_targets=False)


def by_name(data: dict) -> dict:
    out = dict(data)
    out["projects"] = sorted(data["projects"], key=lambda p: p["name"])
    out["units"] = sorted(data["units"], key=lambda u: u["name"])
    return out


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def seed_text() -> str:
    return SEED_TXT.read_text("utf-8")


# --- the seed ---------------------------------------------------------------------------------

def test_seed_imports_exactly():
    result = import_path(SEED_TXT, year=2024)
    assert as_json(result.filing) == expected_json()
    assert result.year_source == "由 --year 指定"
    assert [f for f in result.findings if f.severity != "info"] == []
    assert all(f.sheet is None and f.cell is None for f in result.findings)


def test_seed_year_is_inferred_and_explained():
    result = import_path(SEED_TXT)
    assert result.filing.year == 2024
    assert "2024年" in result.year_source and "推断" in result.year_source


def test_seed_import_is_fast():
    text = seed_text()
    import_text(text, year=2024)
    start = time.perf_counter()
    for _ in range(5):
        import_text(text, year=2024)
    per_import = (time.perf_counter() - start) / 5
    assert per_import < 0.5


def _pages(text: str) -> list[str]:
    """Split on the repeated title line; the text before the first title stays with page 1."""
    parts = text.split(TITLE)
    pages = [TITLE + p for p in parts[1:]]
    pages[0] = parts[0] + pages[0]
    return pages


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_seed_with_pages_reordered(seed):
    pages = _pages(seed_text())
    order = list(range(len(pages)))
    random.Random(seed).shuffle(order)
    if order == sorted(order):
        order.reverse()
    text = "".join(pages[k] if pages[k].endswith("\n") else pages[k] + "\n" for k in order)
    result = import_text(text, year=2024)
    assert by_name(as_json(result.filing)) == by_name(expected_json())
    assert [f for f in result.findings if f.severity == "error"] == []


def test_crlf_fullwidth_colons_no_blank_lines():
    text = seed_text()
    assert ":" in text
    lines = [ln for ln in text.split("\n") if ln.strip()]
    text = "\r\n".join(lines).replace(":", "：").replace("(", "（").replace(")", "）")
    result = import_text(text, year=2024)
    assert as_json(result.filing) == expected_json()


def test_semicolons_half_width_and_blank_lines_everywhere():
    text = seed_text().replace("；", ";").replace("\n", "\n\n")
    result = import_text(text, year=2024)
    expected = expected_json()
    for p in expected["projects"]:
        p["target"] = p["target"].replace("；", ";")     # kept as written
    assert as_json(result.filing) == expected


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / f"seed-{encoding}.txt"
    path.write_bytes(seed_text().replace("\n", "\r\n").encode(encoding))
    result = import_path(path, year=2024)
    assert as_json(result.filing) == expected_json()


# --- generated variants -------------------------------------------------------------------------

def _roundtrip(filing, **render):
    text = seedstyle.render_text(filing, **render)
    result = import_text(text, year=filing.year)
    return text, result


@pytest.mark.parametrize("seed", [0, 1, 2, 5])
def test_renamed_and_rescaled_copy(seed):
    base = load_json(SEED_JSON)
    filing = seedstyle.rescale(seedstyle.cipher(base, seed=seed + 11), Decimal("1.37") + seed,
                               special_share=Decimal("0.2"))
    assert not {p.name for p in filing.projects} & {p.name for p in base.projects}
    text, result = _roundtrip(filing, seed=seed)
    assert as_json(result.filing) == as_json(filing)
    assert [f for f in result.findings if f.severity == "error"] == []


@pytest.mark.parametrize("seed", [0, 3])
def test_two_units_with_subtotal_rows(seed):
    filing = seedstyle.split_units(seedstyle.rescale(load_json(SEED_JSON), Decimal("2"), Decimal("0.3")),
                                   ("广州市第一示例学校", "广州市第二示例中心"), first=6)
    text, result = _roundtrip(filing, seed=seed, rows_per_page=4)
    assert text.count("广州市第二示例中心 ") == 1
    assert as_json(result.filing) == as_json(filing)
    assert [f.code for f in result.findings if f.severity != "info"] == []


def test_two_units_pages_reordered_units_found_by_sums():
    filing = seedstyle.split_units(load_json(SEED_JSON), ("广州市第一示例学校", "广州市第二示例中心"), first=6)
    text = seedstyle.render_text(filing, seed=4, rows_per_page=4, preamble_before_header=False)
    pages = _pages(text)
    text = "".join(reversed(pages))
    result = import_text(text, year=2024)
    assert by_name(as_json(result.filing)) == by_name(as_json(filing))
    assert "IMP021" not in codes(result)


def test_names_not_indented_and_wrapped_numbers():
    # project names lose their indentation; an amount is wrapped inside the number
    text = seed_text().replace("    ", "").replace("1,009.93 1,009.93", "1,00\n9.93 1,009.93")
    result = import_text(text, year=2024)
    got = as_json(result.filing)
    assert got["total"] == "5138.68"
    assert sorted(p["name"] for p in got["projects"]) == sorted(p["name"] for p in expected_json()["projects"])
    assert by_name(got) == by_name(expected_json())


# --- findings ------------------------------------------------------------------------------------

def test_unreconciled_table_is_reported():
    text = seed_text().replace("600.00 600.00", "600.00 610.00", 1) \
        .replace("广州市机电技师学院 5,138.68 5,138.68", "广州市机电技师学院 5,100.00 5,100.00", 1)
    result = import_text(text, year=2024)
    found = codes(result)
    assert "IMP020" in found            # project total ≠ parts
    assert "IMP021" in found            # unit ≠ its projects
    assert "IMP022" in found            # 合计 ≠ units
    f020 = next(f for f in result.findings if f.code == "IMP020")
    assert f020.severity == "error" and f020.project and "第" in f020.message and "行" in f020.message
    # nothing corrected: the stated amounts are kept
    assert as_json(result.filing)["units"][0]["total"] == "5100.00"


def test_unparseable_indicator_is_kept_and_reported_with_line():
    text = seed_text().replace("2、2-效益指\n\n标；22-社会效益；安全生产事故发生数；实施周期指标值:0次；年度指标",
                               "2、2-效益指\n\n标；22-社会效益；安全生产事故发生数，零次；年度指标", 1)
    result = import_text(text, year=2024)
    bad = [f for f in result.findings if f.code == "IMP002"]
    assert len(bad) == 1
    assert re.search(r"第 \d+ 行", bad[0].message) and bad[0].indicator_no == 2
    project = next(p for p in result.filing.projects if p.name == bad[0].project)
    assert len(project.indicators) == 4 and "零次" in project.indicators[1].name


def test_stray_amount_line_is_a_fragment():
    text = seed_text().replace(TITLE, "12.34\n" + TITLE, 2)
    result = import_text(text, year=2024)
    assert as_json(result.filing)["total"] == "5138.68"
    assert [f.code for f in result.findings] == ["IMP001", "IMP001"]
    assert all("12.34" in f.message and f.line for f in result.findings)


def test_content_without_name_is_reported_not_dropped():
    lines = seed_text().split("\n")
    # drop the name and amounts of the last project (its content remains)
    k = next(i for i, ln in enumerate(lines) if ln.strip() == "50.35 50.35")
    del lines[k - 2:k + 1]
    result = import_text("\n".join(lines), year=2024)
    assert "IMP013" in codes(result)
    assert len(result.filing.orphan_indicators) == 5


def test_unsure_pairing_is_reported():
    # two projects whose names share nothing with any content and sit far from it
    text = """项目支出绩效目标表（含转移支付项目）
部门名称：示例局 单位：万元
合计 30.00 30.00
示例单位 30.00 30.00
    甲项目
10.00 10.00
    乙项目
20.00 20.00
完成任务。
1、1-产出指标；11-数量指标；数量；实施周期指标值:1个；年度指标值:1个。
完成工作。
1、1-产出指标；11-数量指标；数量；实施周期指标值:2个；年度指标值:2个。
"""
    result = import_text(text, year=2024)
    assert "IMP010" in codes(result) or "IMP011" in codes(result)
    assert all(p.indicators for p in result.filing.projects)


def test_missing_year_is_reported():
    text = seed_text()
    text = re.sub(r"20\d\d", "XXXX", text)
    result = import_text(text)
    assert result.filing.year is None
    assert "IMP030" in codes(result)
    assert "--year" in result.year_source


# --- errors ------------------------------------------------------------------------------------------

def test_missing_file(tmp_path):
    with pytest.raises(XlToolsError) as err:
        import_path(tmp_path / "nope.txt")
    assert "nope.txt" in str(err.value) and "不存在" in str(err.value)


def test_binary_file(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(XlToolsError) as err:
        import_path(path)
    assert "x.bin" in str(err.value)


def test_text_without_table(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text("尊敬的领导：\n这是一封信。\n", "utf-8")
    with pytest.raises(XlToolsError) as err:
        import_path(path)
    assert "letter.txt" in str(err.value) and "没有找到" in str(err.value)


def test_undecodable_text(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes("项目".encode("utf-8") + b"\xff\xfe\xfd\x80\x81" * 3)
    with pytest.raises(XlToolsError) as err:
        import_path(path)
    assert "bad.txt" in str(err.value)
