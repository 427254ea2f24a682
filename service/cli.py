"""The `motivo` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from model.form_files import FailedImport, import_forms


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """motivo: suggests the 'Motivo desligamento' boxes of retention forms from their notes."""


@main.command("import-forms")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out", type=click.File("w", encoding="utf-8"), default="-", help="JSON lines output (default stdout)."
)
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of .txt exports.")
def import_forms_command(paths: tuple[Path, ...], out, encoding: str) -> None:
    """Read retention forms (.txt exports, .docx; files or folders) and write one JSON line per form.

    Files that fail are named on stderr; the others are still written. Exit code 1 if any failed.
    """
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


@main.group("data")
def data_group() -> None:
    """The labeled corpus."""


@data_group.command("check")
@click.option(
    "--data",
    "data",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Labeled data folder (default: labeled_data/ or MOTIVO_DATA_DIR).",
)
@click.option("--no-quotas", is_flag=True, help="Check schema and duplicates only (a partial corpus).")
def data_check_command(data: Path | None, no_quotas: bool) -> None:
    """Validate the corpus: schema, codes, unique ids, quotas, duplicates, template smell; print the label table."""
    import pandas as pd

    from training.corpus import CorpusError
    from training.data_check import check_corpus

    try:
        report = check_corpus(data, quotas=not no_quotas)
    except CorpusError as error:
        raise click.ClickException(str(error)) from error
    if report.table is not None:
        with pd.option_context("display.max_rows", 100, "display.width", 120):
            click.echo(report.table.to_string())
        click.echo("")
        for key, value in report.summary.items():
            click.echo(f"{key:38s} {value}")
    for a, b, similarity in report.near_duplicates[:20]:
        click.echo(f"near duplicate: {a} ~ {b} ({similarity:.2f})")
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if not report.ok:
        click.echo(f"corpus check failed: {len(report.errors)} error(s)", err=True)
        sys.exit(1)
    click.echo("corpus check passed")


@main.command("serve")
@click.option("--bootstrap", is_flag=True, help="Train a default model first if none exists.")
def serve_command(bootstrap: bool) -> None:
    """Serve the HTTP API (not built yet)."""
    click.echo("The motivo service is not there yet: it arrives with the service issue.", err=True)
    sys.exit(2)
