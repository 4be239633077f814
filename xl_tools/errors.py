"""The project's own error type: one clear Chinese line, turned into exit code 2 by the CLI."""

from __future__ import annotations


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
        return f"{where}：{self.message}" if where else self.message

    def located(self, *, file: str | None = None, sheet: str | None = None,
                cell: str | None = None) -> "XlToolsError":
        """Return a copy with missing location parts filled in."""
        return type(self)(self.message, file=self.file or file, sheet=self.sheet or sheet,
                          cell=self.cell or cell)

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.render()
