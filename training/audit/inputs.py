"""Reading filled forms to audit: JSON lines, CSV, XLSX, or folders of exported forms.

Every input yields, in order, either an `AuditRow` (a case with what was ticked, or None when
unknown) or a `BadRow` naming the file, the row and the reason. CSV and JSON lines are read
in chunks, so the input's size does not bound memory.
"""

from __future__ import annotations

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
from training.audit.spreadsheets import Columns, UnreadableTable, csv_frames, table_layout, xlsx_frames
from training.training_set import text_sha256

TRUE_VALUES = {"true", "1", "sim", "s", "x", "yes", "y", "verdadeiro", "☒", "marcado"}
FALSE_VALUES = {"false", "0", "nao", "n", "no", "", "falso", "☐"}
# Limits, so that one input cannot take the machine's memory or hours of CPU (CSV and XLSX are
# streamed; an XLSX's unpacked size is checked before openpyxl opens it).
MAX_TABLE_ROWS = 1_000_000
MAX_XLSX_ROWS = 100_000
MAX_XLSX_UNPACKED = 64 * MB


@dataclass
class AuditRow:
    case: dict[str, Any]
    source: str
    agent: str | None = None
    form_version: str | None = None  # v1 / v2 when the input says (the form's text, a column)
    date: str | None = None  # the form's own date, as written


@dataclass
class BadRow:
    source: str
    reason: str
    extra: dict[str, Any] = field(default_factory=dict)
    whole_input: bool = False  # a file (or a column layout) that could not be read at all


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
    status: Any = None,
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
    if status is not None and str(status).strip():
        case["status"] = parse_status(status, taxonomy)
    if not case["id"]:
        case["id"] = form_id_of_text(case)
    return case


def parse_status(value: Any, taxonomy: Taxonomy) -> str:
    """The status code of a 'Status retenção' cell (code or printed text)."""
    try:
        code = taxonomy.code(str(value))
    except UnknownLabelError as error:
        raise ValueError(f"unknown status {str(value).strip()!r}") from error
    if code not in taxonomy.status_codes:
        raise ValueError(f"{str(value).strip()!r} is not a 'Status retenção'")
    return code


def form_id_of_text(case: dict[str, Any]) -> str:
    """A stable id for a form that has none: a hash of its (masked, folded) text, so that QA
    decisions attach to the same form whenever it is audited again."""
    return f"txt-{text_sha256(case)[:20]}"


def _table_rows(
    frames: Iterator[pd.DataFrame], path: Path, columns: Columns, taxonomy: Taxonomy, max_rows: int
) -> Iterator[AuditRow | BadRow]:
    layout = None
    row_number = 1  # the header is row 1, as a spreadsheet numbers it
    for frame in frames:
        if layout is None:
            try:
                layout = table_layout(list(frame.columns), columns, taxonomy.flag.code)
            except ValueError as error:
                yield BadRow(f"{path}", str(error), whole_input=True)
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
                    cell(layout["id"]) or None,
                    [cell(c) for c in layout["notes"]],
                    cell(layout["general"]),
                    cell(layout["reasons"]),
                    cell(layout["flag"]),
                    columns,
                    taxonomy,
                    cell(layout["status"]),
                )
            except ValueError as error:
                yield BadRow(source, str(error), {"id": cell(layout["id"])})
                continue
            yield AuditRow(
                case,
                source,
                cell(layout["agent"]) or None,
                cell(layout["form_version"]) or None,
                cell(layout["date"]) or None,
            )


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
                    whole_input=True,
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
                    raw.get("id") or raw.get("form_id") or None,
                    raw.get("observations") or [],
                    raw.get("general_note"),
                    raw.get("reasons"),
                    raw.get("judicializacao"),
                    columns,
                    taxonomy,
                    raw.get("status"),
                )
            except (ValueError, TypeError) as error:
                yield BadRow(source, str(error), {"id": raw.get("id")})
                continue
            form = raw.get("form") if isinstance(raw.get("form"), dict) else {}
            yield AuditRow(
                case,
                source,
                raw.get("agent"),
                raw.get("form_version") or form.get("version"),
                raw.get("date") or (form.get("fields") or {}).get("data"),
            )


def _form_rows(paths: Sequence[Path], encoding: str | None) -> Iterator[AuditRow | BadRow]:
    for result in import_forms(paths, encoding or "utf-8"):
        if isinstance(result, FailedImport):
            yield BadRow(result.source, result.message, whole_input=True)
        else:
            keys = ("id", "observations", "general_note", "reasons", "judicializacao", "status")
            case = {k: result.get(k) for k in keys}
            form = result["form"]
            yield AuditRow(
                case,
                result["source"],
                form["fields"].get("colaborador") or None,
                form["version"],
                form["fields"].get("data") or next((d for d in reversed(form["contact_dates"]) if d), None),
            )


def read_audit_input(paths: Sequence[Path], columns: Columns | None = None) -> Iterator[AuditRow | BadRow]:
    """Rows of every input, in order; folders are read as exported forms (.txt/.docx)."""
    columns = columns or Columns()
    taxonomy = load_taxonomy()
    for path in paths:
        suffix = path.suffix.lower()
        if not path.exists():
            yield BadRow(str(path), "no such file or folder", whole_input=True)
        elif path.is_dir() or suffix in FORM_SUFFIXES:
            yield from _form_rows([path], columns.encoding)
        elif suffix in (".jsonl", ".ndjson", ".json"):
            yield from _jsonl_rows(path, taxonomy, columns)
        elif suffix in (".csv", ".xlsx", ".xlsm"):
            yield from _spreadsheet_rows(path, suffix, columns, taxonomy)
        else:
            yield BadRow(
                str(path),
                f"unsupported input {suffix or '(no extension)'!r}: expected .jsonl, .csv, .xlsx or a folder of forms",
                whole_input=True,
            )


def _spreadsheet_rows(
    path: Path, suffix: str, columns: Columns, taxonomy: Taxonomy
) -> Iterator[AuditRow | BadRow]:
    kind = "CSV" if suffix == ".csv" else "XLSX"
    try:
        if suffix == ".csv":
            frames, _, _ = csv_frames(path, columns.encoding, columns.delimiter)
            max_rows = MAX_TABLE_ROWS
        else:
            check_archive(path, MAX_XLSX_UNPACKED)
            frames, max_rows = xlsx_frames(path), MAX_XLSX_ROWS
        yield from _table_rows(frames, path, columns, taxonomy, max_rows)
    except UnsafeArchive as error:
        yield BadRow(str(path), f"cannot read XLSX: {error}; export it as CSV", whole_input=True)
    except UnreadableTable as error:
        yield BadRow(str(path), str(error), whole_input=True)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as error:
        yield BadRow(str(path), f"cannot read {kind}: {error}", whole_input=True)
