"""Acceptance on the real-table set (issue 23): every finding the rules give on the published tables of
other provinces is judged (tests/realworld/judged.toml), and what they say now is what was judged.

A false alarm that comes back, a real finding that disappears or a finding nobody judged fails here;
an improvement fails too, until judged.toml records it (``now = false``) and the README's figures follow.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.support.realworld import ROOT, current, figures, judged, readme_block, transcriptions
from xl_tools.profiles import profile_names

README = Path(__file__).resolve().parents[1] / "README.md"


def _show(key, j=None, message=""):
    return f"{key[0]} {key[1]} 项目{key[2]} 指标{key[3]} {key[4]}：{(j or {}).get('message', message)}"


def test_each_table_of_the_corpus_is_transcribed_under_a_shipped_profile():
    corpus = {t["id"]: t for t in tomllib.loads((ROOT / "corpus.toml").read_text("utf-8"))["table"]}
    seen = set()
    for data in transcriptions():
        assert data["profile"] in profile_names(), data["table"]
        table = corpus[data["table"]]
        assert sum(len(p["indicators"]) for p in data["project"]) == table["indicators"], data["table"]
        assert data.get("cut", False) == (not table["complete"] and data["table"] != "10"), data["table"]
        seen.add(data["table"])
    assert seen == set(corpus)


def test_the_rules_say_what_was_judged():
    said = current()
    expected = judged()
    unjudged = [_show(k, message=m) for k, (_, m) in said.items() if k not in expected]
    back = [_show(k, j) for k, j in expected.items() if k in said and not j["now"] and j["verdict"] == "false"]
    gone = [_show(k, j) for k, j in expected.items() if k not in said and j["now"] and j["verdict"] == "real"]
    changed = [_show(k, j) for k, j in expected.items()
               if (k in said) != j["now"] and _show(k, j) not in back + gone]
    assert not unjudged, "judge these findings in tests/realworld/judged.toml:\n" + "\n".join(unjudged)
    assert not back, "false alarms came back:\n" + "\n".join(back)
    assert not gone, "real findings disappeared:\n" + "\n".join(gone)
    assert not changed, "update `now` in judged.toml (and the README figures):\n" + "\n".join(changed)


def test_every_verdict_gives_its_reason():
    for j in judged().values():
        assert j["verdict"] in ("real", "false", "cut")
        assert j["reason"].strip()
        if j["verdict"] != "cut":            # real and false cite the requirement they are judged by
            assert j["reason"].startswith(("G-", "H-", "U-")), j


def test_the_goal_is_met_and_the_readme_states_the_figures():
    now = figures("now")[""]
    assert now["per100"] <= 3 and now["precision"] >= 90, now
    assert readme_block() in README.read_text("utf-8"), "README: run make docs (tools/realworld_figures.py)"
