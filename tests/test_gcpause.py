"""``gcpause.settled``: no collection inside, the collector as it was after, what exists moved to the oldest
generation (``app.review`` runs the rules in it: tests/test_review_pure.py)."""

from __future__ import annotations

import gc
import threading

from xl_tools import gcpause


class _Node:
    def __init__(self) -> None:
        self.other = self


def test_settled_nests_restores_the_collector_and_leaves_what_it_made_in_the_oldest_generation():
    assert gc.isenabled()
    with gcpause.settled():
        made = _Node()
        with gcpause.settled():
            assert not gc.isenabled()
        assert not gc.isenabled()                      # the outer block still runs without collections
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert any(o is made for o in gc.get_objects(2))
    del made
    assert gc.collect() >= 1                           # a cycle made inside is still collected by a full one


def test_settled_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with gcpause.settled():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_settled_in_two_threads_turns_the_collector_back_on_when_the_last_one_ends():
    inside, release = threading.Barrier(3), threading.Event()

    def task():
        with gcpause.settled():
            inside.wait()
            release.wait()

    threads = [threading.Thread(target=task) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    assert not gc.isenabled()
    release.set()
    for t in threads:
        t.join()
    assert gc.isenabled() and gc.get_freeze_count() == 0
