"""What a person does on the upload page that Playwright has no call for (test helper)."""

from __future__ import annotations

import base64

_DROP = """([name, data, zone]) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name));
    const target = document.getElementById(zone);
    target.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
}"""


def drop_file(page, name: str, data: bytes, zone: str = "drop") -> None:
    """A file dragged from the desktop and dropped on the page's zone ``zone`` (its element id)."""
    page.evaluate(_DROP, [name, base64.b64encode(data).decode(), zone])
