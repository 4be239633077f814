"""The cyclic garbage collector kept out of the way for the duration of a task.

A refresh or a check builds hundreds of thousands of small objects (cells, findings, XML elements) that
live until the task ends; with the default thresholds the collector walks all of them again and again as
they are made (a fifth of a refresh's CPU time on a 5,000-project filing) and finds next to nothing:
they are not garbage, and what a task drops is freed by reference counting. ``paused()`` raises the
thresholds for the task (a young collection every 100,000 allocations instead of 700, the full one
rarely), and puts them back after it. Turning the collector off altogether saves a little more time
but lets cycles pile up (+20 MB at 5,000 projects); this keeps the memory of the default. Tasks may
nest and run in threads (the server): the thresholds stay raised while any paused task runs.

``settled()`` goes further for a step that only adds to what exists and makes no reference cycles (the
rules on a filing): no collection runs in it, and what exists at its end — the filing it was given, what
it made — is put in the oldest generation without being walked (``gc.freeze`` then ``gc.unfreeze``), where
a full collection still looks at it. A check of 5,000 projects otherwise walked the filing it was given
and its completed copy (70,000 records), then the 100,000 objects it made itself, in two young collections:
0.10–0.15 s CPU of a 0.9 s check, finding nothing. Cyclic garbage made in the block, if any, waits for the
next full collection.
"""

from __future__ import annotations

import contextlib
import gc
import threading

THRESHOLDS = (100_000, 50, 1_000)

_lock = threading.Lock()
_depth = 0
_before: tuple[int, ...] = gc.get_threshold()


@contextlib.contextmanager
def paused():
    global _depth, _before
    with _lock:
        if _depth == 0:
            _before = gc.get_threshold()
            gc.set_threshold(*THRESHOLDS)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_before)


_settled = 0
_enabled = True


@contextlib.contextmanager
def settled():
    """No collection in the block, and every object that exists at its end in the oldest generation (see
    the module's docstring); nests and runs in threads like ``paused``. Its ``gc.unfreeze`` would also
    thaw what other code froze on purpose: nothing in the tool freezes objects otherwise."""
    global _settled, _enabled
    with _lock:
        if _settled == 0:
            _enabled = gc.isenabled()
            gc.disable()
        _settled += 1
    try:
        yield
    finally:
        with _lock:
            _settled -= 1
            if _settled == 0:
                gc.freeze()                   # every generation into the permanent one, not walked …
                gc.unfreeze()                 # … and from there into the oldest: young counts start at 0
                if _enabled:
                    gc.enable()
