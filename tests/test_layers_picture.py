"""docs/ARCHITECTURE.md's picture of the layers is the import graph's (tools/layers.py draws it)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import layers  # noqa: E402


def test_the_committed_picture_is_the_code_s():
    doc = layers.DOC.read_text("utf-8")
    drawn = layers.render(layers.room_graph())
    assert layers.with_picture(doc, drawn) == doc, "the layers picture is stale: run `python tools/layers.py`"


def test_the_picture_changes_with_the_code():
    graph = layers.room_graph()
    before = layers.render(graph)
    graph["rules"].add("workbook")                     # an arrow the code does not have yet
    assert layers.render(graph) != before
    assert layers.floors(graph)["rules"] > layers.floors(graph)["workbook"]


def test_a_cycle_of_rooms_has_no_floors():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    with pytest.raises(ValueError, match="a → b → c → a"):
        layers.floors(graph)


def test_an_interface_past_the_door_is_counted():
    graph = layers.room_graph()
    graph["cli"].add("rules")
    assert "cli → rules" in layers.render(graph)


def test_the_reduction_keeps_what_no_path_implies():
    assert layers.reduced({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == {"a": {"b"}, "b": {"c"}, "c": set()}
