"""A cell's own look, as far as a highlight changes it: its fill and its font colour.

The plan carries this description between refreshes (in the state sheet, following the cell when its
row moves) and in the op that takes a highlight off; each writer gives it back its own way: the file
writer writes the colours exactly as the workbook stated them (an RGB, a theme colour with its tint,
an indexed colour), the live writer (xlwings) sets the nearest RGB. Nothing here knows a writer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NATIVE = re.compile(r"^[0-9A-Za-z:._-]{1,40}$")
_COLOUR = re.compile(r"^(?:[0-9A-F]{6}|theme:\d{1,2}(?::-?[01](?:\.\d{1,17})?(?:E-?\d{1,3})?)?|indexed:\d{1,2})$")
# Office's default theme (Office 2013–2022), by theme index as cells refer to it: lt1, dk1, lt2, dk2,
# accent1–6, hyperlink, followed hyperlink (the file writer never needs this: it writes the reference)
THEME = ("FFFFFF", "000000", "E7E6E6", "44546A", "4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5",
         "70AD47", "0563C1", "954F72")


@dataclass(frozen=True)
class Look:
    """The fill and font colour of a cell before the tool coloured it.

    A colour is "RRGGBB", "theme:N" or "theme:N:tint", or "indexed:N"; ``fill`` None: no fill;
    ``font`` None: the automatic font colour. ``inherited``: the cell had no format of its own (it
    showed its row's or column's), so a writer that created it may remove it again when it is blank.
    ``native``: the writer's own note of the same look, which only that writer reads (the file
    writer: the index of the cell format and what it looked like, to give back that very format);
    the others go by the colours.
    """

    fill: str | None = None
    font: str | None = None
    inherited: bool = False
    native: str | None = None

    def text(self) -> str:
        """As the state sheet keeps it: "fill|font" ("-" for none), "|i" when inherited, "|@native"."""
        return f"{self.fill or '-'}|{self.font or '-'}" + ("|i" if self.inherited else "") + \
            (f"|@{self.native}" if self.native else "")

    @classmethod
    def of_text(cls, text: object) -> Look | None:
        """The look ``text`` describes, None when it is not one ``text()`` writes."""
        if not isinstance(text, str) or len(text) > 80:
            return None
        parts = text.split("|")
        rest = parts[2:]
        inherited = bool(rest) and rest[0] == "i"
        native = rest[-1][1:] if rest and rest[-1].startswith("@") else None
        if len(parts) < 2 or len(rest) != inherited + (native is not None) or \
                (native is not None and not _NATIVE.match(native)):
            return None
        fill, font = (None if p == "-" else p for p in parts[:2])
        if any(c is not None and not _COLOUR.match(c) for c in (fill, font)):
            return None
        return cls(fill, font, inherited, native)

    @property
    def fill_rgb(self) -> str | None:
        return rgb(self.fill)

    @property
    def font_rgb(self) -> str | None:
        return rgb(self.font)


def rgb(colour: str | None) -> str | None:
    """"RRGGBB" of a colour of a ``Look`` (theme colours of Office's default theme, tints applied)."""
    if colour is None:
        return None
    if colour.startswith("indexed:"):
        from openpyxl.styles.colors import COLOR_INDEX  # the legacy indexed palette, 0–63
        k = int(colour.split(":")[1])
        return COLOR_INDEX[k][2:] if k < len(COLOR_INDEX) else None     # 64, 65: the system colours
    if colour.startswith("theme:"):
        parts = colour.split(":")
        k = int(parts[1])
        base = THEME[k] if k < len(THEME) else "000000"
        return _tinted(base, float(parts[2])) if len(parts) > 2 else base
    return colour


def _tinted(base: str, tint: float) -> str:
    channels = [int(base[k:k + 2], 16) for k in (0, 2, 4)]
    if tint < 0:
        channels = [round(c * (1 + tint)) for c in channels]
    else:
        channels = [round(c + (255 - c) * tint) for c in channels]
    return "".join(f"{max(0, min(255, c)):02X}" for c in channels)
