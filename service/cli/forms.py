"""`motivo import-forms`: retention form exports (.txt, .docx) to JSON lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command("import-forms")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out", type=click.File("w", encoding="utf-8"), default="-", help="JSON lines output (default stdout)."
)
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of .txt exports.")
def import_forms_command(paths: tuple[Path, ...], out, encoding: str) -> None:
    """Read retention forms (.txt exports, .docx; files or folders) and write one JSON line per form.

    Files that fail are named on stderr; the others are still written. Exit code 1 if any failed.
    """
    from model.forms.files import FailedImport, import_forms

    failed = 0
    for result in import_forms(paths, encoding=encoding):
        if isinstance(result, FailedImport):
            failed += 1
            click.echo(f"error: {result.source}: {result.message}", err=True)
        else:
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    if failed:
        click.echo(f"{failed} file(s) failed", err=True)
        sys.exit(1)
