"""Importing retention form files (.txt exports and .docx) into case records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from docx.opc.exceptions import PackageNotFoundError

from model.forms.docx_text import docx_text
from model.forms.parse import FormParseError, parse_form
from model.taxonomy import Taxonomy, load_taxonomy

FORM_SUFFIXES = (".txt", ".docx")
MAX_FORM_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FailedImport:
    """A file that could not be imported, and why."""

    source: str
    message: str


def form_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, and the .txt/.docx files under the folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in FORM_SUFFIXES and p.is_file())
        else:
            yield path


def read_form_text(path: Path, encoding: str = "utf-8") -> str:
    """The text of a form file; raises FormParseError with the reason it cannot be read."""
    if not path.exists():
        raise FormParseError("no such file")
    if path.suffix.lower() not in FORM_SUFFIXES:
        raise FormParseError(f"unsupported file type {path.suffix or '(none)'!r}: expected .txt or .docx")
    if path.stat().st_size > MAX_FORM_BYTES:
        raise FormParseError(f"file is larger than {MAX_FORM_BYTES // (1024 * 1024)} MB: not a single form")
    if path.suffix.lower() == ".docx":
        try:
            return docx_text(path)
        except (BadZipFile, PackageNotFoundError, KeyError, ValueError, SyntaxError) as error:
            # SyntaxError: lxml's XMLSyntaxError on a part the defused pre-check accepted.
            raise FormParseError(f"not a readable .docx file ({error})") from error
    data = path.read_bytes()
    # utf-8-sig also accepts the byte-order mark Windows editors write.
    codec = "utf-8-sig" if encoding.lower().replace("-", "").replace("_", "") == "utf8" else encoding
    try:
        return data.decode(codec)
    except LookupError as error:
        raise FormParseError(f"unknown encoding {encoding!r}") from error
    except UnicodeDecodeError as error:
        raise FormParseError(
            f"not valid {encoding} text: byte 0x{data[error.start]:02x} at offset {error.start}"
            " (pass --encoding if the export uses another encoding)"
        ) from error


def import_form(path: Path, taxonomy: Taxonomy | None = None, encoding: str = "utf-8") -> dict[str, Any]:
    """One form file as a case record: id (the file name's stem), source, and the parsed fields."""
    record = parse_form(read_form_text(path, encoding), taxonomy or load_taxonomy())
    return {"id": path.stem, "source": str(path), **record}


def import_forms(paths: Iterable[Path], encoding: str = "utf-8") -> Iterator[dict[str, Any] | FailedImport]:
    """Records for every form found, and an FailedImport for each file that failed; never stops early."""
    taxonomy = load_taxonomy()
    for path in form_paths(paths):
        try:
            yield import_form(path, taxonomy, encoding)
        except (FormParseError, OSError) as error:
            yield FailedImport(str(path), str(error))
