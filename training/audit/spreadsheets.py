"""Reading CSV and XLSX exports in chunks: the CSV's encoding and separator found (or forced),
XLSX streamed row by row (openpyxl's read-only mode), so memory does not grow with the file.

What Excel writes in Brazil: `;` between fields (the comma is the decimal mark) and cp1252
text; newer Excel offers "CSV UTF-8", which starts with a byte-order mark.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from model.normalize import match_key

CHUNK_ROWS = 5000
NOTE_COLUMN = re.compile(r"^(?:obs|observa\w*|contato|contact|note|nota)\D{0,3}([1-5])$")
DELIMITERS = (";", ",", "\t")
_SCAN_BYTES = 1 << 20
# Bytes cp1252 leaves undefined: a file holding them is latin-1, not cp1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


@dataclass(frozen=True)
class Columns:
    """Column names of a CSV/XLSX export (None: found by name)."""

    id: str | None = None
    notes: tuple[str, ...] | None = None
    general: str | None = None
    reasons: str | None = None
    flag: str | None = None
    agent: str | None = None
    status: str | None = None
    date: str | None = None  # the form's own date (history import)
    form_version: str | None = None  # a column saying v1 / v2 (history import)
    separator: str = ";"
    encoding: str | None = None  # CSV: None = found (UTF-8 with or without BOM, cp1252, latin-1)
    delimiter: str | None = None  # CSV: None = found (`;`, `,` or tab)


class UnreadableTable(ValueError):
    """A CSV/XLSX that cannot be read at all; the message says why."""


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' (with a byte-order mark), 'utf-8', 'cp1252' or 'latin-1', whichever decodes the
    whole file (read in 1 MB blocks)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    undefined_in_cp1252 = False
    utf8 = True
    with open(path, "rb") as handle:
        first = handle.read(3)
        if first == codecs.BOM_UTF8:
            return "utf-8-sig"
        block = first + handle.read(_SCAN_BYTES)
        while block:
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
            undefined_in_cp1252 = undefined_in_cp1252 or not _CP1252_UNDEFINED.isdisjoint(block)
            block = handle.read(_SCAN_BYTES)
    if utf8:
        try:
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
    return "latin-1" if undefined_in_cp1252 else "cp1252"


def detect_delimiter(header: str) -> str:
    """The separator that splits the header line into the most fields (`,` when none does)."""
    counts = {d: len(next(csv.reader([header], delimiter=d), [])) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


def _first_line(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        return handle.readline()


def csv_frames(
    path: Path, encoding: str | None = None, delimiter: str | None = None
) -> tuple[Iterator[pd.DataFrame], str, str]:
    """Chunks of the CSV as text cells, with the encoding and delimiter used (given or found)."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise UnreadableTable(f"unknown encoding {encoding!r}") from error
    encoding = encoding or detect_encoding(path)
    if delimiter is None:
        delimiter = detect_delimiter(_first_line(path, encoding))
    frames = pd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        chunksize=CHUNK_ROWS,
        encoding=encoding,
        sep=delimiter,
        engine="c",
    )
    return frames, encoding, delimiter


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_frames(path: Path) -> Iterator[pd.DataFrame]:
    """Chunks of the first sheet as text cells, read in openpyxl's read-only (streaming) mode."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a corrupt file
        raise UnreadableTable(f"cannot read XLSX: {error}") from error
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise UnreadableTable("cannot read XLSX: the first sheet is empty")
        columns = [_cell(h) for h in header]
        chunk: list[list[str]] = []
        yielded = False
        empty: list[list[str]] = []  # blank rows, kept only when a filled row follows (numbering)
        for values in rows:
            cells = [_cell(v) for v in values[: len(columns)]]
            cells += [""] * (len(columns) - len(cells))
            if not any(cells):
                empty.append(cells)
                continue
            chunk += [*empty, cells]
            empty = []
            if len(chunk) >= CHUNK_ROWS:
                yield pd.DataFrame(chunk, columns=columns)
                chunk, yielded = [], True
        if chunk or not yielded:  # an empty sheet still has its header: its columns are checked
            yield pd.DataFrame(chunk, columns=columns)
    finally:
        book.close()


def _pick(
    frame_columns: Sequence[str], wanted: str | None, candidates: Sequence[str], what: str
) -> str | None:
    if wanted is not None:
        if wanted not in frame_columns:
            raise ValueError(f"column {wanted!r} ({what}) not found; columns are {list(frame_columns)}")
        return wanted
    by_key = {match_key(c).replace(" ", "_"): c for c in frame_columns}
    return next((by_key[c] for c in candidates if c in by_key), None)


def table_layout(frame_columns: Sequence[str], columns: Columns, flag_code: str) -> dict[str, Any]:
    """Which column holds what (given in `columns`, else found by name); ValueError naming what is missing."""
    if columns.notes:
        missing = [c for c in columns.notes if c not in frame_columns]
        if missing:
            raise ValueError(f"note columns {missing} not found; columns are {list(frame_columns)}")
        notes = list(columns.notes)
    else:
        numbered = sorted(
            (int(m.group(1)), c)
            for c in frame_columns
            if (m := NOTE_COLUMN.match(match_key(c).replace(" ", "_")))
        )
        notes = [c for _, c in numbered]
    layout = {
        "notes": notes,
        "id": _pick(frame_columns, columns.id, ["id", "form_id", "formulario", "protocolo"], "id"),
        "general": _pick(
            frame_columns, columns.general, ["general_note", "obs_geral", "observacao_geral"], "general"
        ),
        "reasons": _pick(
            frame_columns, columns.reasons, ["reasons", "motivos", "motivo_desligamento"], "reasons"
        ),
        "flag": _pick(frame_columns, columns.flag, ["judicializacao", flag_code, "flag"], "flag"),
        "agent": _pick(frame_columns, columns.agent, ["agent", "agente", "colaborador"], "agent"),
        "status": _pick(
            frame_columns, columns.status, ["status", "status_retencao", "status_da_retencao"], "status"
        ),
        "date": _pick(frame_columns, columns.date, ["date", "data", "data_formulario", "form_date"], "date"),
        "form_version": _pick(
            frame_columns,
            columns.form_version,
            ["form_version", "versao", "versao_formulario"],
            "form version",
        ),
    }
    if not notes and layout["general"] is None:
        raise ValueError(
            f"no contact-note columns (obs_1..obs_5) or general note column found in {list(frame_columns)}; "
            "name them with --notes/--general"
        )
    return layout
