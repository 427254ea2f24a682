"""Turning an operator's past forms into history records: masked, versioned, dated, fingerprinted.

The inputs are read by the audit's readers (training/audit/inputs.py: exported forms, JSON lines,
CSV/XLSX with the audit's column conventions), so a file the audit can read the history import
can read too. Each row becomes a record ready to store, or an error naming the row and why.

A form without ☐/☒ marks (or a table row without a reasons cell) is *unlabeled*: its boxes are
unknown, never "not ticked". The older form (v1) does not print Migração, Outros and Falta de
Reajuste: its records are labeled only for the boxes it prints (training/known_labels.py).
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from model.forms.files import FORM_SUFFIXES, form_paths
from model.masking import mask
from model.taxonomy import Taxonomy, load_taxonomy
from training.audit.inputs import AuditRow, BadRow, Columns, read_audit_input
from training.known_labels import newer_only_codes
from training.training_set import text_sha256

FORM_VERSIONS = ("v1", "v2")
_VERSION_SPELLINGS = {"v1": "v1", "1": "v1", "antigo": "v1", "v2": "v2", "2": "v2", "novo": "v2"}
# dd/mm/yyyy (the form's and Excel's Brazilian dates), dd/mm/yy, and ISO; a time may follow.
_BR_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass
class HistoryRecord:
    """One past form, ready to store: texts masked, labels None when the form carries no marks."""

    origin: str  # file, or file:row
    form_id: str | None
    observations: list[str]
    general_note: str
    reasons: list[str] | None
    judicializacao: bool | None
    status: str | None
    form_version: str | None
    form_date: date | None
    text_sha256: str

    @property
    def labeled(self) -> bool:
        return self.reasons is not None


@dataclass(frozen=True)
class ImportError_:
    """A file or row that could not be imported, and why (the run goes on)."""

    where: str
    reason: str


def parse_form_date(value: Any) -> date | None:
    """The date a form carries (`09/10/2024`, `9/10/24 11:06`, `2024-10-09`...), or None.

    ValueError when something date-like is not a real date (31/02/2024)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if match := _ISO_DATE.search(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _BR_DATE.search(text):
        day, month, year = (int(g) for g in match.groups())
        year += 2000 if year < 100 else 0
    else:
        raise ValueError(f"date {text[:40]!r} is not dd/mm/yyyy or yyyy-mm-dd")
    try:
        return date(year, month, day)
    except ValueError as error:
        raise ValueError(f"date {text[:40]!r}: {error}") from error


def form_version_of(given: Any, reasons: Sequence[str] | None, default: str | None) -> str | None:
    """v1 / v2: what the input says, else `default` (--form-version), else v2 when a box only
    the newer form prints is ticked, else None (unknown). ValueError for an unknown spelling."""
    if given is not None and str(given).strip():
        key = str(given).strip().lower()
        if key not in _VERSION_SPELLINGS:
            raise ValueError(f"form version {str(given)[:20]!r} is not v1 or v2")
        return _VERSION_SPELLINGS[key]
    if default:
        return default
    if reasons and set(reasons) & set(newer_only_codes()):
        return "v2"
    return None


def to_record(row: AuditRow, default_version: str | None, taxonomy: Taxonomy) -> HistoryRecord:
    """One read row as a history record (texts masked); ValueError naming what is wrong."""
    case = row.case
    reasons = case.get("reasons")
    version = form_version_of(row.form_version, reasons, default_version)
    if version is not None and reasons:
        printed = set(taxonomy.codes_of_version(version))
        missing = [code for code in reasons if code not in printed]
        if missing:
            raise ValueError(f"boxes {missing} are ticked but form {version} does not print them")
    masked = {
        "observations": [mask(note) for note in case["observations"]],
        "general_note": mask(case.get("general_note") or ""),
    }
    # The form's id is the source system's; the audit's readers name a form without one by a hash
    # of its text ("txt-..."), which the fingerprint already says.
    form_id = case.get("id")
    return HistoryRecord(
        origin=row.source,
        form_id=None if not form_id or str(form_id).startswith("txt-") else mask(str(form_id))[:200],
        observations=masked["observations"],
        general_note=masked["general_note"],
        reasons=None if reasons is None else list(reasons),
        judicializacao=None if reasons is None else bool(case.get("judicializacao")),
        status=case.get("status"),
        form_version=version,
        form_date=parse_form_date(row.date),
        text_sha256=text_sha256(masked),
    )


def _records(
    path: Path, columns: Columns | None, form_version: str | None
) -> list[HistoryRecord | ImportError_]:
    taxonomy = load_taxonomy()
    out: list[HistoryRecord | ImportError_] = []
    for row in read_audit_input([path], columns):
        if isinstance(row, BadRow):
            out.append(ImportError_(row.source, row.reason))
            continue
        try:
            out.append(to_record(row, form_version, taxonomy))
        except ValueError as error:
            out.append(ImportError_(row.source, str(error)))
    return out


def _form_file(job: tuple[Path, Columns | None, str | None]) -> list[HistoryRecord | ImportError_]:
    return _records(*job)


def read_history(
    paths: Iterable[Path], columns: Columns | None = None, form_version: str | None = None, workers: int = 2
) -> Iterator[HistoryRecord | ImportError_]:
    """Every input's records, in order, and an error for each file or row that failed; streamed.

    Form files (.txt/.docx, and those under folders) are read by `workers` processes, in order;
    JSON lines and CSV/XLSX are read in this process, in chunks."""
    if form_version is not None and form_version not in FORM_VERSIONS:
        raise ValueError(f"form version must be one of {FORM_VERSIONS}, not {form_version!r}")
    for path in paths:
        if path.exists() and (path.is_dir() or path.suffix.lower() in FORM_SUFFIXES):
            jobs = ((form, columns, form_version) for form in form_paths([path]))
            if workers <= 1:
                for job in jobs:
                    yield from _form_file(job)
                continue
            # fork: the workers inherit the loaded taxonomy and masking patterns.
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for records in pool.imap(_form_file, jobs, chunksize=16):
                    yield from records
        else:
            yield from _records(path, columns, form_version)
