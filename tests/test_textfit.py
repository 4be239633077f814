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


# ------------------------------------------------------------------ long texts, a line at a time

def _mixed_texts(seed: int, count: int) -> list[str]:
    """Texts of every kind the count distinguishes: CJK, glued punctuation (wide and narrow, also at a
    paragraph's start), Latin runs longer and shorter than a line, spaces, tabs, newlines, "?" (a real
    one, not the wide marker), and some the line-at-a-time count leaves to the pass by character (DEL,
    characters GBK does not encode)."""
    import random
    rng = random.Random(seed)
    alphabet = list("一二三四五六七八九十中文字，。；：、！？）》」』】〉’”%％,.;:!?)]}·…abcXYZ0123 4567 89\n\u3000\t≥“（(-/")
    rare = ["é", "Ω", "㎡", "ñ", "\u00a0", "😀", "\x7f", "\r", "珺"]
    texts = []
    for _ in range(count):
        pool = alphabet + rare if rng.random() < 0.3 else alphabet
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, rng.choice([8, 60, 200, 600]))))
        if rng.random() < 0.2:
            text = "x" * rng.randint(1, 60) + text
        texts.append(text)
    return texts


def test_long_texts_counted_a_line_at_a_time_as_by_character():
    """``count_lines`` of a text of many lines goes a line at a time (``textfit._long_lines``): its count
    is the character-by-character pass's for every text, width and font size — also where a line's room
    is a whole number of hundredths of an em, where the two would round differently."""
    from xl_tools import textfit
    widths = [3.0, 10.0, 25.0, 40.0, 61.2, 93.75, 172.5, 319.5, 62 * 11 / 100 / textfit.SAFETY,
              3 * 11 / textfit.SAFETY, 123.456]
    sizes = [9.0, 10.0, 10.5, 11.0, 12.0]
    fast = 0
    for k, text in enumerate(_mixed_texts(27, 6000)):
        width, size = widths[k % len(widths)], sizes[k % len(sizes)]
        room = max(width * textfit.SAFETY, size)
        by_line = textfit._long_lines(text, room, size)
        by_character = textfit._char_lines(text, room, size) if text else 1
        if by_line is not None:
            fast += 1
            assert by_line == by_character, (text, width, size)
        assert count_lines.__wrapped__(text, width, size) == by_character
    assert fast > 2000                          # the line-at-a-time count did count most of them


def test_long_text_of_the_public_table():
    """A 公开表 indicator text of 380 characters: 12 lines either way, the line-at-a-time count used."""
    from xl_tools import textfit
    text = "；".join(f"{k}、1-产出指标；11-数量指标；维修改造工程面积（㎡）；实施周期指标值:≥616平方米" for k in range(1, 9))
    text = text.replace("㎡", "m2")
    width = textfit.text_box_points(60)
    room = width * textfit.SAFETY
    assert textfit._long_lines(text, room, 10.0) == textfit._char_lines(text, room, 10.0) == 12 == \
        count_lines.__wrapped__(text, width, 10.0)
    assert textfit._long_lines(text, width, 10.0) is None          # 3,090 hundredths of an em: by character
    assert textfit._long_lines(text + "\x7f", room, 10.0) is None        # DEL: by character
    assert textfit._long_lines(text + "😀", room, 10.0) is None          # not in GBK: by character


def test_every_character_gbk_encodes_is_ascii_or_one_em_wide():
    """What the line-at-a-time count rests on, for the Unicode of the Python running the tests (listed in
    ``GBK_WIDE_IN`` when it holds; another version counts by character)."""
    import unicodedata

    from xl_tools import textfit
    wide = []
    for code in range(0x80, 0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        ch = chr(code)
        try:
            ch.encode("gbk")
        except UnicodeEncodeError:
            continue
        wide.append(textfit.char_em.__wrapped__(ch) == 1.0)
    assert len(wide) > 21000
    if unicodedata.unidata_version in textfit.GBK_WIDE_IN:
        assert all(wide)
    else:
        assert textfit._long_lines("一" * 100, 55.5, 10.0) is None


def test_a_row_fitter_gives_fitted_height_s_heights():
    """``RowFitter`` (many rows in the same columns, the lines of the kept columns' texts counted once)
    gives every row the height ``fitted_height`` gives it."""
    import random

    from xl_tools.textfit import RowFitter, fitted_height
    rnd = random.Random(7)
    pieces = ["项目", "绩效指标!B12", "≥95%", "，", "。", "A-12", " ", "\n", "设备购置及安装调试", "2024年6月30日前", "x" * 40]
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 30))) for _ in range(300)]
    widths = [19, 34, 70, 44]
    for size in (10.0, 11.0):
        fit = RowFitter(widths, size, kept=(1, 2))
        for _ in range(600):
            row = [rnd.choice(texts) for _ in widths]
            assert fit.height(row) == fitted_height(list(zip(row, widths)), size)
