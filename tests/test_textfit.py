"""Line counts of wrapped text (``textfit.count_lines``), pinned where the greedy fill has its cases:
CJK characters, closing punctuation glued to the character before it (also at a paragraph's start),
Latin runs that do not break unless longer than a line, spaces, explicit newlines. The figures are
those of the two-pass count before issue 27 made it one pass; row heights follow from them."""

from __future__ import annotations

import pytest

from xl_tools.textfit import count_lines

CASES = [
    ("", 40.0, 11.0, 1),
    ("一二三四五六七八九十" * 3, 40.0, 11.0, 10),
    ("完成率，达到目标。" * 5, 61.2, 10.5, 10),
    ("abcdefghijklmnopqrstuvwxyz0123456789" * 2, 40.0, 11.0, 15),
    ("≥95%，覆盖 120 个社区（含 3 个新区）", 30.0, 9.0, 8),
    ("第一行\n第二行很长很长很长很长很长很长很长很长很长", 40.0, 11.0, 8),
    ("，，，开头是标点", 20.0, 11.0, 8),
    ("x" * 500, 3.0, 11.0, 500),
    ("中 文 间 隔 a b c", 25.0, 10.5, 6),
]


@pytest.mark.parametrize("text, width, size, lines", CASES)
def test_line_counts(text, width, size, lines):
    assert count_lines.__wrapped__(text, width, size) == lines


def test_the_cache_of_line_counts_stays_small():
    """``count_lines`` is cached for the texts a filing repeats (messages, values): a few thousand of the
    latest are enough. At 5,000 projects 校验结果 alone asks for 60,000 distinct texts; a cache that kept
    them all held 6–11 MB at the peak of a refresh (the entries and the texts they keep alive)."""
    from xl_tools.textfit import count_lines
    assert count_lines.cache_info().maxsize <= 4096
