"""Builds Word retention forms for tests, laid out like the real one: paragraphs and tables."""

from __future__ import annotations

from pathlib import Path

from docx import Document


def build_form_docx(path: Path, form_text: str) -> Path:
    """A .docx holding the form: checkbox lines go into a table (one option per cell), the rest
    into paragraphs, the way the Word form mixes both."""
    document = Document()
    lines = form_text.splitlines()
    for line in lines:
        options = [f"☐{part}" if i else part for i, part in enumerate(line.split("☐"))]
        if line.count("☐") + line.count("☒") >= 2:
            cells = [c.strip() for chunk in options for c in _split_ticked(chunk) if c.strip()]
            table = document.add_table(rows=1, cols=len(cells))
            for cell, text in zip(table.rows[0].cells, cells, strict=True):
                cell.text = text
        else:
            document.add_paragraph(line)
    document.save(str(path))
    return path


def _split_ticked(chunk: str) -> list[str]:
    parts = chunk.split("☒")
    return [parts[0], *(f"☒{p}" for p in parts[1:])]
