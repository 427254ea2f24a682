"""Options and helpers every command module shares: defined once here."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

data_option = click.option(
    "--data",
    "data",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Labeled data folder (default: labeled_data/ or MOTIVO_DATA_DIR).",
)
model_option = click.option("--model", "version", default=None, help="Registry version (default: CURRENT).")


def history_options(function: Callable) -> Callable:
    """`--history/--no-history`, `--test-since DATE`, `--corpus-weight W`: how training uses the
    operator's imported history (`motivo history import`)."""
    function = click.option(
        "--corpus-weight",
        default=1.0,
        show_default=True,
        type=click.FloatRange(0.01, 100),
        help="How much a hand-written corpus case counts against one of the operator's own cases.",
    )(function)
    function = click.option(
        "--test-since",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="History dated from this day on never trains: the most-recent-period test set.",
    )(function)
    return click.option(
        "--history/--no-history",
        default=True,
        show_default=True,
        help="Train on the imported history too (a share held out as the history test set).",
    )(function)


def out_option(help: str, default: Path | None = None) -> Callable:
    """`--out FOLDER`, with the command's own help text and default."""
    return click.option(
        "--out",
        "out",
        type=click.Path(path_type=Path, file_okay=False),
        default=default,
        show_default=default is not None,
        help=help,
    )


def progress(label: str, total: int | None = None, unit: str = "it"):
    """A progress bar on stderr, shown only on a terminal (cron logs stay clean)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit=unit, disable=not sys.stderr.isatty(), file=sys.stderr)


def fail_cleanly(function: Callable) -> Callable:
    """Turn the library's expected errors into one-line messages and exit code 1."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from model.taxonomy import UnknownLabelError
        from service.migrate import SchemaOutOfDate
        from training.corpus import CorpusError
        from training.registry import RegistryError
        from training.signing import SignatureError

        try:
            return function(*args, **kwargs)
        except (RegistryError, SignatureError, CorpusError, UnknownLabelError, SchemaOutOfDate) as error:
            raise click.ClickException(str(error)) from error

    return wrapper


# `--delimiter` values: the separators a spreadsheet's CSV export uses.
DELIMITERS = {";": ";", ",": ",", "tab": "\t", "\t": "\t"}


def _delimiter(_ctx, _param, value: str | None) -> str | None:
    if value is None:
        return None
    if value not in DELIMITERS:
        raise click.BadParameter(f"{value!r}: use ';', ',' or 'tab'")
    return DELIMITERS[value]


def table_options(function: Callable) -> Callable:
    """The CSV/XLSX layout options (`--id`, `--notes`, `--general`, `--reasons`, `--flag`,
    `--status`, `--separator`, `--encoding`, `--delimiter`) of every command that reads forms from
    spreadsheets; `table_columns` turns them into a column layout."""
    options = [
        click.option("--id", "id_column", default=None, help="CSV/XLSX column with the form id."),
        click.option(
            "--notes", default=None, help="CSV/XLSX contact-note columns, comma-separated, in order."
        ),
        click.option("--general", default=None, help="CSV/XLSX column with the general note."),
        click.option(
            "--reasons",
            default=None,
            help="CSV/XLSX column with the ticked reasons (codes or printed texts).",
        ),
        click.option("--flag", default=None, help="CSV/XLSX column with the 'Ameaça Judicialização' tick."),
        click.option("--status", default=None, help="CSV/XLSX column with the 'Status retenção'."),
        click.option(
            "--separator", default=";", show_default=True, help="Separator of the ticked reasons in one cell."
        ),
        click.option(
            "--encoding",
            default=None,
            help="Encoding of CSV files and exported forms (default: found; UTF-8 with or without BOM, "
            "cp1252, latin-1).",
        ),
        click.option(
            "--delimiter",
            default=None,
            callback=_delimiter,
            help="CSV field separator: ';', ',' or 'tab' (default: found from the header line).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def table_columns(id_column: str | None, notes: str | None, **named: Any):
    """The CSV/XLSX column layout from the command's options (`--notes a,b,c` split on commas)."""
    from training.audit.inputs import Columns

    return Columns(id=id_column, notes=tuple(n.strip() for n in notes.split(",")) if notes else None, **named)


def database_url() -> str:
    """MOTIVO_DATABASE_URL, or the default SQLite file."""
    from service.config import Settings

    return Settings.from_env().database_url


def engine():
    """The service database, refused (with the command to run) when its schema is not current."""
    from service.migrate import open_current

    return open_current(database_url())
