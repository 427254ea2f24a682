"""`motivo history`: import the operator's past forms, and report how the model does on them."""

from __future__ import annotations

import time
from pathlib import Path

import click

from service.cli.options import (
    data_option,
    database_url,
    engine,
    fail_cleanly,
    model_option,
    out_option,
    progress,
    table_columns,
    table_options,
)


def _source_name(_ctx, _param, value: str) -> str:
    value = value.strip()
    if not value or len(value) > 200 or any(ord(ch) < 32 for ch in value):
        raise click.BadParameter("a source name has 1 to 200 printable characters")
    return value


@click.group("history")
def history_group() -> None:
    """The operator's own past forms: import them, and see how the model does on them."""


@history_group.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--source", required=True, callback=_source_name, help="A name for this history (e.g. crm-2019-2025)."
)
@click.option(
    "--form-version",
    type=click.Choice(["v1", "v2"]),
    default=None,
    help="The form version of CSV/XLSX/JSONL rows that do not say (v1: older form, without "
    "Migração, Outros, Falta de Reajuste). Exported forms say it themselves.",
)
@out_option("Folder for errors.csv, conflicts.csv and unlabeled.csv.", default=Path("var/history"))
@table_options
@click.option("--date", "date_column", default=None, help="CSV/XLSX column with the form's date.")
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes reading form files.",
)
@fail_cleanly
def import_command(
    paths,
    workers,
    source,
    form_version,
    out,
    id_column,
    notes,
    general,
    reasons,
    flag,
    status,
    date_column,
    separator,
    encoding,
    delimiter,
) -> None:
    """Import past forms (.txt/.docx files or folders, JSONL, CSV, XLSX) into the service's database.

    Exits 1 when a file or row could not be imported (listed in errors.csv); the rest is imported.
    """
    from service.history import HistoryWriter
    from training.history_import import ImportError_, read_history
    from training.safe_csv import SafeWriter

    columns = table_columns(
        id_column,
        notes,
        general=general,
        reasons=reasons,
        flag=flag,
        status=status,
        date=date_column,
        separator=separator,
        encoding=encoding,
        delimiter=delimiter,
    )
    writer = HistoryWriter(engine(), source)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    errors = 0
    with (
        open(out / "errors.csv", "w", newline="", encoding="utf-8") as errors_file,
        open(out / "unlabeled.csv", "w", newline="", encoding="utf-8") as unlabeled_file,
        progress("importing", unit=" forms") as bar,
    ):
        error_rows, unlabeled_rows = SafeWriter(errors_file), SafeWriter(unlabeled_file)
        error_rows.writerow(["where", "reason"])
        unlabeled_rows.writerow(["where", "form_id", "form_version", "date"])
        for item in read_history(paths, columns, form_version, workers):
            if isinstance(item, ImportError_):
                errors += 1
                error_rows.writerow([item.where, item.reason])
                continue
            if not item.labeled:
                unlabeled_rows.writerow(
                    [item.origin, item.form_id or "", item.form_version or "", item.form_date or ""]
                )
            writer.add(item)
            bar.update(1)
        writer.flush()
    result = writer.result
    with open(out / "conflicts.csv", "w", newline="", encoding="utf-8") as handle:
        rows = SafeWriter(handle)
        rows.writerow(["stored", "imported", "stored_labels", "imported_labels"])
        for conflict in result.conflicts:
            rows.writerow(conflict)
    counts = result.counts
    click.echo(
        f"history {source!r}: {counts['labeled'] + counts['labeled later']} labeled, "
        f"{counts['unlabeled']} unlabeled (boxes unknown: never used as negatives), "
        f"{counts['duplicate']} duplicates, {counts['conflict']} conflicts (left out), "
        f"{errors} errors in {time.perf_counter() - started:.1f} s"
    )
    click.echo(f"wrote {', '.join(str(out / f) for f in ('errors.csv', 'conflicts.csv', 'unlabeled.csv'))}")
    if errors:
        click.echo(
            f"motivo history import: {errors} files or rows could not be imported; see {out / 'errors.csv'}",
            err=True,
        )
        raise SystemExit(1)


@history_group.command("report")
@out_option("Folder for metrics.json and report.html.", default=Path("var/reports/history"))
@model_option
@click.option("--source", default=None, help="Only this imported history (default: all).")
@click.option(
    "--months",
    default=12,
    show_default=True,
    type=click.IntRange(1, 120),
    help="Length of the recent period.",
)
@data_option
@fail_cleanly
def report_command(
    out: Path, version: str | None, source: str | None, months: int, data: Path | None
) -> None:
    """How the serving model does on the imported history, next to the corpus test split (pt-BR report)."""
    from service.confirmations import export_confirmed
    from service.history import export_history
    from training.corpus import load_split
    from training.history_report import history_report, write_report
    from training.history_report_html import render_history_report

    history = export_history(database_url(), source)
    if not history:
        raise click.ClickException("no labeled history imported yet: run `motivo history import` first")
    confirmed = export_confirmed(database_url())
    with progress("measuring", 1) as bar:
        metrics, worst = history_report(
            history, load_split("test", data), load_split("train", data), confirmed, version, months=months
        )
        bar.update(1)
    write_report(out, metrics, render_history_report(metrics, worst))
    on_history, on_corpus = metrics["history"], metrics["corpus_test"]
    click.echo(
        f"model {metrics['model_version']}: history {metrics['cases']['history']} cases top-1 {on_history['top1']:.4f} "
        f"macro F1 {on_history['macro_f1']:.4f}; corpus test top-1 {on_corpus['top1']:.4f} "
        f"macro F1 {on_corpus['macro_f1']:.4f}"
    )
    short = [code for code, m in metrics["sufficiency"].items() if not m["enough"]]
    if short:
        click.echo(
            f"{len(short)} labels have fewer than {metrics['min_cases_per_label']} of the operator's own cases"
        )
    click.echo(f"wrote {out / 'metrics.json'}, {out / 'report.html'}")
