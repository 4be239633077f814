"""Notes of one worksheet: the comments part (text) and the legacy VML drawing (the note boxes).

Notes written by us carry our author name (and, when given, begin with our prefix: a spreadsheet app
that re-saves the file may drop the author); only those are ever replaced or deleted. A note the user
wrote on a cell is kept as it is (ours is not written there). The VML drawing of a sheet also holds its
form buttons and checkboxes: those shapes are kept, note shapes are added beside them. Parts we
created and emptied again are removed with their relationship, so clearing every note restores the
sheet as it was.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from functools import cache

from ..address import a1, parse_a1
from ..lazyxml import etree
from .cells import escape_text
from .package import Package
from .xml import (
    CT_COMMENTS,
    CT_VML,
    DECLARATION,
    MAIN,
    MC,
    REL,
    RT_COMMENTS,
    RT_VML,
    XML_SPACE,
    Template,
    XmlPartError,
    children_bytes,
    iterparse,
    parse,
    q,
    serialize,
    split_around,
    text_xml,
)

V = "urn:schemas-microsoft-com:vml"
OFFICE = "urn:schemas-microsoft-com:office:office"
X = "urn:schemas-microsoft-com:office:excel"
VML_NS = {"v": V, "o": OFFICE, "x": X}
NOTE_SHAPETYPE = "_x0000_t202"
BLOCK = 1024                             # shape ids per o:idmap block
# CT_Worksheet children that come after <legacyDrawing>
_AFTER_LEGACY = {"legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                 "tableParts", "extLst"}
_IDMAP = f"{{{OFFICE}}}idmap"
_SPID = re.compile(r"_x0000_s(\d+)$")


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def notes_of(pkg: Package, sheet_part: str) -> dict[tuple[int, int], tuple[str, str]]:
    """(row, column) → (author, text) of every note of a worksheet (streamed; a comments part that
    cannot be read gives none)."""
    out: dict[tuple[int, int], tuple[str, str]] = {}
    parts = pkg.targets(sheet_part, RT_COMMENTS)
    if not parts or not pkg.has(parts[0][1]):
        return out
    part = parts[0][1]
    authors: list[str] = []
    try:
        with pkg.open(part) as fh:
            for _ev, el in iterparse(fh, part, tag=(q("author"), q("comment"))):
                if el.tag == q("author"):
                    authors.append(el.text or "")
                    continue
                try:
                    cell = parse_a1(el.get("ref", ""))
                except ValueError:
                    _drop(el)
                    continue
                k = el.get("authorId", "")
                author = authors[int(k)] if k.isdigit() and int(k) < len(authors) else ""
                out[cell] = (author, _comment_text(el))
                _drop(el)
    except XmlPartError:
        return {}
    return out


class SheetNotes:
    """Buffered note edits for one worksheet part, applied by ``apply(sheet_root)``."""

    def __init__(self, pkg: Package, sheet_part: str, author: str, prefix: str | None = None) -> None:
        self.pkg, self.part, self.author, self.prefix = pkg, sheet_part, author, prefix
        self.edits: dict[tuple[int, int], str | None] = {}
        self.kept_users: list[tuple[int, int]] = []      # cells where the user's own note stays
        self.skipped: list[tuple[int, int]] = []         # notes left out: the VML could not be read

    def set(self, row: int, col: int, text: str | None) -> None:
        self.edits[(row, col)] = text

    def __bool__(self) -> bool:
        return bool(self.edits)

    # ------------------------------------------------------------------------------------ apply

    def apply(self, root) -> None:
        """Apply the edits; `root` is the worksheet's root element (its legacyDrawing may change)."""
        legacy = root.find(q("legacyDrawing"))
        vml_part = self.pkg.target(self.part, legacy.get(q("id", REL))) if legacy is not None else None
        if legacy is not None and (vml_part is None or not self.pkg.has(vml_part)):
            if vml_part is None and not self.edits:
                return
            root.remove(legacy)                          # points at nothing: Excel would drop it too
            self.pkg.remove_rel(self.part, legacy.get(q("id", REL)))
            legacy = vml_part = None
        comments = self.pkg.targets(self.part, RT_COMMENTS)
        comments_part = comments[0][1] if comments else None
        adds = {k: t for k, t in self.edits.items() if t is not None}
        if comments_part is None and not adds:
            return                                       # nothing of ours to delete
        if comments_part is None and vml_part is None:
            self._create(root, sorted(adds.items()))     # the usual first time: streamed, no trees
            return
        vml_data = readable_vml(self.pkg.read(vml_part), vml_part) if vml_part else None
        if vml_part and vml_data is None:
            self.skipped = sorted(adds)                  # never rewrite a drawing we cannot read
            return
        doc = (parse(self.pkg.read(comments_part), comments_part)
               if comments_part and self.pkg.has(comments_part) else _new_comments())
        changed = self._edit_comments(doc)
        if not changed:
            return
        self._store_comments(comments_part, doc)
        del doc
        vml = parse(vml_data, vml_part) if vml_part else _new_vml(max(self._blocks_in_use(), default=0) + 1)
        self._edit_shapes(vml, changed)
        self._store_vml(root, legacy, vml_part, vml)

    def _edit_comments(self, doc) -> dict[tuple[int, int], str | None]:
        """Apply the edits to the comments document; returns the cells whose note of ours changed."""
        authors = doc.find(q("authors"))
        names = [a.text or "" for a in authors.findall(q("author"))]
        ours = names.index(self.author) if self.author in names else None
        holder = doc.find(q("commentList"))
        existing = {}
        for el in holder.findall(q("comment")):
            try:
                existing[parse_a1(el.get("ref", ""))] = el
            except ValueError:
                continue
        changed: dict[tuple[int, int], str | None] = {}
        added = False
        for (r, c), text in sorted(self.edits.items()):
            el = existing.get((r, c))
            mine = el is not None and ((ours is not None and el.get("authorId") == str(ours)) or
                                       (self.prefix is not None and _comment_text(el).startswith(self.prefix)))
            if el is not None and not mine:
                if text is not None:
                    self.kept_users.append((r, c))     # the user's note stays; ours is not written
                continue
            if text is None:
                if el is not None:
                    holder.remove(el)
                    changed[(r, c)] = None
                continue
            if mine and _comment_text(el) == text:
                continue
            if ours is None:
                etree.SubElement(authors, q("author")).text = self.author
                ours = len(names)
                names.append(self.author)
            new = _comment(a1(r, c), ours, text)
            if el is not None:
                el.addprevious(new)
                holder.remove(el)
            else:
                holder.append(new)
                added = True
            existing[(r, c)] = new
            changed[(r, c)] = text
        if added:                   # in row-major order, as Excel writes them (a stable sort)
            ordered = sorted(holder.findall(q("comment")), key=_position)
            for el in ordered:
                holder.append(el)
        if ours is not None and ours == len(names) - 1 and not any(
                e.get("authorId") == str(ours) for e in holder.findall(q("comment"))):
            authors.remove(authors.findall(q("author"))[ours])      # our name, last and unused
        return changed

    def _edit_shapes(self, vml, changed: dict[tuple[int, int], str | None]) -> None:
        ids = _ShapeIds(vml, self._blocks_in_use)
        notes = {}
        for shape in vml.iter(f"{{{V}}}shape"):
            data = shape.find(f"{{{X}}}ClientData")
            if data is None or data.get("ObjectType") != "Note":
                continue
            try:
                notes[(int(data.findtext(f"{{{X}}}Row")) + 1, int(data.findtext(f"{{{X}}}Column")) + 1)] = shape
            except (TypeError, ValueError):
                continue
        for (r, c), text in changed.items():
            shape = notes.get((r, c))
            if text is None:
                if shape is not None:
                    shape.getparent().remove(shape)
                continue
            if shape is None:
                if not ids.has_note_type:
                    _add_shapetype(vml)
                    ids.has_note_type = True
                vml.append(_note_shape(ids.next(), r, c, text))
            else:
                _size_shape(shape, r, c, text)
        if not any(s.get("type") == "#" + NOTE_SHAPETYPE for s in vml.iter(f"{{{V}}}shape")):
            for st in list(vml.iter(f"{{{V}}}shapetype")):      # the note type, no note left
                if st.get("id") == NOTE_SHAPETYPE:
                    st.getparent().remove(st)

    def _create(self, root, notes: list[tuple[tuple[int, int], str]]) -> None:
        """New comments and VML parts for a sheet that has neither, streamed to them as text (the
        bytes lxml would write for ``_comment`` and ``_note_shape``), in batches."""
        pkg = self.pkg
        doc = _new_comments()
        etree.SubElement(doc.find(q("authors")), q("author")).text = self.author
        comments_part = pkg.unused_name("xl/comments{}.xml")
        dst = pkg.spool(comments_part, CT_COMMENTS)
        dst.write(DECLARATION)
        _streamed(dst, doc, doc.find(q("commentList")), (_comment_xml(a1(r, c), 0, t) for (r, c), t in notes))
        pkg.add_rel(self.part, RT_COMMENTS, comments_part)
        first = max(self._blocks_in_use(), default=0) + 1
        blocks = list(range(first, first + -(-len(notes) // (BLOCK - 1))))
        vml = _new_vml(first)
        next(vml.iter(f"{{{OFFICE}}}idmap")).set("data", ",".join(str(b) for b in blocks))
        spids = (f"_x0000_s{b * BLOCK + n}" for b in blocks for n in range(1, BLOCK))
        vml_part = pkg.unused_name("xl/drawings/vmlDrawing{}.vml")
        pkg.ensure_default("vml", CT_VML)
        _streamed(pkg.spool(vml_part), vml, vml, (_note_shape_xml(next(spids), r, c, t) for (r, c), t in notes))
        pkg.vml_blocks[vml_part] = frozenset(blocks)
        _insert_legacy(root, pkg.add_rel(self.part, RT_VML, vml_part))

    def _store_comments(self, comments_part, doc) -> None:
        pkg = self.pkg
        if len(doc.find(q("commentList"))) > 0:
            if comments_part is None:
                comments_part = pkg.unused_name("xl/comments{}.xml")
                pkg.set_bytes(comments_part, serialize(doc), CT_COMMENTS)
                pkg.add_rel(self.part, RT_COMMENTS, comments_part)
            else:
                pkg.set_bytes(comments_part, serialize(doc))
        elif comments_part is not None:
            for rid, target in pkg.targets(self.part, RT_COMMENTS):
                if target == comments_part:
                    pkg.remove_rel(self.part, rid)
            pkg.delete(comments_part)

    def _store_vml(self, root, legacy, vml_part, vml) -> None:
        pkg = self.pkg
        if any(True for _ in vml.iter(f"{{{V}}}shape")):
            data = etree.tostring(vml, encoding="UTF-8")
            if vml_part is None:
                vml_part = pkg.unused_name("xl/drawings/vmlDrawing{}.vml")
                pkg.ensure_default("vml", CT_VML)
                pkg.set_bytes(vml_part, data)
                rid = pkg.add_rel(self.part, RT_VML, vml_part)
                _insert_legacy(root, rid)
            else:
                pkg.set_bytes(vml_part, data)
        elif vml_part is not None:
            pkg.remove_rel(self.part, legacy.get(q("id", REL)))
            pkg.delete(vml_part)
            root.remove(legacy)

    # ------------------------------------------------------------------------------- shape ids

    def _blocks_in_use(self) -> set[int]:
        return vml_blocks_in_use(self.pkg)


def vml_blocks_in_use(pkg: Package) -> set[int]:
    """The o:idmap blocks of every VML part (streamed: a drawing of many notes is never one tree;
    a part that is not well-formed counts for nothing)."""
    used = set()
    for name in pkg.names():
        if not name.lower().endswith(".vml"):
            continue
        if name in pkg.vml_blocks:                     # written whole in this package: its blocks known
            used |= pkg.vml_blocks[name]
            continue
        found = set()
        try:
            with pkg.open(name) as fh:
                found = _idmap_blocks(fh, name)
        except XmlPartError:
            data = readable_vml(pkg.read(name), name)
            found = _idmap_blocks(io.BytesIO(data), name) if data is not None else set()
        used |= found
    return used


def _idmap_blocks(fh, name: str) -> set[int]:
    found = set()
    for _ev, el in iterparse(fh, name):
        if el.tag == _IDMAP:
            found |= {int(x) for x in (el.get("data") or "").split(",") if x.strip().isdigit()}
        _drop(el)
    return found


# Excel writes the text of form buttons and notes in VML as HTML: <br> unclosed, &nbsp;
_HTML_BR = re.compile(rb"<(br|BR|Br|bR)((?:\s[^<>]*?)?)(?<!/)>")
_HTML_NBSP = re.compile(rb"&nbsp;")


def readable_vml(data: bytes, part: str) -> bytes | None:
    """The VML drawing `data` as XML: as it is when well-formed, else with Excel's HTML habits in the text
    of its shapes made XML (``<br>`` → ``<br/>``, ``&nbsp;`` → ``&#160;``); None when it is still not
    well-formed (the notes of the sheet are then left out, and counted)."""
    try:
        parse(data, part)
        return data
    except XmlPartError:
        pass
    fixed = _HTML_NBSP.sub(b"&#160;", _HTML_BR.sub(rb"<\1\2/>", data))
    try:
        parse(fixed, part)
    except XmlPartError:
        return None
    return fixed


class _ShapeIds:
    """Free VML shape ids of a drawing: within its o:idmap blocks, a new block when they are full."""

    def __init__(self, vml, blocks_in_use) -> None:
        self.vml, self.blocks_in_use = vml, blocks_in_use
        self.has_note_type = any(st.get("id") == NOTE_SHAPETYPE for st in vml.iter(f"{{{V}}}shapetype"))
        self.idmap = next(vml.iter(f"{{{OFFICE}}}idmap"), None)
        if self.idmap is None:
            layout = etree.Element(f"{{{OFFICE}}}shapelayout", {f"{{{V}}}ext": "edit"})
            self.idmap = etree.SubElement(layout, f"{{{OFFICE}}}idmap",
                                          {f"{{{V}}}ext": "edit", "data": str(max(blocks_in_use(), default=0) + 1)})
            vml.insert(0, layout)
        self.blocks = [int(x) for x in (self.idmap.get("data") or "").split(",") if x.strip().isdigit()]
        self.taken = set()
        for shape in vml.iter(f"{{{V}}}shape"):
            m = _SPID.match(shape.get("id", "")) or _SPID.match(shape.get(f"{{{OFFICE}}}spid", ""))
            if m:
                self.taken.add(int(m.group(1)))
        self._candidates = self._free()

    def _free(self):
        k = 0
        used = None                 # the workbook's blocks, read once: a drawing of 20,000 notes whose ids
        while True:                 # run past its idmap block was read again for every block skipped
            while k < len(self.blocks):
                block = self.blocks[k]
                for n in range(block * BLOCK + 1, (block + 1) * BLOCK):
                    if n not in self.taken:
                        yield n
                k += 1
            if used is None:
                used = set(self.blocks_in_use())
            block = max(used | set(self.blocks)) + 1
            self.blocks.append(block)
            self.idmap.set("data", ",".join(str(b) for b in self.blocks))

    def next(self) -> str:
        n = next(self._candidates)
        self.taken.add(n)
        return f"_x0000_s{n}"


# ------------------------------------------------------------------------------------ elements

def _streamed(dst, root, holder, children: Iterable[str], size: int = 250) -> None:
    """Write the serialisation of `root` to the stream `dst`, with the XML texts `children` in
    `holder` (its last child or itself), in batches."""
    head, tail = split_around(root, holder)
    dst.write(head)
    batch: list[str] = []
    for child in children:
        batch.append(child)
        if len(batch) >= size:
            dst.write("".join(batch).encode("utf-8"))
            batch.clear()
    dst.write("".join(batch).encode("utf-8"))
    dst.write(tail)


def _drop(el) -> None:
    """Forget `el` and what was read before it (a streamed read keeps nothing behind)."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _new_comments():
    doc = etree.Element(q("comments"), nsmap={None: MAIN})
    etree.SubElement(doc, q("authors"))
    etree.SubElement(doc, q("commentList"))
    return doc


def _comment(cell: str, author: int, text: str):
    el = etree.Element(q("comment"), ref=cell, authorId=str(author))
    run = etree.SubElement(etree.SubElement(el, q("text")), q("r"))
    props = etree.SubElement(run, q("rPr"))
    etree.SubElement(props, q("sz"), val="9")
    etree.SubElement(props, q("color"), indexed="81")
    etree.SubElement(props, q("rFont"), val="宋体")
    etree.SubElement(props, q("charset"), val="134")
    t = etree.SubElement(run, q("t"))
    t.set(XML_SPACE, "preserve")
    t.text = escape_text(text)
    return el


@cache
def _comment_template() -> Template:
    holder = _new_comments().find(q("commentList"))
    holder.append(_comment(Template.mark(0), Template.mark(1), Template.mark(2)))
    return Template(children_bytes(holder).decode("utf-8"), 3)


def _comment_xml(cell: str, author: int, text: str) -> str:
    """``_comment(cell, author, text)`` as the XML lxml writes for it in a comments part (``cell``: an A1
    reference, nothing in it to escape)."""
    return _comment_template().fill(cell, str(author), text_xml(escape_text(text)))


def _position(el) -> tuple[int, int]:
    try:
        return parse_a1(el.get("ref", ""))
    except ValueError:
        return (0, 0)


def _comment_text(el) -> str:
    return "".join(t.text or "" for t in el.iter(q("t")))


def _new_vml(block: int):
    vml = etree.Element("xml", nsmap=VML_NS)
    layout = etree.SubElement(vml, f"{{{OFFICE}}}shapelayout", {f"{{{V}}}ext": "edit"})
    etree.SubElement(layout, f"{{{OFFICE}}}idmap", {f"{{{V}}}ext": "edit", "data": str(block)})
    _add_shapetype(vml)
    return vml


def _add_shapetype(vml) -> None:
    st = etree.Element(f"{{{V}}}shapetype", {"id": NOTE_SHAPETYPE, "coordsize": "21600,21600",
                                              f"{{{OFFICE}}}spt": "202", "path": "m,l,21600r21600,l21600,xe"})
    etree.SubElement(st, f"{{{V}}}stroke", joinstyle="miter")
    etree.SubElement(st, f"{{{V}}}path", {"gradientshapeok": "t", f"{{{OFFICE}}}connecttype": "rect"})
    shapes = list(vml.iter(f"{{{V}}}shape"))
    if shapes:
        shapes[0].addprevious(st)
    else:
        vml.append(st)


def _lines(text: str) -> int:
    if "\n" not in text:
        return 1 + len(text) // 24
    return sum(1 + len(line) // 24 for line in text.split("\n"))


def _note_shape(spid: str, row: int, col: int, text: str):
    shape = etree.Element(f"{{{V}}}shape", {"id": spid, "type": "#" + NOTE_SHAPETYPE, "style": "",
                                            "fillcolor": "#ffffe1", f"{{{OFFICE}}}insetmode": "auto"})
    etree.SubElement(shape, f"{{{V}}}fill", color2="#ffffe1")
    etree.SubElement(shape, f"{{{V}}}shadow", on="t", color="black", obscured="t")
    etree.SubElement(shape, f"{{{V}}}path", {f"{{{OFFICE}}}connecttype": "none"})
    box = etree.SubElement(shape, f"{{{V}}}textbox", style="mso-direction-alt:auto")
    etree.SubElement(box, "div", style="text-align:left")
    data = etree.SubElement(shape, f"{{{X}}}ClientData", ObjectType="Note")
    etree.SubElement(data, f"{{{X}}}MoveWithCells")
    etree.SubElement(data, f"{{{X}}}SizeWithCells")
    etree.SubElement(data, f"{{{X}}}Anchor")
    etree.SubElement(data, f"{{{X}}}AutoFill").text = "False"
    etree.SubElement(data, f"{{{X}}}Row").text = str(row - 1)
    etree.SubElement(data, f"{{{X}}}Column").text = str(col - 1)
    _size_shape(shape, row, col, text)
    return shape


@cache
def _shape_template() -> Template:
    shape = _note_shape(Template.mark(0), 1, 1, "")
    shape.set("style", Template.mark(1))
    data = shape.find(f"{{{X}}}ClientData")
    for k, name in enumerate(("Anchor", "Row", "Column"), start=2):
        data.find(f"{{{X}}}{name}").text = Template.mark(k)
    holder = etree.Element("xml", nsmap=VML_NS)
    holder.append(shape)
    return Template(children_bytes(holder).decode("utf-8"), 5)


def _note_shape_xml(spid: str, row: int, col: int, text: str) -> str:
    """``_note_shape(spid, row, col, text)`` as the XML lxml writes for it in a VML drawing."""
    style, anchor = _box(row, col, text)       # the id, style and anchor: ASCII with nothing to escape
    return _shape_template().fill(spid, style, anchor, str(row - 1), str(col - 1))


def _box(row: int, col: int, text: str) -> tuple[str, str]:
    """(style, anchor) of a note box: to the right of its cell, tall enough for its lines."""
    lines = _lines(text)
    height = max(60.0, 12.0 * lines + 8)
    top = max(row - 2, 0)
    return (f"position:absolute;margin-left:{(col) * 54 + 5}pt;margin-top:{max(row - 1, 0) * 15 + 2}pt;"
            f"width:240pt;height:{height:g}pt;z-index:1;visibility:hidden",
            f"{col}, 15, {top}, 2, {col + 4}, 15, {top + max(4, lines + 1)}, 4")


def _size_shape(shape, row: int, col: int, text: str) -> None:
    """Position and size of a note box (``_box``)."""
    style, anchor_text = _box(row, col, text)
    shape.set("style", style)
    anchor = shape.find(f"{{{X}}}ClientData/{{{X}}}Anchor")
    if anchor is not None:
        anchor.text = anchor_text


def _insert_legacy(root, rid: str) -> None:
    el = etree.Element(q("legacyDrawing"), nsmap={"r": REL})
    el.set(q("id", REL), rid)
    for child in root:
        name = _local(child)
        if name in _AFTER_LEGACY or (etree.QName(child).namespace == MC if isinstance(child.tag, str) else False):
            child.addprevious(el)
            return
    root.append(el)
