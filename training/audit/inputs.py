"""Reading filled forms to audit: JSON lines, CSV, XLSX, or folders of exported forms.

Every input yields, in order, either an `AuditRow` (a case with what was ticked, or None when
unknown) or a `BadRow` naming the file, the row and the reason. CSV and JSON lines are read
in chunks, so the input's size does not bound memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from model.cases import check_texts
from model.forms.files import FORM_SUFFIXES, FailedImport, import_forms
from model.forms.safe_zip import MB, UnsafeArchive, check_archive
from model.jsonl import json_object
from model.normalize import match_key
from model.taxonomy import Taxonomy, UnknownLabelError, load_taxonomy

TRUE_VALUES = {"true", "1", "sim", "s", "x", "yes", "y", "verdadeiro", "☒", "marcado"}
FALSE_VALUES = {"false", "0", "nao", "n", "no", "", "falso", "☐"}
NOTE_COLUMN = re.compile(r"^(?:obs|observa\w*|contato|contact|note|nota)\D{0,3}([1-5])$")
CSV_CHUNK_ROWS = 5000
# Limits, so that one input cannot take the machine's memory or hours of CPU (CSV is streamed;
# an XLSX sheet is read whole by openpyxl, roughly 10x its unpacked XML in memory).
MAX_TABLE_ROWS = 1_000_000
MAX_XLSX_ROWS = 100_000
MAX_XLSX_UNPACKED = 64 * MB


@dataclass(frozen=True)
class Columns:
    """Column names of a CSV/XLSX export (None: found by name)."""

    id: str | None = None
    notes: tuple[str, ...] | None = None
    general: str | None = None
    reasons: str | None = None
    flag: str | None = None
    agent: str | None = None
    separator: str = ";"


@dataclass
class AuditRow:
    case: dict[str, Any]
    source: str
    agent: str | None = None


@dataclass
class BadRow:
    source: str
    reason: str
    extra: dict[str, Any] = field(default_factory=dict)


def parse_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = match_key(str(value)) if str(value).strip() not in ("☒", "☐") else str(value).strip()
    if key in TRUE_VALUES:
        return True
    if key in FALSE_VALUES:
        return False
    raise ValueError(f"judicializacao value {value!r} is not yes/no")


def parse_reasons(value: Any, separator: str, taxonomy: Taxonomy) -> tuple[list[str], bool]:
    """Codes of a ticked-reasons cell (codes or the form's printed texts), and whether the flag's
    own label was among them (the form prints 'Ameaça Judicialização' among the reasons)."""
    items = value if isinstance(value, list) else str(value).split(separator)
    codes: list[str] = []
    flag = False
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"reason {item!r} is not text")
        if not item.strip():
            continue
        try:
            code = taxonomy.code(item)
        except UnknownLabelError as error:
            raise ValueError(f"unknown label {item.strip()!r}") from error
        if code == taxonomy.flag.code:
            flag = True
        elif code in taxonomy.reason_codes:
            if code not in codes:
                codes.append(code)
        else:
            raise ValueError(f"{item.strip()!r} is a status, not a reason")
    return codes, flag


def _case(
    identifier: Any,
    notes: Sequence[Any],
    general: Any,
    reasons: Any,
    flag: Any,
    columns: Columns,
    taxonomy: Taxonomy,
) -> dict[str, Any]:
    if not isinstance(notes, list):
        raise ValueError(f"observations: must be a list of strings, not {type(notes).__name__}")
    case: dict[str, Any] = {
        "id": None if identifier is None else str(identifier),
        # Only a missing cell becomes "": anything else must already be text (check_texts says why not).
        "observations": ["" if n is None else n for n in notes],
        "general_note": "" if general is None else general,
        "reasons": None,
        "judicializacao": None,
    }
    problems = check_texts(case)
    if problems:
        raise ValueError("; ".join(problems).replace("observations: no text", "missing text"))
    flag_ticked = None
    if reasons is not None:
        case["reasons"], flag_ticked = parse_reasons(reasons, columns.separator, taxonomy)
    if flag is not None:
        flag_ticked = bool(flag_ticked) or parse_flag(flag)
    case["judicializacao"] = flag_ticked
    return case


def _pick(
    frame_columns: Sequence[str], wanted: str | None, candidates: Sequence[str], what: str
) -> str | None:
    if wanted is not None:
        if wanted not in frame_columns:
            raise ValueError(f"column {wanted!r} ({what}) not found; columns are {list(frame_columns)}")
        return wanted
    by_key = {match_key(c).replace(" ", "_"): c for c in frame_columns}
    return next((by_key[c] for c in candidates if c in by_key), None)


def _table_layout(frame_columns: Sequence[str], columns: Columns, taxonomy: Taxonomy) -> dict[str, Any]:
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
        "flag": _pick(frame_columns, columns.flag, ["judicializacao", taxonomy.flag.code, "flag"], "flag"),
        "agent": _pick(frame_columns, columns.agent, ["agent", "agente", "colaborador"], "agent"),
    }
    if not notes and layout["general"] is None:
        raise ValueError(
            f"no contact-note columns (obs_1..obs_5) or general note column found in {list(frame_columns)}; "
            "name them with --notes/--general"
        )
    return layout


def _table_rows(
    frames: Iterator[pd.DataFrame], path: Path, columns: Columns, taxonomy: Taxonomy, max_rows: int
) -> Iterator[AuditRow | BadRow]:
    layout = None
    row_number = 1  # the header is row 1, as a spreadsheet numbers it
    for frame in frames:
        if layout is None:
            try:
                layout = _table_layout(list(frame.columns), columns, taxonomy)
            except ValueError as error:
                yield BadRow(f"{path}", str(error))
                return
        for record in frame.to_dict("records"):
            row_number += 1
            source = f"{path}:{row_number}"
            if row_number - 1 > max_rows:
                yield BadRow(source, f"more than {max_rows} rows: the rest of the file is skipped (split it)")
                return

            def cell(name: str | None, record: dict[str, Any] = record) -> Any:
                return None if name is None else record.get(name)

            try:
                case = _case(
                    cell(layout["id"]) or f"{path.stem}:{row_number}",
                    [cell(c) for c in layout["notes"]],
                    cell(layout["general"]),
                    cell(layout["reasons"]),
                    cell(layout["flag"]),
                    columns,
                    taxonomy,
                )
            except ValueError as error:
                yield BadRow(source, str(error), {"id": cell(layout["id"])})
                continue
            yield AuditRow(case, source, cell(layout["agent"]) or None)


def _jsonl_rows(path: Path, taxonomy: Taxonomy, columns: Columns) -> Iterator[AuditRow | BadRow]:
    with open(path, encoding="utf-8", errors="strict") as handle:
        number = 0
        while True:
            try:
                line = handle.readline()
            except UnicodeDecodeError as error:
                yield BadRow(
                    f"{path}:{number + 1}",
                    f"not valid UTF-8 ({error.reason}); the rest of the file is skipped",
                )
                return
            if not line:
                return
            number += 1
            if not line.strip():
                continue
            source = f"{path}:{number}"
            try:
                raw = json_object(line)
            except ValueError as error:
                yield BadRow(source, str(error))
                continue
            try:
                case = _case(
                    raw.get("id") or f"{path.stem}:{number}",
                    raw.get("observations") or [],
                    raw.get("general_note"),
                    raw.get("reasons"),
                    raw.get("judicializacao"),
                    columns,
                    taxonomy,
                )
            except (ValueError, TypeError) as error:
                yield BadRow(source, str(error), {"id": raw.get("id")})
                continue
            yield AuditRow(case, source, raw.get("agent"))


def _form_rows(paths: Sequence[Path]) -> Iterator[AuditRow | BadRow]:
    for result in import_forms(paths):
        if isinstance(result, FailedImport):
            yield BadRow(result.source, result.message)
        else:
            case = {k: result[k] for k in ("id", "observations", "general_note", "reasons", "judicializacao")}
            yield AuditRow(case, result["source"], result["form"]["fields"].get("colaborador") or None)


def read_audit_input(paths: Sequence[Path], columns: Columns | None = None) -> Iterator[AuditRow | BadRow]:
    """Rows of every input, in order; folders are read as exported forms (.txt/.docx)."""
    columns = columns or Columns()
    taxonomy = load_taxonomy()
    for path in paths:
        suffix = path.suffix.lower()
        if not path.exists():
            yield BadRow(str(path), "no such file or folder")
        elif path.is_dir() or suffix in FORM_SUFFIXES:
            yield from _form_rows([path])
        elif suffix in (".jsonl", ".ndjson", ".json"):
            yield from _jsonl_rows(path, taxonomy, columns)
        elif suffix == ".csv":
            try:
                frames = pd.read_csv(
                    path, dtype=str, keep_default_na=False, chunksize=CSV_CHUNK_ROWS, encoding="utf-8"
                )
                yield from _table_rows(frames, path, columns, taxonomy, MAX_TABLE_ROWS)
            except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
                yield BadRow(str(path), f"cannot read CSV: {error}")
        elif suffix in (".xlsx", ".xlsm"):
            try:
                check_archive(path, MAX_XLSX_UNPACKED)
                # openpyxl parses with defusedxml when it is installed (it is: a dependency).
                frame = pd.read_excel(path, dtype=str, keep_default_na=False, nrows=MAX_XLSX_ROWS + 1)
            except UnsafeArchive as error:
                yield BadRow(str(path), f"cannot read XLSX: {error}; export it as CSV")
                continue
            except (ValueError, OSError, KeyError, SyntaxError) as error:
                yield BadRow(str(path), f"cannot read XLSX: {error}")
                continue
            yield from _table_rows(iter([frame]), path, columns, taxonomy, MAX_XLSX_ROWS)
        else:
            yield BadRow(
                str(path),
                f"unsupported input {suffix or '(no extension)'!r}: expected .jsonl, .csv, .xlsx or a folder of forms",
            )
