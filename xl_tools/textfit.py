"""How much room wrapped text needs in a cell: column widths in, line counts and row heights out.

Neither openpyxl nor LibreOffice grows a row for wrapped text a library wrote, so the renderer sets
every row height itself. The estimate is deliberately on the safe side (a little white space below the
text is acceptable, a clipped line is not):

- A column of width ``w`` (the unit stored in the file: widths of the digit "0" of the workbook's
  default font, Calibri/Carlito 11) is ``w * 7`` pixels = ``w * 5.25`` points wide; a few pixels go
  to the cell's inner margins and to the indent.
- A CJK glyph (East Asian width W/F, and the ambiguous A class: ≥ “ ” ％ …) is one em wide; any other
  character counts 0.62 em (the widest Latin fallback, DejaVu Sans digits, is 0.64 em; SimSun's is 0.5).
- Lines are filled greedily: CJK characters break anywhere, runs of Latin letters/digits do not, and
  closing punctuation (，。；：、）…) never starts a line, so it drags the previous character down with it.
- A line is 1.45 em high (Noto CJK's ascent + descent is 1.448 em; SimSun's is smaller), plus 4 points
  of cell padding per row.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

DIGIT_PX = 7                 # Calibri 11 "0" at 96 dpi: Excel's column-width unit
PX_PER_PT = 96 / 72
COLUMN_PADDING_PX = 5        # Excel adds 5 px to a column's width in characters (2 margins + grid line)
CELL_MARGIN_PX = 8           # inner left + right margin, both applications, rounded up
INDENT_PX = 12               # one indent level (Excel: about one wide glyph; LibreOffice similar)
NARROW_EM = 0.62
LINE_EM = 1.45
ROW_PADDING_PT = 4.0
TOP_PADDING_PT = 2.3         # LibreOffice: from the row's top edge to the first line box
PDF_LINE_EM = 1.44           # LibreOffice's line pitch for Noto Serif CJK SC (measured)
MAX_ROW_PT = 409.0           # Excel's limit for one row
SAFETY = 0.97                # keep 3 % of the line free for rounding and kerning
BOLD_WIDER = 1.08             # a bold face's glyphs are this much wider (CJK and Latin, measured loosely)

_NO_LINE_START = set("，。；：、！？）》」』】〉’”%％,.;:!?)]}·…")


@lru_cache(maxsize=None)
def char_em(ch: str) -> float:
    """Advance of one character in em: 1 for CJK and ambiguous-width symbols, NARROW_EM otherwise."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else NARROW_EM


@lru_cache(maxsize=4096)
def count_lines(text: str, width_pt: float, font_size: float) -> int:
    """Lines ``text`` takes when wrapped in a box ``width_pt`` wide (explicit newlines respected).

    Unbreakable pieces (one CJK character with the closing punctuation glued to it, or a run of Latin
    letters and digits) fill each line greedily; a piece wider than a line is broken by character.
    One pass per paragraph, a character at a time; a paragraph of many lines a line at a time
    (``_long_lines``, the same count). Cached: a department's filings repeat the same texts and values
    many times (the latest few thousand: a cache of every text of a large filing held megabytes at the
    peak of a refresh)."""
    if not text:
        return 1
    room = max(width_pt * SAFETY, font_size)  # at least one glyph per line
    if len(text) > LONG_LINES * room / font_size:
        lines = _long_lines(text, room, font_size)
        if lines is not None:
            return lines
    return _char_lines(text, room, font_size)


def _char_lines(text: str, room: float, font_size: float) -> int:
    """``count_lines`` a character at a time: a piece is placed when the next one starts; what the pass
    needs of a character (its width, whether it is narrow, whether it is glued) is one look-up
    (``_INFO``)."""
    info = _INFO
    total = 0
    short = (room - 1e-6) / font_size           # no character is wider than 1 em: this many fit on a line
    for paragraph in text.split("\n"):
        if len(paragraph) <= short:
            total += 1
            continue
        lines, used = 1, 0.0
        piece, start, prev_narrow = None, 0, False      # the piece being read: its width in em, its start
        for i, ch in enumerate(paragraph):
            try:
                w, narrow, glued = info[ch]
            except KeyError:
                w, narrow, glued = _info(ch)
            if piece is not None and (glued or (narrow and prev_narrow)):
                piece += w
            else:
                if piece is not None:
                    size = piece * font_size
                    if used + size <= room:
                        used += size
                    elif size <= room:
                        lines, used = lines + 1, size
                    else:
                        lines, used = _broken(paragraph[start:i], lines, used, room, font_size)
                piece, start = w, i
            prev_narrow = narrow
        if piece is not None:                          # the last piece: only the count of lines matters now
            size = piece * font_size
            if used + size > room:
                lines = lines + 1 if size <= room else _broken(paragraph[start:], lines, used, room, font_size)[0]
        total += lines
    return total


_INFO: dict[str, tuple[float, bool, bool]] = {}     # character → (width in em, narrow, glued)


def _info(ch: str) -> tuple[float, bool, bool]:
    w = _EM[ch] = char_em(ch)
    found = _INFO[ch] = (w, w < 1 and not ch.isspace(), ch in _NO_LINE_START)
    return found


def _broken(run: str, lines: int, used: float, room: float, font_size: float) -> tuple[int, float]:
    """(lines, room used on the last) after a run longer than the line, broken by character."""
    for ch in run:
        step = _EM[ch] * font_size
        if used + step > room:
            lines, used = lines + 1, 0.0
        used += step
    return lines, used


_EM: dict[str, float] = {}


# ------------------------------------------------------------------- a paragraph of many lines at once
#
# ``count_lines`` of a long text (the 公开表's indicators of a project: 400 characters, 13 lines) a line
# at a time, with the same count as the character-by-character pass: the widths are whole hundredths of
# an em (``EM_UNITS``: 1 em is 100, ``NARROW_EM`` 62) and the line's room, in those units, is not within
# a rounding error of a whole number (else the pass by character counts), so every comparison the pass
# makes comes out the same. The characters are classed on bytes: every character GBK encodes is either
# ASCII or one em wide (East Asian Width W, F or A — held by ``tests/test_textfit.py`` for the Unicode
# version of the Python running it, and true of Unicode 9.0 to 15.1), so a text GBK encodes is a string
# of bytes, one a character, after ``str.encode("ascii", "replace")``: "?" a wide character, DEL one
# glued to the character before it (a real "?" is glued and narrow like "!", DEL in the text leaves it to
# the pass by character).

LONG_LINES = 4                  # a text longer than this many lines of its widest characters: a line at a time
EM_UNITS = 100
_NARROW_UNITS = round(NARROW_EM * EM_UNITS)
_SAVED = EM_UNITS - _NARROW_UNITS
_TIE = 1e-6                     # a line's room closer than this to a whole number of units: counted by character
_WIDE, _WIDE_GLUED = "?", "\x7f"
# the versions of Unicode (``unicodedata.unidata_version``) whose East Asian Widths of every character GBK
# encodes were checked (Python 3.6 to 3.13); another one counts by character
GBK_WIDE_IN = frozenset({"9.0.0", "11.0.0", "12.1.0", "13.0.0", "14.0.0", "15.0.0", "15.1.0"})
_GLUED_WIDE = re.compile("[" + re.escape("".join(sorted(c for c in _NO_LINE_START if ord(c) > 127))) + "]")


def _byte_table(of) -> bytes:
    """A table for ``bytes.translate``: 1 where ``of(character)`` holds of an ASCII byte, 0 elsewhere;
    the two wide markers are wide characters (not narrow), DEL glued."""
    out = bytearray(256)
    for b in range(128):
        ch = chr(b)
        if ch == _WIDE:
            info = (1.0, False, False)
        elif ch == _WIDE_GLUED:
            info = (1.0, False, True)
        else:
            info = _INFO.get(ch) or _info(ch)
        out[b] = 1 if of(info) else 0
    return bytes(out)


_NARROW_WIDTH = _byte_table(lambda info: info[0] < 1)
_NARROW = _byte_table(lambda info: info[1])
_GLUED = _byte_table(lambda info: info[2])
assert _info("?") == _info("!") and all(char_em(chr(b)) == NARROW_EM for b in range(128))


def _long_lines(text: str, room: float, font_size: float) -> int | None:
    """``count_lines`` of ``text`` a line at a time, or None where the pass by character counts it: a
    line's room within ``_TIE`` of a whole number of units, a character GBK does not encode, DEL."""
    units = room * EM_UNITS / font_size
    if abs(units - round(units)) < _TIE or unicodedata.unidata_version not in GBK_WIDE_IN or _WIDE_GLUED in text:
        return None
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return None
    short = (room - 1e-6) / font_size
    return sum(1 if len(paragraph) <= short else _paragraph_lines(paragraph, units)
               for paragraph in text.split("\n"))


def _paragraph_lines(paragraph: str, room: float) -> int:
    """Lines of one paragraph (every character ASCII or wide) in a line ``room`` units wide: the
    characters as bytes, three masks of them (narrow width; narrow, which joins a narrow one before it;
    glued), the pieces' joins as one mask (``joined``: 0 where a piece starts); then each line takes the
    characters that fit, counted by the wide ones at a time, and ends at the last piece's start among
    them."""
    b = _GLUED_WIDE.sub(_WIDE_GLUED, paragraph.replace("?", "!")).encode("ascii", "replace")
    n = len(b)
    narrow_width = b.translate(_NARROW_WIDTH)
    narrow = int.from_bytes(b.translate(_NARROW), "little")
    joined = (int.from_bytes(b.translate(_GLUED), "little") | (narrow & (narrow << 8))).to_bytes(n, "little")
    count = narrow_width.count
    lines, used, p = 1, 0, 0
    while True:
        q, left = p, room - used                        # p … q-1 fit on the line
        while left >= EM_UNITS:
            k = int(left // EM_UNITS)                   # k more fit, however narrow they are
            if q + k >= n:
                return lines
            left -= EM_UNITS * k - _SAVED * count(1, q, q + k)
            q += k
        if q < n and narrow_width[q] and left >= _NARROW_UNITS:
            q += 1
        if q >= n:
            return lines
        if not joined[q] and (q + 1 == n or not joined[q + 1]):
            lines, used, p = lines + 1, 0, q            # a piece of one character starts the next line
            continue
        end = joined.rfind(0, p + 1, q + 1)             # the pieces that fit whole end there
        if end > p:
            used += EM_UNITS * (end - p) - _SAVED * count(1, p, end)
            p = end
        stop = joined.find(0, p + 1)                    # the piece that does not fit
        if stop < 0:
            stop = n
        if EM_UNITS * (stop - p) - _SAVED * count(1, p, stop) <= room:
            lines, used = lines + 1, 0                  # on the next line (with what follows it)
            continue
        for k in range(p, stop):                        # wider than a line: broken by character
            step = _NARROW_UNITS if narrow_width[k] else EM_UNITS
            if used + step > room:
                lines, used = lines + 1, 0
            used += step
        p = stop
        if p >= n:
            return lines


def text_box_points(column_width: float, indent: int = 0) -> float:
    """Room for text in points inside a column of stored width ``column_width``."""
    px = column_width * DIGIT_PX - CELL_MARGIN_PX - indent * INDENT_PX
    return max(px, DIGIT_PX) / PX_PER_PT


def column_points(width: float) -> float:
    """A column of ``width`` characters (what desktop Excel's ColumnWidth and xlsxwriter take) in points,
    the unit Office.js' ``RangeFormat.columnWidth`` takes: ``width`` digits plus Excel's 5-pixel
    padding, at 96 dpi."""
    return round((width * DIGIT_PX + COLUMN_PADDING_PX) / PX_PER_PT, 2)


def row_points(lines: int, font_size: float) -> float:
    """Height in points of a row showing ``lines`` lines, rounded up to whole pixels (0.75 pt)."""
    raw = lines * font_size * LINE_EM + ROW_PADDING_PT
    return math.ceil(raw / 0.75) * 0.75


def text_width_chars(text: str, font_size: float) -> float:
    """Column width (stored unit) that shows ``text`` on one line."""
    points = sum(char_em(c) for c in text) * font_size
    return (points * PX_PER_PT + CELL_MARGIN_PX) / DIGIT_PX / SAFETY


def clip(text: str, limit: int) -> str:
    """``text`` when it has at most ``limit`` characters, else its beginning and a note saying how
    long it was (never a silent cut)."""
    if len(text) <= limit:
        return text
    tail = f"……（以下省略，共 {len(text):,} 字）"
    return text[:max(limit - len(tail), 0)] + tail


def fitted_height(cells: list[tuple[str, float]], font_size: float = 11.0) -> float:
    """Row height (points, capped at Excel's 409) showing every (text, column width) cell in full."""
    lines = 1
    for text, width in cells:
        if text:
            room, short = _room(width, font_size)
            if len(text) > short or "\n" in text:
                lines = max(lines, count_lines(text, room, font_size))
            # else one line, as count_lines says of a text no longer than a line of its widest characters
    return min(MAX_ROW_PT, max(15.0, row_points(lines, font_size)))


class RowFitter:
    """``fitted_height`` of many rows of texts in the same columns (校验结果: 20,000 rows at 5k): each
    column's room worked out once; in the columns ``kept`` (indexes), the lines of each text counted
    once — a project's name, a suggestion repeat on many rows, further apart than ``count_lines``'s
    cache of the latest texts reaches. What is kept goes with the fitter."""

    def __init__(self, widths: list[float], font_size: float = 11.0, kept: tuple[int, ...] = ()) -> None:
        self.font_size = font_size
        self.columns = [(*_room(w, font_size), {} if k in kept else None) for k, w in enumerate(widths)]

    def height(self, texts) -> float:
        """``fitted_height(list(zip(texts, widths)), font_size)``."""
        lines, size = 1, self.font_size
        for (room, short, kept), text in zip(self.columns, texts):
            if text and (len(text) > short or "\n" in text):
                if kept is None:
                    n = count_lines(text, room, size)
                else:
                    n = kept.get(text)
                    if n is None:
                        n = kept[text] = count_lines(text, room, size)
                if n > lines:
                    lines = n
        return min(MAX_ROW_PT, max(15.0, row_points(lines, size)))


@lru_cache(maxsize=256)
def _room(width: float, font_size: float) -> tuple[float, float]:
    """(room for text in a column ``width`` wide, the characters of its widest kind a line holds): a sheet
    asks for a few widths many times (校验结果: four columns, 20,000 rows at 5k)."""
    room = text_box_points(width)
    return room, (max(room * SAFETY, font_size) - 1e-6) / font_size
