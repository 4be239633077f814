"""Fuzzing every input the tool reads: the zip, every XML part of a workbook, the state sheet, JSON,
the rule configuration and the text importer. Positions are spread evenly over the input
(``cases.spread_positions``: one per stratum), so the zip directory at the end of a file gets its share
and no more. Whatever the input, a command exits 0, 1 or 2 — never 3, never a traceback.
"""

from __future__ import annotations

import json
import random
import shutil
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from xl_tools.cli import main
from xl_tools.errors import XlToolsError
from xl_tools.jsonio import filing_to_json

from .conftest import SEED_JSON, SEED_TXT
from .inputs import cases

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])
SEEDS = st.integers(0, 2**32 - 1)


def _exit_code(capsys, argv) -> int:
    rc = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert rc in (0, 1, 2), (argv, rc, captured.err)
    assert "Traceback" not in captured.err and "内部错误" not in captured.err, (argv, captured.err)
    if rc == 2:
        assert len(captured.err.strip().splitlines()) == 1, captured.err
    return rc


def test_positions_are_spread_over_the_whole_input():
    rnd = random.Random(7)
    length = 30_000
    positions = cases.spread_positions(300, length, rnd)
    per_tenth = [sum(1 for p in positions if k * length // 10 <= p < (k + 1) * length // 10) for k in range(10)]
    assert per_tenth == [30] * 10
    tail = sum(1 for p in positions if p >= length - 1_000)          # where the zip directory lives
    assert tail <= 11


# --- the zip as bytes ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_bytes(tmp_path_factory):
    return cases.seed_book(tmp_path_factory.mktemp("fuzz")).read_bytes()


@FUZZ
@given(SEEDS, st.integers(1, 8))
def test_fuzz_zip_bytes(seed_bytes, tmp_path_factory, capsys, seed, flips):
    rnd = random.Random(seed)
    data = bytearray(seed_bytes)
    for pos in cases.spread_positions(flips, len(data), rnd):
        data[pos] = rnd.randrange(256)
    path = tmp_path_factory.mktemp("z") / "x.xlsx"
    path.write_bytes(bytes(data))
    _exit_code(capsys, ["check", path])


# --- every XML part ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parts")
    book = cases.seed_book(folder)
    with zipfile.ZipFile(book) as zf:
        return book, {n: zf.read(n) for n in zf.namelist() if n.endswith((".xml", ".rels"))}


def _mutations(data: bytes, rnd: random.Random):
    """Byte flips, cuts and insertions at evenly spread positions of the part, and the attacks."""
    for pos in cases.spread_positions(4, len(data), rnd):
        flipped = bytearray(data)
        flipped[pos] = rnd.choice(b"<>&\"'/=x\x00\xff ")
        yield bytes(flipped)
    for pos in cases.spread_positions(2, len(data), rnd):
        yield data[:pos]
    pos = cases.spread_positions(1, len(data), rnd)[0]
    yield data[:pos] + b"<a>" * 300 + data[pos:]                       # nesting past libxml2's limit
    yield cases.with_doctype(data)
    yield data.replace(b"<", b"<\xe2\x80\xae", 1)                       # a bidi control inside a tag


# Every part gets every mutation, in SHARDS tests of a few parts each: one test of all ~20 parts × 9
# mutations took 156 s on an idle machine and passed pytest-timeout's 600 s on a loaded one; a shard
# takes a sixth of it.
SHARDS = 6


@pytest.mark.parametrize("shard", range(SHARDS))
def test_fuzz_every_xml_part(parts, tmp_path, capsys, shard):
    book, members = parts
    names = sorted(members)
    assert len(names) >= 15
    seen = 0
    for part in names[shard::SHARDS]:
        rnd = random.Random(f"14 {part}")            # the same mutations of a part in whichever shard
        for k, mutated in enumerate(_mutations(members[part], rnd)):
            path = tmp_path / f"m{seen}.xlsx"
            cases._replace_member(book, path, part, mutated)
            _exit_code(capsys, ["check", path])
            if k == 0:
                _exit_code(capsys, ["refresh", path, "-o", tmp_path / f"o{seen}.xlsx"])
            seen += 1
    assert seen >= 9 * len(names[shard::SHARDS])


# --- the state sheet -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    return cases.refreshed_seed(tmp_path_factory.mktemp("state"))


_REFS = st.one_of(st.sampled_from(["A1", "B2:C3", "A1:XFD1048576", "ZZZ9999999", "H4 B6", "$B$3", "A0", "1A", ""]),
                  st.text(max_size=12))
_CELL = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                  st.text(max_size=30), _REFS)
_ROW = st.tuples(
    st.one_of(st.sampled_from(["hls", "hl", "fill", "notes", "digest", "stamp", "kind", "template_version"]),
              st.text(max_size=6)),
    st.one_of(st.sampled_from(["项目", "绩效指标", "基本信息", "说明", "代码表", "_xltools", "不存在"]), st.text(max_size=6)),
    _CELL,
    st.one_of(st.sampled_from(["error", "warning", "info"]), _CELL),
    st.one_of(_REFS, _CELL, st.sampled_from(['{"B2": "x"}', '{"code": "FIL001", "message": "m"}',
                                             '{"code": "FIL001", "message": 1}', "[" * 3000, "{}"])))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.lists(_ROW, min_size=1, max_size=8))
def test_fuzz_state_sheet(refreshed, tmp_path_factory, capsys, rows):
    path = tmp_path_factory.mktemp("s") / "book.xlsx"
    shutil.copy(refreshed, path)
    wb = openpyxl.load_workbook(path)
    try:
        for row in rows:
            wb["_xltools"].append(list(row))
        wb.save(path)
    except (ValueError, TypeError, IllegalCharacterError):   # a value openpyxl itself cannot store
        return
    assert _exit_code(capsys, ["refresh", path]) in (0, 1)   # state problems never make a file unusable


# --- JSON ------------------------------------------------------------------------------------------------

_JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                               st.sampled_from(["nan", "1e30", "-0.001", "9" * 40 + ".00", "１００．００", "=cmd|'x'!A0"])),
                     lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=8), kids,
                                                                                        max_size=4)),
                     max_leaves=12)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from _paths(value, prefix + (k,))


@FUZZ
@given(SEEDS, st.lists(_JSON, min_size=1, max_size=4))
def test_fuzz_json(tmp_path_factory, capsys, seed, values):
    data = json.loads(SEED_JSON.read_text("utf-8"))
    rnd = random.Random(seed)
    for value in values:
        paths = list(_paths(data))
        path = paths[cases.spread_positions(1, len(paths), rnd)[0]]
        if not path:
            data = value
            continue
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    src = tmp_path_factory.mktemp("j") / "f.json"
    src.write_text(json.dumps(data, ensure_ascii=False, allow_nan=True), "utf-8")
    _exit_code(capsys, ["check", src])


# --- the rule configuration ----------------------------------------------------------------------------

def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value).replace("inf", "inf").replace("nan", "nan")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


_KEYS = st.sampled_from(["severity", "enabled", "floor", "tolerance", "min_chars", "max_items", "words", "x"])
_VALUES = st.one_of(st.booleans(), st.integers(-10**20, 10**20), st.floats(), st.text(max_size=10),
                    st.sampled_from(["nan", "inf", "1e999999999", "错误", "警告", "提示", "80%", "-1"]),
                    st.lists(st.text(max_size=5), max_size=3))


@FUZZ
@given(st.dictionaries(st.sampled_from(["AMT001", "VAL006", "VAL007", "TXT001", "STR003", "amounts.sum",
                                        "UNKNOWN", "disabled", "profile", "title"]),
                       st.one_of(_VALUES, st.dictionaries(_KEYS, _VALUES, max_size=3)), max_size=4))
def test_fuzz_config(tmp_path_factory, capsys, seed_book_path, doc):
    lines, tables = [], []
    for key, value in doc.items():
        if isinstance(value, dict):
            tables.append(f"[{key}]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in value.items()))
        else:
            lines.append(f"{key} = {_toml_value(value)}\n")
    config = tmp_path_factory.mktemp("c") / "c.toml"
    config.write_text("".join(lines) + "\n".join(tables), "utf-8")
    _exit_code(capsys, ["check", seed_book_path, "--config", config])


@pytest.fixture(scope="module")
def seed_book_path(tmp_path_factory):
    return cases.seed_book(tmp_path_factory.mktemp("cfg"))


# --- the text importer -----------------------------------------------------------------------------------

SEED_LINES = SEED_TXT.read_text("utf-8").splitlines()
_JUNK = st.one_of(st.text(max_size=8), st.sampled_from(["NaN NaN", "1e309", "600.00\u200b", "\u202e合计 1.00",
                                                        "1、", "绩效目标", "项目名称 总计", "- -", "9" * 30 + ".00"]))


@FUZZ
@given(SEEDS, st.lists(st.tuples(st.sampled_from(["del", "dup", "cut", "junk"]), _JUNK), max_size=12))
def test_fuzz_text_importer(seed, edits):
    from xl_tools.importer import import_text
    lines = list(SEED_LINES)
    rnd = random.Random(seed)
    for pos, (op, junk) in zip(cases.spread_positions(len(edits), len(SEED_LINES), rnd), edits):
        pos = min(pos, len(lines) - 1)
        if pos < 0:
            break
        if op == "del":
            del lines[pos]
        elif op == "dup":
            lines.insert(pos, lines[pos])
        elif op == "cut":
            lines[pos] = lines[pos][: len(lines[pos]) // 2]
        else:
            lines.insert(pos, junk)
    try:
        result = import_text("\n".join(lines), year=2024)
    except XlToolsError:
        return
    filing_to_json(result.filing)          # what was imported is a valid model
