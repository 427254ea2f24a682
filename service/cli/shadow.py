"""`motivo models shadow VERSION` / `--stop`: a challenger computed beside the champion."""

from __future__ import annotations

import click

from service.cli.options import fail_cleanly


@click.command("shadow")
@click.argument("version", required=False)
@click.option("--stop", is_flag=True, help="End the shadow run.")
@fail_cleanly
def shadow_command(version: str | None, stop: bool) -> None:
    """Put VERSION in shadow: at each confirmation its suggestion for the same text is computed
    after the response (never shown) and stored beside the champion's; compare with GET /v1/shadow,
    promote with POST /v1/shadow/promote. Each worker then holds a second model in memory."""
    from training.shadow import shadow_version, start_shadow, stop_shadow

    if stop:
        stopped = stop_shadow()
        click.echo(f"shadow run of {stopped} ended" if stopped else "no version was in shadow")
        return
    if not version:
        current = shadow_version()
        click.echo(
            f"in shadow: {current}" if current else "no version in shadow (motivo models shadow VERSION)"
        )
        return
    start_shadow(version)
    click.echo(f"{version} is in shadow: its suggestions are computed at each confirmation")
