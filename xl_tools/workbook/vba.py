"""The VBA project behind the 刷新 button: xlwings' standalone project with a button macro that does
not depend on the workbook's file name.

xlwings' quickstart macro runs ``import <file name>; <file name>.main()``, which breaks as soon as the
workbook is renamed, copied or downloaded twice ("filing_2025 (1).xlsm", "2025年绩效目标.xlsm") and needs
a ``<file name>.py`` beside it. Here ``Module1.SampleCall`` becomes::

    RunPython "import xl_tools.desktop as xl_tools_desktop; xl_tools_desktop.main()"

xlwings' VBA passes the workbook's name to Python itself (``--wb=``), so ``xw.Book.caller()`` finds it
whatever it is called; the rest of the project (xlwings' own module) is untouched.

How (MS-OVBA): the project (``_VBA_PROJECT`` version 0xFFFF, no performance cache) is compiled from
source when Excel opens it, so only Module1's source changes. Its module stream keeps its size (the
compound file is rewritten in place with olefile): the old p-code area, which Excel ignores for such a
project, is zeroed, and the new source is stored as one "compressed" chunk of literal tokens, padded
with a comment to the exact size the stream has.
"""

from __future__ import annotations

import io
import struct
import zipfile
from importlib import resources

import olefile

MODULE = "Module1"
BUTTON_MACRO = "SampleCall"
PYTHON_COMMAND = "import xl_tools.desktop as xl_tools_desktop; xl_tools_desktop.main()"
SOURCE = (
    f'Attribute VB_Name = "{MODULE}"\r\n'
    f"Sub {BUTTON_MACRO}()\r\n"
    f'    RunPython "{PYTHON_COMMAND}"\r\n'
    "End Sub\r\n"
)
PAD_COMMENT = "' xl-tools"


class VbaFormatError(ValueError):
    """The VBA project is not laid out as expected (another xlwings release changed it)."""


def decompress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 decompression of a CompressedContainer."""
    if not data or data[0] != 1:
        raise VbaFormatError("not an MS-OVBA compressed container")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        compressed = header & 0x8000
        chunk_end = min(pos + size, len(data))
        pos += 2
        start = len(out)
        if not compressed:
            out += data[pos:pos + 4096]
            pos += 4096
            continue
        while pos < chunk_end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not flags & (1 << bit):
                    out.append(data[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", data, pos)[0]
                pos += 2
                difference = len(out) - start
                bits = max((difference - 1).bit_length(), 4)
                length_mask = 0xFFFF >> bits
                offset = (token >> (16 - bits)) + 1
                length = (token & length_mask) + 3
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


def compressed_size(n: int) -> int:
    """Bytes taken by ``n`` (≤ 4096) bytes stored as one chunk of literal tokens."""
    return 1 + 2 + n + (n + 7) // 8


def compress_literal(text: bytes) -> bytes:
    """One CompressedChunk of literal tokens (valid MS-OVBA; no back-references)."""
    if not 0 < len(text) <= 4096:
        raise VbaFormatError("module source too long for one chunk")
    body = bytearray()
    for k in range(0, len(text), 8):
        group = text[k:k + 8]
        body.append(0)                                   # flag byte: 8 literal tokens
        body += group
    header = 0x8000 | 0x3000 | (len(body) + 2 - 3)       # compressed flag, signature 0b011, size - 3
    return b"\x01" + struct.pack("<H", header) + bytes(body)


def _module_offset(dir_stream: bytes, module: str) -> int:
    """MODULEOFFSET of ``module`` in the decompressed dir stream (MS-OVBA 2.3.4.2)."""
    data = decompress(dir_stream)
    name = module.encode("ascii")
    pos = 0
    current = None
    while pos + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == 0x0009:                                # PROJECTVERSION: fixed 6-byte body, size field is 4
            pos += 6 + 6
            continue
        body = data[pos + 6:pos + 6 + size]
        if rid == 0x0019:                                # MODULENAME
            current = bytes(body)
        elif rid == 0x0031 and current == name:          # MODULEOFFSET
            return struct.unpack("<I", body)[0]
        pos += 6 + size
    raise VbaFormatError(f"no MODULEOFFSET for {module}")


def _padded_source(room: int) -> bytes:
    """The macro source, ending in a comment line whose length makes the literal chunk take exactly
    ``room`` bytes (the stream's size may not change)."""
    base = SOURCE.encode("ascii")
    comment = PAD_COMMENT.encode("ascii")
    for extra in range(0, 4096 - len(base) - len(comment) - 2):
        text = base + comment + b" " * extra + b"\r\n"
        size = compressed_size(len(text))
        if size == room:
            return text
        if size > room:
            break
    raise VbaFormatError(f"cannot fit the macro into {room} bytes")


def xlwings_vba_project() -> bytes:
    """vbaProject.bin of xlwings' standalone quickstart workbook, as the installed xlwings ships it."""
    xlsm = resources.files("xlwings").joinpath("quickstart_standalone.xlsm")
    with xlsm.open("rb") as fh, zipfile.ZipFile(fh) as zf:
        return zf.read("xl/vbaProject.bin")


def button_vba_project(original: bytes | None = None) -> bytes:
    """xlwings' VBA project with the name-independent button macro (see the module docstring)."""
    data = original if original is not None else xlwings_vba_project()
    buf = io.BytesIO(data)
    ole = olefile.OleFileIO(buf, write_mode=True)
    try:
        project = ole.openstream("VBA/_VBA_PROJECT").read()
        if project[:2] != b"\xcc\x61" or project[2:4] != b"\xff\xff":
            raise VbaFormatError("the VBA project carries a compiled cache; it cannot be edited as source")
        offset = _module_offset(ole.openstream("VBA/dir").read(), MODULE)
        stream = ole.openstream(f"VBA/{MODULE}").read()
        old = decompress(stream[offset:]).decode("latin-1")
        if f"Sub {BUTTON_MACRO}()" not in old:
            raise VbaFormatError(f"{MODULE} has no {BUTTON_MACRO} macro")
        source = _padded_source(len(stream) - offset)
        ole.write_stream(f"VBA/{MODULE}", bytes(offset) + compress_literal(source))
    finally:
        ole.close()
    return buf.getvalue()


def module_source(project: bytes, module: str = MODULE) -> str:
    """The source text of ``module`` in a vbaProject.bin (for tests and ``xl-tools repair``)."""
    ole = olefile.OleFileIO(io.BytesIO(project))
    try:
        offset = _module_offset(ole.openstream("VBA/dir").read(), module)
        return decompress(ole.openstream(f"VBA/{module}").read()[offset:]).decode("latin-1")
    finally:
        ole.close()
