"""The documents a user or a script relies on say what the code does: docs/MODEL.md's JSON example and
value table go through the real reader and value grammar; the docs the help texts cite exist."""

from __future__ import annotations

import json
import re

import pytest

from xl_tools.jsonio import filing_from_json, filing_to_json
from xl_tools.rules.registry import RULES
from xl_tools.valuegrammar import parse_value

from .conftest import ROOT

MODEL_MD = (ROOT / "docs" / "MODEL.md").read_text("utf-8")


def test_model_md_example_is_read_and_written_back():
    block = re.search(r"```json\n(.*?)```", MODEL_MD, re.S).group(1)
    data = json.loads(block.replace("……", ""))
    filing = filing_from_json(data)
    assert filing.year == 2024 and filing.projects[0].indicators[0].name == "维护校园和谐稳定发展"
    again = filing_to_json(filing)
    ind = again["projects"][0]["indicators"][0]
    example = data["projects"][0]["indicators"][0]
    assert ind["period_target"] == example["period_target"] and ind["annual_target"] == example["annual_target"]
    assert again["projects"][0]["total"] == "600.00" and again["total"] == "5138.68"


def _table_rows():
    for line in MODEL_MD.splitlines():
        m = re.match(r"\| (number|range|date|text) \| [^|]* \| (.+) \|$", line)
        if m:
            for example in m.group(2).split(" · "):
                yield m.group(1), example.split(" (")[0].strip()


@pytest.mark.parametrize("kind, text", list(_table_rows()))
def test_model_md_value_table(kind, text):
    assert parse_value(text, 2024).kind == kind


def test_cited_documents_exist():
    source = "\n".join(p.read_text("utf-8") for p in (ROOT / "xl_tools").rglob("*.py"))
    cited = set(re.findall(r"docs/[\w\u4e00-\u9fff]+\.md", source + (ROOT / "README.md").read_text("utf-8")))
    assert cited and all((ROOT / c).exists() for c in cited), [c for c in cited if not (ROOT / c).exists()]


def test_readme_starts_with_exactly_make_demo_and_make_test():
    """The README's first block is the two commands a fresh machine runs, nothing else."""
    readme = (ROOT / "README.md").read_text("utf-8")
    first = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert readme[: first.start()].strip() == "# xl-tools"
    commands = [line.split("#")[0].strip() for line in first.group(1).splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]


def test_readme_counts_the_rules_of_the_registry():
    """The README's “a catalogue of N review rules” is the registry's count."""
    readme = (ROOT / "README.md").read_text("utf-8")
    said = re.search(r"(\d+) review rules", readme.replace("\n  ", " "))
    assert said and int(said.group(1)) == len(RULES)
