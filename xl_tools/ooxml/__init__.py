"""Patch OOXML workbook packages in place of a load + save: rewrite only the parts a plan touches.

Layers: ``xml`` (safe lxml parsing, namespaces), ``package`` (zip parts, content types, relationships),
``book`` (the workbook part: sheets, defined names), ``cells`` (cell values in and out), ``styles``
(cell formats found again or appended), ``view`` (a streaming read-only view for the filing reader),
``rowbytes`` (a worksheet patched on its bytes), ``sheetxml`` (one streaming pass over a worksheet; the
rows that get a colour), ``comments`` (notes: comments and VML parts),
``sheetgen`` (sheets generated whole), ``patch`` (``WorkbookPatch``: collects edits, applies them).
Nothing here knows about filings.
"""
