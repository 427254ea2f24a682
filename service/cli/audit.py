"""`motivo audit`: rank the boxes that look wrongly ticked or missing in filled forms."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import click

from service.cli.options import (
    database_url,
    engine,
    fail_cleanly,
    model_option,
    out_option,
    progress,
    table_columns,
    table_options,
)


def _earlier_decisions(review: str | None):
    """The review database: required with --review; otherwise used when it exists and is current
    (for QA's earlier rejections), else None."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from service.migrate import SchemaOutOfDate

    if review:
        return engine()
    url = make_url(database_url())
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).exists()):
        return None
    try:
        return engine()
    except (SchemaOutOfDate, SQLAlchemyError):
        return None


@click.command("audit")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--self", "self_audit", is_flag=True, help="Audit the labeled corpus with cross-validated probabilities."
)
@out_option(
    "Folder for findings.csv, suggestions.csv, errors.csv and report.html.", default=Path("var/audit")
)
@model_option
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@table_options
@click.option("--agent", default=None, help="CSV/XLSX column with the agent's name.")
@click.option(
    "--review",
    default=None,
    metavar="NAME",
    help="Also store the findings (texts masked) as review batch NAME in the service's database.",
)
@click.option(
    "--source",
    "history_source",
    default=None,
    metavar="NAME",
    help="With --self: audit the imported history NAME (motivo history import) instead of the corpus.",
)
@fail_cleanly
def audit_command(
    inputs,
    self_audit,
    history_source,
    out,
    version,
    workers,
    id_column,
    notes,
    general,
    reasons,
    flag,
    agent,
    status,
    separator,
    encoding,
    delimiter,
    review,
) -> None:
    """Rank the boxes that look wrongly ticked or missing in filled forms (JSONL, CSV, XLSX, form folders).

    Exits 1, naming the problem on stderr, when an input could not be read or nothing was audited.
    """
    from service import reviews
    from training import registry
    from training.audit.batch import run_audit
    from training.training_set import text_sha256

    if self_audit == bool(inputs):
        raise click.UsageError("give INPUT files/folders, or --self (and not both)")
    if review is not None and (
        self_audit or not review.strip() or len(review) > 200 or any(ord(ch) < 32 for ch in review)
    ):
        raise click.UsageError(
            "--review NAME (1 to 200 characters) stores an audit of INPUT files, not --self"
        )
    if history_source is not None and not self_audit:
        raise click.UsageError("--source NAME audits an imported history: use it with --self")
    history = None
    if history_source is not None:
        from service.history import export_history

        history = export_history(database_url(), history_source)
        if not history:
            raise click.ClickException(f"no labeled history imported under --source {history_source!r}")
    columns = table_columns(
        id_column,
        notes,
        general=general,
        reasons=reasons,
        flag=flag,
        agent=agent,
        status=status,
        separator=separator,
        encoding=encoding,
        delimiter=delimiter,
    )
    database = None if self_audit else _earlier_decisions(review)
    rejected = reviews.rejected_findings(database) if database is not None else set()
    rejected_forms = {key[0] for key in rejected}

    def suppress(case, finding) -> bool:
        return str(case["id"]) in rejected_forms and (
            (str(case["id"]), text_sha256(case), finding["code"], finding["kind"]) in rejected
        )

    version = version or (None if self_audit else registry.current_version())
    writer = reviews.BatchWriter(database, review.strip()) if review else None

    def store(row, audited) -> None:
        writer.add(
            reviews.review_rows(
                writer.batch,
                row.case,
                audited.findings,
                audited.suggested,
                audited.flag,
                version,
                row.agent,
                row.source,
            )
        )

    folds_bar = progress("cross-validating", 5) if self_audit else nullcontext()
    with progress("auditing", unit=" forms") as bar, folds_bar as folds:
        summary = run_audit(
            out,
            inputs=list(inputs),
            version=version,
            columns=columns,
            workers=workers,
            corpus=self_audit,
            progress=bar.update,
            fold_progress=folds.update if folds else None,
            suppress=suppress if rejected else None,
            on_case=store if writer else None,
            history=history,
            history_name=history_source or "",
        )
    if writer:
        writer.flush()
    click.echo(
        f"audited {summary.forms_audited} forms ({summary.bad_rows} bad rows) in {summary.seconds:.1f} s: "
        f"{summary.findings} findings " + ", ".join(f"{k} {n}" for k, n in summary.by_kind.most_common())
    )
    if summary.forms_without_ticks:
        click.echo(
            f"{summary.forms_without_ticks} forms without known ticks: {summary.suggestions} suggestions only"
        )
    if summary.suppressed:
        click.echo(
            f"{summary.suppressed} findings QA already rejected for the same form and text: not raised"
        )
    if writer:
        click.echo(f"review batch {writer.batch!r}: {writer.stored} findings stored")
    click.echo(
        f"wrote {', '.join(str(out / f) for f in ('findings.csv', 'suggestions.csv', 'errors.csv', 'report.html'))}"
    )
    failure = summary.failure()
    if failure:
        click.echo(f"motivo audit: {failure}", err=True)
        raise SystemExit(1)
