"""HTML pieces the evaluation and audit reports share: the page style, tables, images, highlighted notes."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI
import matplotlib.pyplot as plt

from model.cases import text_fields

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
.low{background:#fde2e2}.case{border:1px solid #ddd;padding:.75rem;margin:.75rem 0;border-radius:6px}
mark{background:#ffe58a}.note{white-space:pre-wrap;font-size:.9rem;margin:.25rem 0}.meta{color:#666;font-size:.85rem}
"""


def image(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], low: set[int] | None = None) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cells = "".join(f"<td>{html.escape(fmt(v))}</td>" for v in row)
        body.append(f'<tr class="low">{cells}</tr>' if low and i in low else f"<tr>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def highlighted(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """HTML of `text` with the given character spans marked."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def case_html(case: dict[str, Any], evidence: Sequence[dict[str, Any]], meta: str) -> str:
    """A case's notes with the evidence spans highlighted."""
    fields = text_fields(case)
    by_field: dict[int, list[tuple[int, int]]] = {}
    for span in evidence:
        index = len(fields) - 1 if span["field"] == "general_note" else span["index"]
        by_field.setdefault(index, []).append((span["start"], span["end"]))
    notes = "".join(
        f'<div class="note"><b>{"Obs. Geral" if i == len(fields) - 1 else f"{i + 1}º contato"}:</b> '
        f"{highlighted(text, by_field.get(i, []))}</div>"
        for i, text in enumerate(fields)
        if text
    )
    return f'<div class="case"><div class="meta">{meta}</div>{notes}</div>'
