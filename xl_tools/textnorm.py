"""Normalisation of Chinese text for parsing (never applied to what is stored or shown).

Full-width ASCII forms (０-９, Ａ-Ｚ, ％, ＞, （, ：, ；, ...) become their ASCII twins, the ideographic space
becomes a space, and a few look-alike symbols are folded (≧ → ≥, ～ → ~). User text is kept as written;
these functions only feed parsers and comparisons.
"""

from __future__ import annotations

import re
import unicodedata

_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_TABLE.update({
    0x3000: ord(" "),   # ideographic space
    0x00A0: ord(" "),   # no-break space
    0x2264: ord("≤"), 0x2266: ord("≤"), 0x2A7D: ord("≤"),  # ≤ ≦ ⩽
    0x2265: ord("≥"), 0x2267: ord("≥"), 0x2A7E: ord("≥"),  # ≥ ≧ ⩾
    0x301C: ord("~"), 0xFF5E: ord("~"), 0x223C: ord("~"),  # 〜 ～ ∼
    0x2212: ord("-"), 0x2013: ord("-"), 0x2014: ord("-"), 0x2015: ord("-"),  # − – — ―
    0x3002: 0x3002,  # keep 。
    0xFE6A: ord("%"),  # small percent
    0x2030: 0x2030,  # keep ‰
})

# invisible format characters (zero-width spaces and joiners, bidirectional controls, the BOM, the
# soft hyphen): nothing a reader sees, so nothing a parser may trip over
_INVISIBLE = {cp: None for cp in (0x00AD, 0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F),
                                  *range(0x2060, 0x2065), *range(0x2066, 0x2070), 0xFEFF, 0xFFF9, 0xFFFA,
                                  0xFFFB)}
_WS = re.compile(r"\s+")
_BRACKETS = re.compile(r"[（(][^（）()]*[）)]")
# a year or a span of years in a name: 2024年, 2024年度, 2023年-2024年, 2023-2024年
_YEARS = re.compile(r"20\d{2}\s*年?\s*(?:度)?\s*(?:[-~至到]\s*20\d{2}\s*年?)?")


# Glyphs a PDF's font maps to a radical code point although they show the whole ideograph: Chromium's
# "print to PDF", WPS and many converters write 「项⽬⽀出」 (U+2F6C KANGXI RADICAL EYE, U+2F00–U+2FD5,
# folded by NFKC) and 「⻋」「⻔」 (CJK Radicals Supplement, no decomposition: the ideographs these radicals
# stand for as whole characters, after Unicode's EquivalentUnifiedIdeograph.txt).
_RADICAL_SUPPLEMENT = dict(zip(
    (0x2E9F, 0x2EA0, 0x2EC1, 0x2EC4, 0x2EC5, 0x2EC6, 0x2EC9, 0x2ECB, 0x2ED1, 0x2ED3, 0x2ED4, 0x2ED8, 0x2ED9,
     0x2EDA, 0x2EDB, 0x2EDC, 0x2EDD, 0x2EE2, 0x2EE3, 0x2EE4, 0x2EE5, 0x2EE6, 0x2EE7, 0x2EE8, 0x2EE9, 0x2EEA,
     0x2EEC, 0x2EEE, 0x2EF0, 0x2EF3),
    "母民虎西见角贝车長长门青韦页风飞食马骨鬼鱼鸟卤麦黄黾齐齿龙龟"))
_RADICAL = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff]")


def _ideograph(match: re.Match) -> str:
    ch = match.group()
    folded = _RADICAL_SUPPLEMENT.get(ord(ch))
    if folded:
        return folded
    if ch >= "\u2f00":
        return unicodedata.normalize("NFKC", ch)
    return ch


def fold_radicals(text: str) -> str:
    """A PDF's text with radical and compatibility code points turned into the ideographs they show
    (「项⽬⽀出」 → 「项目支出」, 「⻋辆」 → 「车辆」): what the reader of the page sees. Radicals that stand
    for a component only (⻊, ⺮) are kept."""
    return _RADICAL.sub(_ideograph, text) if _RADICAL.search(text) else text


_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(text: str) -> str:
    """``text`` as Unicode can store it: UTF-16 surrogates that a reader passed on (Excel writes half an
    emoji as ``_xD83D_``; JSON may hold ``"\\ud83d"``) paired into their character where they form a
    pair, a lone one replaced by U+FFFD (�, which the user sees). Nothing else is changed; every
    writer and terminal can then encode the text."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def well_formed_value(value):
    """``well_formed`` for a text value; any other value unchanged."""
    return well_formed(value) if isinstance(value, str) else value


# the characters _TABLE changes, each to its one character: most texts have none (finding one is far cheaper
# than changing it), the others few, and replacing those where they stand is 3× faster than ``str.translate``
# (a dict look-up for every character) on a 200-character 绩效目标 with its ，and （）
_FOLDED = {chr(c): chr(to) for c, to in _TABLE.items() if c != to}
_CHANGED = re.compile("[" + "".join(re.escape(c) for c in sorted(_FOLDED)) + "]")
_fold = _FOLDED.__getitem__


def _folded(match: re.Match) -> str:
    return _fold(match.group())


def to_halfwidth(text: str) -> str:
    """Full-width ASCII variants → ASCII; ideographic space → space; look-alikes folded."""
    return _CHANGED.sub(_folded, text) if _CHANGED.search(text) else text


def drop_invisible(text: str) -> str:
    """``text`` without invisible format characters (U+200B, U+202E, …): for parsers only."""
    return text.translate(_INVISIBLE)


def clean_ws(text: str) -> str:
    """Remove line breaks (PDF wraps) and surrounding white space; inner spaces are kept."""
    text = text.replace("\r", "").replace("\n", "")
    return text.strip(" \t\u3000\u00a0")


def squash(text: str) -> str:
    """Comparison key: half-width, all white space (including full-width) removed."""
    return "".join(to_halfwidth(text).split())       # str.split's white space is the regex's \s


def name_key(text: str | None) -> str:
    """Key under which two names are the same (padding and full-width spaces ignored)."""
    return squash(text or "")


def name_core(name: str | None) -> str:
    """An indicator name as a comparison key: brackets like （%） dropped, width and spaces folded."""
    name = name or ""
    if "（" in name or "(" in name:
        name = _BRACKETS.sub("", name)
    if _CHANGED.search(name):                              # squash(name), written out: once per indicator name
        name = _CHANGED.sub(_folded, name)
    return "".join(name.split())


# name_cores: the names joined by a character no cell text holds, and brackets that stop at it (a pair, as
# _BRACKETS finds one, within one name)
_APART = "\x00"
_BRACKETS_APART = re.compile(r"[（(][^（）()\x00]*[）)]")
_SPACE = re.compile(r"\s")


def name_cores(names: list[str]) -> list[str]:
    """``name_core`` of each of ``names`` (texts), worked out over all of them at once: each expression runs
    once over the names joined, not once per name (30,000 indicator names: half the time of a call each).
    The same cores as ``name_core``: a pair of brackets stays within its name, and str.split's white space
    is the regex's \\s."""
    if not names:
        return []
    joined = _APART.join(names)
    if joined.count(_APART) != len(names) - 1:      # a name holding the separator itself: one at a time
        return [name_core(n) for n in names]
    if "（" in joined or "(" in joined:
        joined = _BRACKETS_APART.sub("", joined)
    if _CHANGED.search(joined):
        joined = _CHANGED.sub(_folded, joined)
    if _SPACE.search(joined):
        joined = _WS.sub("", joined)
    return joined.split(_APART)


def without_years(name: str | None) -> str:
    """A project name as a comparison key with its years left out (2024年智慧校园… ~ 2025年智慧校园…)."""
    key = squash(name or "")
    return _YEARS.sub("", key) if "20" in key else key        # every year it drops starts with 20
