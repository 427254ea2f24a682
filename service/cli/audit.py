"""`motivo audit`: rank the boxes that look wrongly ticked or missing in filled forms."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import click

from service.cli.options import fail_cleanly, model_option, out_option, progress


@click.command("audit")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--self", "self_audit", is_flag=True, help="Audit the labeled corpus with cross-validated probabilities."
)
@out_option("Folder for findings.csv, errors.csv and report.html.", default=Path("var/audit"))
@model_option
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--id", "id_column", default=None, help="CSV/XLSX column with the form id.")
@click.option("--notes", default=None, help="CSV/XLSX contact-note columns, comma-separated, in order.")
@click.option("--general", default=None, help="CSV/XLSX column with the general note.")
@click.option(
    "--reasons", default=None, help="CSV/XLSX column with the ticked reasons (codes or printed texts)."
)
@click.option("--flag", default=None, help="CSV/XLSX column with the 'Ameaça Judicialização' tick.")
@click.option("--agent", default=None, help="CSV/XLSX column with the agent's name.")
@click.option(
    "--separator", default=";", show_default=True, help="Separator of the ticked reasons in one cell."
)
@fail_cleanly
def audit_command(
    inputs, self_audit, out, version, workers, id_column, notes, general, reasons, flag, agent, separator
) -> None:
    """Rank the boxes that look wrongly ticked or missing in filled forms (JSONL, CSV, XLSX, form folders)."""
    from training.audit.batch import run_audit
    from training.audit.inputs import Columns

    if self_audit == bool(inputs):
        raise click.UsageError("give INPUT files/folders, or --self (and not both)")
    columns = Columns(
        id=id_column,
        notes=tuple(n.strip() for n in notes.split(",")) if notes else None,
        general=general,
        reasons=reasons,
        flag=flag,
        agent=agent,
        separator=separator,
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
        )
    click.echo(
        f"audited {summary.forms_audited} forms ({summary.bad_rows} bad rows) in {summary.seconds:.1f} s: "
        f"{summary.findings} findings " + ", ".join(f"{k} {n}" for k, n in summary.by_kind.most_common())
    )
    click.echo(f"wrote {out / 'findings.csv'}, {out / 'errors.csv'} and {out / 'report.html'}")
