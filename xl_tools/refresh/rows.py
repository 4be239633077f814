"""Which row is which after the person moved rows: row hashes, and last refresh's rows found again.

A refresh records, for each data sheet, a short hash of every row (``row_hash``: the cells the person
types, not 序号 nor the tool's helper columns) and, for the rows that carry a mark, a hash per cell
(``cell_hashes``). The next refresh compares them with the rows as they are now (``relocate``):

1. rows whose hash is found again are the same rows, wherever they are now (rows inserted, deleted,
   sorted, moved) — equal hashes are paired in order;
2. the rows left over (changed since: the person corrected them) are paired inside the gap between the
   rows found again around them: one for one when the gap holds as many rows before as now, else by
   the most cells in common (at least half of them);
3. the others are gone (deleted rows, or rewritten beyond recognition).

The result maps each old row number to its row now (or None), so the tool's marks, notes, cell looks
and fills of the last refresh follow the rows they were on. Nothing here knows Excel: values come from
any workbook view.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import zlib
from typing import Iterable, Sequence

HASH_CHARS = 8                 # one row: crc32 as 8 hex digits
CELL_CHARS = 4                 # one cell of a marked row
_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.0+)?Z?$")
_SEP = "\x1f"


def cell_text(value) -> str:
    """A cell's value as the same text whichever view read it (file or live Excel): numbers without a
    trailing .0, dates as YYYY-MM-DD, text stripped; blank as ""."""
    if value is None:
        return ""
    if type(value) is str:                       # the usual cell: text, read as typed
        text = value.strip()
        if len(text) < 20 or text[10] != "T":
            return text
        m = _ISO_DAY.match(text)
        return m.group(1) if m else text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        f = float(value)
        return str(int(f)) if f.is_integer() and abs(f) < 2 ** 53 else repr(f)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    m = _ISO_DAY.match(text)
    return m.group(1) if m else text


def row_hash(values: Sequence) -> str:
    """The hash of a row's cells (``cell_text`` of each); "" for a row with nothing in it."""
    texts = [cell_text(v) for v in values]
    if not any(texts):
        return ""
    return f"{zlib.crc32(_SEP.join(texts).encode('utf-8')):08x}"


def cell_hashes(values: Sequence) -> str:
    """Per-cell hashes of a row, "." separated ("" for a blank cell)."""
    return ".".join(f"{zlib.crc32(t.encode('utf-8')) & 0xFFFF:04x}" if (t := cell_text(v)) else "" for v in values)


def similarity(a: str, b: str) -> float:
    """Share of the cells two ``cell_hashes`` have in common (blank cells on both sides not counted)."""
    xs, ys = a.split("."), b.split(".")
    n = max(len(xs), len(ys))
    xs += [""] * (n - len(xs))
    ys += [""] * (n - len(ys))
    filled = [(x, y) for x, y in zip(xs, ys) if x or y]
    if not filled:
        return 0.0
    return sum(x == y for x, y in filled) / len(filled)


def relocate(old: dict[int, str], now: dict[int, str], marked: dict[int, str],
             now_cells) -> dict[int, int | None]:
    """Old row → row now (None: gone), for every row of ``marked``.

    ``old``/``now``: row number → ``row_hash`` (rows with nothing in them left out); ``marked``: old row →
    its ``cell_hashes``; ``now_cells(row)``: the ``cell_hashes`` of a row now."""
    if all(now.get(r) == old.get(r) for r in marked):
        return {r: r for r in marked}               # nothing moved where the marks are: the usual case
    pairs = _same_hashes(old, now)
    if not pairs:
        return {r: r for r in marked}               # nothing found again: the rows stay where they were
    taken = set(pairs.values())
    anchors = sorted(pairs)
    out: dict[int, int | None] = {}
    for r in sorted(marked):
        if r in pairs:
            out[r] = pairs[r]
            continue
        k = bisect.bisect(anchors, r)
        a_old = anchors[k - 1] if k else None
        b_old = anchors[k] if k < len(anchors) else None
        a_new = pairs[a_old] if a_old is not None else None
        b_new = pairs[b_old] if b_old is not None else None
        if a_new is not None and b_new is not None and a_new < b_new:
            if b_old - a_old == b_new - a_new:       # as many rows between as before: edited in place
                out[r] = a_new + (r - a_old)
                continue
            free = [c for c in range(a_new + 1, b_new) if c not in taken]
        elif a_new is not None and b_new is None:    # after the last row found again
            out[r] = a_new + (r - a_old)
            continue
        elif a_new is None and b_new is not None and b_new - (b_old - r) >= 1:
            out[r] = b_new - (b_old - r)             # before the first row found again
            continue
        else:                                        # rows sorted around it: any row not found again
            free = [c for c in now if c not in taken]
        out[r] = _most_alike(r, marked[r], free, now_cells)
        if out[r] is None and a_new is not None and b_new is not None:
            # moved out from between its neighbours and edited too (a fixed cell, cut and inserted
            # lower): the edited rows elsewhere, the only ones not found again
            out[r] = _most_alike(r, marked[r], [c for c in now if c not in taken and c not in free], now_cells)
    owner = {c: r for r, c in pairs.items()}
    used: set[int] = set()
    for r in sorted(out):                            # never two old rows on one row now
        c = out[r]
        if c is not None and ((c in owner and owner[c] != r) or c in used or c < 1):
            out[r] = None
        elif c is not None:
            used.add(c)
    return out


def _most_alike(r: int, cells: str, free: list[int], now_cells) -> int | None:
    """The row of ``free`` with the most cells in common with ``cells`` (at least half), nearest to
    ``r`` among equals; None when none is alike enough."""
    best, score = None, 0.5
    for c in free:
        s = similarity(cells, now_cells(c))
        if s > score or (s == score and (best is None or abs(c - r) < abs(best - r))):
            best, score = c, s
    return best


def _same_hashes(old: dict[int, str], now: dict[int, str]) -> dict[int, int]:
    """Old row → row now for rows whose hash is found again (equal hashes paired in row order)."""
    where: dict[str, list[int]] = {}
    for r in sorted(now):
        where.setdefault(now[r], []).append(r)
    pairs: dict[int, int] = {}
    used: dict[str, int] = {}
    for r in sorted(old):
        h = old[r]
        rows = where.get(h)
        k = used.get(h, 0)
        if rows and k < len(rows):
            pairs[r] = rows[k]
            used[h] = k + 1
    return pairs


def hashes_text(rows: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """Runs of consecutive rows as (first row, concatenated hashes; a row with nothing in it as
    "--------"), for the state sheet."""
    out: list[tuple[int, list[str]]] = []
    prev = None
    for r, h in sorted(rows):
        if prev is not None and r == prev + 1 and len(out[-1][1]) < RUN_ROWS:
            out[-1][1].append(h or BLANK)
        elif prev is not None and r - prev <= 8 and len(out[-1][1]) + (r - prev) <= RUN_ROWS:
            out[-1][1].extend([BLANK] * (r - prev - 1) + [h or BLANK])
        else:
            out.append((r, [h or BLANK]))
        prev = r
    return [(first, "".join(hs)) for first, hs in out]


def hashes_of_text(first: int, text: str) -> dict[int, str] | None:
    """The rows of one run written by ``hashes_text`` (None when the text is not one)."""
    if len(text) % HASH_CHARS or not _HEX_RUN.match(text):
        return None
    out = {}
    for k in range(0, len(text), HASH_CHARS):
        h = text[k:k + HASH_CHARS]
        if h != BLANK:
            out[first + k // HASH_CHARS] = h
    return out


BLANK = "-" * HASH_CHARS
RUN_ROWS = 3000                 # rows per state cell: 24,000 characters, under Excel's 32,767
_HEX_RUN = re.compile(r"^[0-9a-f-]*$")
