"""The `motivo` command line: a group that wires the command modules together."""

from __future__ import annotations

import click

from service.cli import (
    audit,
    data,
    database,
    forms,
    history,
    models,
    monitor,
    privacy,
    retrain,
    serve,
    shadow,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """motivo: suggests the 'Motivo desligamento' boxes of retention forms from their notes."""


for command in (
    forms.import_forms_command,
    data.data_group,
    data.train_command,
    data.evaluate_command,
    data.predict_command,
    models.models_group,
    audit.audit_command,
    history.history_group,
    retrain.retrain_command,
    serve.serve_command,
    serve.tokens_group,
    database.db_group,
    privacy.forget_command,
    privacy.purge_command,
    monitor.monitor_group,
):
    main.add_command(command)
models.models_group.add_command(shadow.shadow_command)
