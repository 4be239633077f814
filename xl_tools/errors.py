"""The project's own error type: one clear Chinese line, turned into exit code 2 by the CLI."""

from __future__ import annotations

import copy

# what str.splitlines() breaks a line at: a part name or a path read from a damaged file may hold them
_LINE_BREAKS = {ord(c): f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
                for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


def _one_line(text: str) -> str:
    """The message on one line: line-breaking characters shown as escapes (\\x1e)."""
    return text.translate(_LINE_BREAKS)


class XlToolsError(Exception):
    """Unusable input or an impossible request; ``str(err)`` is the message shown to the user.

    ``where`` names the place (file, sheet, cell) and is prepended to the message. ``exit_code`` is
    what the command line exits with (2: unusable input or usage error).
    """

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 cell: str | None = None) -> None:
        self.message = message
        self.file = file
        self.sheet = sheet
        self.cell = cell
        super().__init__(self.render())

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(f"文件 {self.file}")
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.cell:
            parts.append(f"单元格 {self.cell}")
        return "，".join(parts)

    def render(self) -> str:
        where = self.where()
        return _one_line(f"{where}：{self.message}" if where else self.message)

    def located(self, *, file: str | None = None, sheet: str | None = None,
                cell: str | None = None) -> "XlToolsError":
        """Return a copy (of the same class) with missing location parts filled in."""
        err = copy.copy(self)
        err.file, err.sheet, err.cell = self.file or file, self.sheet or sheet, self.cell or cell
        err.args = (err.render(),)
        return err

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.render()
