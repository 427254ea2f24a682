"""Flattening a Word retention form into the same text layout as the text export."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from model.forms.safe_zip import MB, check_archive, check_xml_parts

_CHECKED_VALUES = {"1", "true", "on"}
# A retention form unpacks to well under 1 MB; 32 MB leaves room for pasted images.
MAX_DOCX_UNPACKED = 32 * MB


def _legacy_checkbox(element) -> str:
    """A legacy form-field checkbox (w:ffData/w:checkBox) as a ☒/☐ glyph."""
    box = element.find(f"{qn('w:ffData')}/{qn('w:checkBox')}")
    if box is None:
        return ""
    state = box.find(qn("w:checked"))
    if state is None:
        state = box.find(qn("w:default"))
    value = (
        "1"
        if state is not None and state.get(qn("w:val")) is None
        else (state.get(qn("w:val"), "0") if state is not None else "0")
    )
    return "☒ " if value.lower() in _CHECKED_VALUES else "☐ "


def _paragraph_text(paragraph: Paragraph) -> str:
    # Walk the XML rather than `paragraph.text`: runs inside content controls (where Word keeps
    # its ☐/☒ checkbox glyphs) are not direct children of the paragraph.
    parts = []
    for node in paragraph._p.iter():
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        elif node.tag in (qn("w:br"), qn("w:cr")):
            parts.append("\n")
        elif node.tag == qn("w:fldChar"):
            parts.append(_legacy_checkbox(node))
    return "".join(parts)


def _table_text(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        cells = []
        seen = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # merged cells repeat the same element
                continue
            seen.add(id(cell._tc))
            cells.append("\n".join(_block_lines(cell)))
        lines.append("  ".join(c for c in cells if c.strip()))
    return lines


def _block_lines(container) -> list[str]:
    lines: list[str] = []
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(_paragraph_text(block))
        else:
            lines.extend(_table_text(block))
    return lines


def docx_text(path: Path) -> str:
    """The document's paragraphs and table rows, in order, one per line.

    Raises UnsafeArchive (a ValueError) for a zip bomb, damaged XML or XML with entities,
    before python-docx reads anything.
    """
    check_xml_parts(path, check_archive(path, MAX_DOCX_UNPACKED))
    return "\n".join(_block_lines(Document(str(path))))
