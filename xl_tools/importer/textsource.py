"""Reading an input file: tell a PDF from a text file, and decode text (UTF-8 with or without BOM,
GB18030 which covers GBK and GB2312, UTF-16 with its BOM as Notepad saves "Unicode"). Line endings are
normalised to LF."""

from __future__ import annotations

from ..errors import XlToolsError

PDF_MAGIC = b"%PDF-"


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(PDF_MAGIC)


# Notepad's "Unicode" and "Unicode big endian" (its BOM first): the zero bytes of UTF-16 are not binary
_UTF16 = [(b"\xff\xfe", "utf-16-le", "UTF-16LE"), (b"\xfe\xff", "utf-16-be", "UTF-16BE")]


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" in head


def decode_text(data: bytes, source: str | None = None) -> tuple[str, str]:
    """Bytes → (text with LF line ends, encoding name). Raises XlToolsError when undecodable."""
    for bom, codec, name in _UTF16:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                raise XlToolsError(f"文本文件标明为 {name} 编码，但内容不是有效的 {name}：请另存为 UTF-8 后再试",
                                   file=source) from None
            return text.replace("\r\n", "\n").replace("\r", "\n"), name
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
    raise XlToolsError("无法识别文本编码（支持 UTF-8、GBK、GB18030、带 BOM 的 UTF-16）", file=source)
