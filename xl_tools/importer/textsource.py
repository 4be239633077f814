"""Reading an input file: tell a PDF from a text file, and decode text (UTF-8 with or without BOM,
GB18030 which covers GBK and GB2312). Line endings are normalised to LF."""

from __future__ import annotations

from ..errors import XlToolsError

PDF_MAGIC = b"%PDF-"


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(PDF_MAGIC)


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" in head


def decode_text(data: bytes, source: str | None = None) -> tuple[str, str]:
    """Bytes → (text with LF line ends, encoding name). Raises XlToolsError when undecodable."""
    if _looks_binary(data):
        raise XlToolsError("既不是文本文件也不是 PDF，无法导入（请提供从 PDF 提取的文本或 PDF 文件）",
                           file=source)
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text, ("GB18030/GBK" if enc == "gb18030" else "UTF-8")
    raise XlToolsError("无法识别文本编码（支持 UTF-8、GBK、GB18030）", file=source)
