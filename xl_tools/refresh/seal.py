"""The seal of a refreshed file: what lets a refresh of a file nothing has changed since skip all work.

A refresh that writes a file also seals it: the state sheet (``_xltools``, its ``digest`` row) carries a
digest of every input the next refresh of that file depends on —

- every part of the written package, as the zip holds it decompressed, in the zip's order, the state
  sheet itself included but for the 64 characters of the seal (``SEAL_CELL``), which are hashed as
  zeros; docProps too (nothing reads them, but Excel rewrites them on every save anyway);
- the tool itself: its version and the bytes of every file of the package (code, rule catalogue,
  profiles, frameworks: ``xl_tools/data``), the versions of Python, of its Unicode tables and of the
  libraries that read a workbook (lxml, openpyxl, python-calamine);
- the refresh's options: ``draft``, the bytes of the ``config`` file, the file's suffix (.xlsx/.xlsm);
  the limits (``limits.ALL``, as the environment sets them). No rule reads the clock; the plan reads it
  only for the stamp of a refresh that changes something;

— and what the next refresh will report without running the rules (``OUTCOME_CELL``: the summary and
its stamp, the counts, the findings in hidden rows, the drafted lines waiting). The refresh that writes
seals only when the file it wrote is one its next refresh will find unchanged (``RefreshOutcome.settled``,
every note written): a refresh that reported a state sheet it could not read whole, or could not write
a note would write again (what an import found is kept in the state, ``imported``: reported again) (one that filled cells in is sealed: its next refresh
lists those fills again, ``fills.latest_fills``, and finds nothing changed). A file the
full path finds unchanged is not written, so it is not sealed either (a workbook saved by another
program with nothing changed, a workbook of an older version): it is sealed by the next refresh that
writes it.

``unchanged`` is that next refresh: it reads the zip's members, hashes them, and when the digest is the
seal, the file is exactly what the tool wrote with these options and this tool, so the full refresh
would find nothing changed: nothing is written (in place: the file is not touched at all; with an
output file: a byte copy, as the full path makes) and the stored report is given. Any difference — a
byte changed by Excel, WPS, LibreOffice, the person or another program, another tool version, other
options — and the file takes the full path, which stays the source of truth
(``tests/test_refresh_seal.py`` runs both on many workbooks and compares all they say and write).

Light on purpose: zipfile and hashlib, nothing that reads a workbook.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import struct
import sys
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .. import __version__, limits
from ..errors import XlToolsError
from ..fileio import atomic_target, read_source
from ..xlsxfile import reading, sniff
from .results import report_text

SEAL_CELL, OUTCOME_CELL = "E2", "D2"         # on the state sheet's ``digest`` row (older readers ignore them)
PLACEHOLDER = "0" * 64
_SEAL = re.compile(rb'<c r="E2"(?: s="\d+")? t="inlineStr"><is><t>([0-9a-f]{64})</t></is></c>')
_OUTCOME = re.compile(rb'<c r="D2"(?: s="\d+")? t="inlineStr"><is><t>([A-Za-z0-9+/=]{1,4000})</t></is></c>')
MAX_STATE_PART = 64 << 20                    # a state sheet larger than this is not looked into
LIBRARIES = ("lxml", "openpyxl", "python-calamine")
FORMAT = b"xl-tools seal 1\0"


def check_paths(path: Path, out: Path) -> None:
    """What every refresh of a file checks first: a workbook package (``xlsxfile.sniff``), and an output
    of the input's kind."""
    sniff(path)
    if out.suffix.lower() != path.suffix.lower():
        raise XlToolsError(f"输出文件的扩展名须与输入相同（{path.suffix}）", file=str(out))


# ------------------------------------------------------------------------------------------ inputs

@lru_cache(maxsize=1)
def _tool() -> bytes:
    """The tool as it runs: its version, every file of the package, Python and the readers' versions."""
    from importlib import metadata
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"):
            rel = p.relative_to(root).as_posix().encode()
            h.update(len(rel).to_bytes(4, "big") + rel + hashlib.sha256(p.read_bytes()).digest())
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return json.dumps({"version": __version__, "files": h.hexdigest(), "python": sys.version,
                       "unicode": unicodedata.unidata_version, "libraries": versions}, sort_keys=True).encode()


def context(path: Path, *, draft: bool, config_path=None) -> bytes | None:
    """Every input of a refresh of ``path`` besides the file itself, as bytes; None when one cannot be
    read (then nothing is sealed and no seal is trusted)."""
    try:
        config = None if config_path is None else hashlib.sha256(Path(config_path).read_bytes()).hexdigest()
        tool = _tool()
        bounds = {lim.env: limits.value(lim) for lim in limits.ALL}
    except (OSError, XlToolsError):          # the full path says what is wrong, where it matters
        return None
    options = {"draft": bool(draft), "config": config, "suffix": path.suffix.lower(), "limits": bounds}
    return tool + b"\0" + json.dumps(options, sort_keys=True).encode()


def _fold(context_: bytes, members: list[tuple[str, bytes]]) -> str:
    h = hashlib.sha256(FORMAT + len(context_).to_bytes(4, "big") + context_)
    for name, digest in members:
        raw = name.encode("utf-8", "surrogateescape")
        h.update(len(raw).to_bytes(4, "big") + raw + digest)
    return h.hexdigest()


# ------------------------------------------------------------------------------------------ writing

def record(outcome) -> dict:
    """What the next refresh of the written file reports (``RefreshOutcome``'s fields for
    ``results.report_text``)."""
    return {"summary": outcome.summary, "stamp": outcome.stamp, "hidden": outcome.hidden,
            "pending": outcome.pending, "counts": outcome.counts}


def stamped(rows: list[list], what: dict) -> list[list]:
    """The state sheet's rows with the seal's two cells on the ``digest`` row: the outcome (base64 of
    its JSON: no character XML or Excel would escape) and the placeholder of the seal."""
    out = [list(r) for r in rows]
    digest_row = next(k for k, r in enumerate(out) if r and r[0] == "digest")
    if digest_row != 1:
        raise ValueError("the state sheet's digest row moved: the seal's cells are on row 2")
    text = base64.b64encode(json.dumps(what, ensure_ascii=False, sort_keys=True).encode()).decode()
    row = (out[digest_row] + [None] * 5)[:5]
    row[3], row[4] = text, PLACEHOLDER
    out[digest_row] = row
    return out


class Sealer:
    """Hashes the parts of a package as ``ooxml.package.Package.save`` writes them (``last``, the state
    sheet, written after all others), and puts the seal into the last one."""

    def __init__(self, context_: bytes, last: str) -> None:
        self.context, self.last = context_, last
        self.members: list[tuple[str, bytes]] = []

    def member(self, name: str, digest: bytes) -> None:
        self.members.append((name, digest))

    def write_sealed(self, open_part, dst) -> None:
        """Write the last part to ``dst`` with the seal in its placeholder, the part read twice from the
        streams ``open_part()`` opens (hashed, then copied): never held whole (the state sheet of 5,000
        projects is 3 MB; held and copied, it was 8 MB at the end of a refresh)."""
        h, head, m = hashlib.sha256(), b"", None
        with open_part() as src:
            while chunk := src.read(_CHUNK):
                h.update(chunk)
                if m is None:
                    head += chunk
                    m = _SEAL.search(head)
        if m is None or m.group(1) != PLACEHOLDER.encode():
            raise ValueError(f"{self.last}: the seal's placeholder is not where the state sheet has it")
        value = _fold(self.context, [*self.members, (self.last, h.digest())])
        with open_part() as src:
            dst.write(_read_exactly(src, m.start(1)))
            _read_exactly(src, len(PLACEHOLDER))
            dst.write(value.encode())
            while chunk := src.read(_CHUNK):
                dst.write(chunk)


_CHUNK = 1 << 20


def _read_exactly(src, size: int) -> bytes:
    parts = []
    while size > 0:
        chunk = src.read(size)
        if not chunk:
            raise ValueError("the state sheet changed while it was sealed")
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


# ------------------------------------------------------------------------------------------ reading

@dataclass
class Unchanged:
    """What a refresh of a sealed file reports: the full path's ``report`` and ``counts``, to the
    character, from the seal. Whatever else of a ``RefreshOutcome`` is asked for (``findings``, ``rows``,
    ``filing``, ``fills`` …) is the full path's too: ``replay`` makes that outcome, once, from the very
    bytes this refresh read (nothing is written); the command line never asks."""

    summary: str
    unchanged_since: str
    hidden: int
    pending: int
    counts: dict
    notes_kept: int = 0
    notes_skipped: int = 0
    notes_supported: bool = True
    appended: list = field(default_factory=list)     # drafted lines appended now: none
    confirmed: int = 0                       # drafted rows the person edited since: none
    replay: Callable[[], object] | None = field(default=None, repr=False, compare=False)

    @property
    def report(self) -> str:
        return report_text(self.summary, self.unchanged_since, self.hidden, 0, 0, 0, self.pending, 0)

    def __getattr__(self, name: str):
        if name.startswith("_") or name == "replay":
            raise AttributeError(name)
        full = self.__dict__.get("_full")
        if full is None:
            if self.replay is None:
                raise AttributeError(name)
            full = self.__dict__["_full"] = self.replay()
        return getattr(full, name)


def _outcome(data: bytes) -> Unchanged | None:
    m = _OUTCOME.search(data)
    if m is None:
        return None
    try:
        what = json.loads(base64.b64decode(m.group(1), validate=True))
        counts = {k: int(what["counts"][k]) for k in ("errors", "warnings", "infos")}
        return Unchanged(str(what["summary"]), str(what["stamp"]), int(what["hidden"]), int(what["pending"]),
                         {**what["counts"], **counts})
    except (ValueError, KeyError, TypeError):
        return None


def sealed(path: Path, context_: bytes) -> Unchanged | None:
    """The stored report when the file at ``path`` is exactly what a refresh sealed with ``context_``;
    None otherwise (not sealed, sealed with another tool or other options, changed since)."""
    try:
        with zipfile.ZipFile(read_source(path)) as zf:
            infos = zf.infolist()
            if not infos or infos[-1].file_size > MAX_STATE_PART:
                return None
            data = zf.read(infos[-1])
            m = _SEAL.search(data)
            said = _outcome(data) if m is not None else None
            if said is None:
                return None
            members = []
            for info in infos[:-1]:
                h = hashlib.sha256()
                with zf.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        h.update(chunk)
                members.append((info.filename, h.digest()))
            masked = data[:m.start(1)] + PLACEHOLDER.encode() + data[m.end(1):]
            members.append((infos[-1].filename, hashlib.sha256(masked).digest()))
    except (zipfile.BadZipFile, zlib.error, struct.error, OSError, EOFError, RuntimeError, NotImplementedError,
            ValueError, KeyError, IndexError):
        return None                          # the full path reads it, and says what is wrong
    return said if _fold(context_, members) == m.group(1).decode() else None


def read_bytes(path: Path) -> bytes:
    """The bytes of the file at ``path`` as this task reads them (the pinned ones: ``fileio.read_source``)."""
    source = read_source(path)
    if hasattr(source, "getvalue"):
        return source.getvalue()
    return Path(source).read_bytes()


def unchanged(path: Path, out: Path, context_: bytes | None) -> Unchanged | None:
    """The refresh of a sealed file nothing has changed since (see the module docstring): what it
    reports, the output (when not the file itself) a byte copy; None: the file takes the full path."""
    check_paths(path, out)
    if context_ is None:
        return None
    with reading(path):
        said = sealed(path, context_)
    if said is not None and out.resolve() != path.resolve():
        with atomic_target(out) as tmp:
            shutil.copyfile(path, tmp)
    return said
