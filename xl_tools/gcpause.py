"""The cyclic garbage collector paused for the duration of a task.

A refresh or a check builds hundreds of thousands of small objects (cells, findings, XML elements) that
live until the task ends; the collector walks all of them again and again as they are made (a fifth of
a refresh's CPU time on a 5,000-project filing) and finds next to nothing: they are not garbage, and what
a task drops is freed by reference counting. ``paused()`` turns it off for the task and back on after it;
the memory a task leaves in cycles is collected by the next automatic collection. Tasks may nest and run
in threads (the server): the collector stays off while any paused task runs.
"""

from __future__ import annotations

import contextlib
import gc
import threading

_lock = threading.Lock()
_depth = 0
_was_enabled = True


@contextlib.contextmanager
def paused():
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
