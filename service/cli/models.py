"""`motivo models`: the registry's versions, promotions, rollbacks and history."""

from __future__ import annotations

import json
from pathlib import Path

import click

from service.cli.options import data_option, fail_cleanly


@click.group("models")
def models_group() -> None:
    """The model registry: list, promote, rollback, history, sign, rotate-key."""


@models_group.command("list")
@fail_cleanly
def models_list() -> None:
    """Every version with its metrics; * marks CURRENT."""
    from training import registry

    current = registry.current_version()
    for version in registry.versions():
        manifest = registry.read_manifest(version)
        m = manifest.get("metrics") or {}
        summary = (
            f"top-1 {m['top1']:.3f} macro F1 {m['macro_f1']:.3f} flag R {m['flag']['recall']:.3f}"
            if m
            else "no metrics"
        )
        share = (manifest.get("params") or {}).get("neighbour_share", 1.0)
        rule = f"  neighbour share {share:g}" if isinstance(share, int | float) and share > 1.0 else ""
        click.echo(
            f"{'*' if version == current else ' '} {version}  {manifest.get('train_cases', '?')} cases  {summary}{rule}"
        )


@models_group.command("promote")
@click.argument("version")
@fail_cleanly
def models_promote(version: str) -> None:
    """Make VERSION the serving model (it is verified first)."""
    from training import registry

    registry.promote(version, reason="motivo models promote")
    click.echo(f"current model: {version}")


@models_group.command("sign")
@click.argument("versions", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every version of the registry.")
@click.option("--resign", is_flag=True, help="Sign again versions a trusted key signed (after rotate-key).")
@fail_cleanly
def models_sign(versions: tuple[str, ...], every: bool, resign: bool) -> None:
    """Adopt VERSIONS written before signatures (or re-sign after a key rotation).

    Each is checked (artifact hash, library versions), loaded and exercised in a separate process,
    then signed with the private key. A version already signed by a trusted key is left as is.
    """
    from training import registry

    names = registry.versions() if every else list(versions)
    if not names:
        raise click.UsageError("name a VERSION or pass --all")
    for version in names:
        click.echo(f"{version}: {registry.sign_version(version, resign=resign)}")


@models_group.command("rotate-key")
@fail_cleanly
def models_rotate_key() -> None:
    """Replace the signing key; its public key joins the trusted ones (the old one stays trusted
    until you delete its line from the trusted-keys file)."""
    from training import signing

    public = signing.rotate_signing_key()
    click.echo(f"new signing key {signing.signing_key_path()} (public {public})")
    click.echo(
        f"trusted keys: {signing.trusted_keys_path()}; re-sign what you keep with "
        "`motivo models sign --all --resign`, then delete the old key's line"
    )


@models_group.command("rollback")
@fail_cleanly
def models_rollback() -> None:
    """Serve again the version that served before the latest promotion."""
    from training import registry

    click.echo(f"current model: {registry.rollback()}")


@models_group.command("history")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event.")
@fail_cleanly
def models_history(as_json: bool) -> None:
    """Every registry event: trainings (with their data), promotions, rollbacks, retrain decisions."""
    from training import registry

    for event in registry.history():
        if as_json:
            click.echo(json.dumps(event, ensure_ascii=False))
            continue
        kind = event.get("event", "?")
        line = f"{event.get('at')}  {kind:12s} {event.get('version') or '-'}"
        if kind == "trained":
            line += f"  data {str(event.get('data_hash'))[:12]}"
        elif kind in ("promoted", "rolled_back"):
            line += f"  (was {event.get('previous') or 'none'})" + (
                f"  {event['reason']}" if event.get("reason") else ""
            )
        elif kind == "retrain":
            data = event.get("data", {})
            line += (
                f"  {event.get('decision', '?').upper()} vs {event.get('current') or 'none'}; confirmed "
                f"train {data.get('confirmed_train')} test {data.get('confirmed_test')}, "
                f"conflicts {data.get('conflicts')}"
            )
            for name, metrics in (event.get("metrics", {}).get("candidate") or {}).items():
                current = (event.get("metrics", {}).get("current") or {}).get(name, {})
                line += f"\n      {name}: " + ", ".join(
                    f"{m} {current.get(m, float('nan')):.3f}->{metrics.get(m, float('nan')):.3f}"
                    for m in ("macro_f1", "top1", "flag_recall")
                )
            for reason in event.get("why", []):
                line += f"\n      refused: {reason}"
        click.echo(line)


@models_group.command("thresholds")
@click.argument("version")
@click.option(
    "--set", "changes", multiple=True, metavar="CODE=VALUE", help="A label's new threshold (repeatable)."
)
@click.option(
    "--neighbour-share",
    type=float,
    default=None,
    metavar="S",
    help="Beside a case's leading reason, the boxes readers confuse with it need S x their "
    "threshold (1 = off; README, 'Choosing the model').",
)
@click.option("--promote", is_flag=True, help="Serve the new version at once.")
@data_option
@fail_cleanly
def models_thresholds(
    version: str, changes: tuple[str, ...], neighbour_share: float | None, promote: bool, data: Path | None
) -> None:
    """Show VERSION's thresholds, or write a new version with some of them moved (--set) or its
    neighbour share set (--neighbour-share).

    The new version is measured again on the corpus test split and signed; promote it (here with
    --promote, or later) and roll it back like any other version.
    """
    from training import registry
    from training.corpus import load_split
    from training.train import retune_version

    if not changes and neighbour_share is None:
        for code, value in registry.read_manifest(version)["thresholds"].items():
            click.echo(f"{code:40s} {value:.4f}")
        return
    parsed: dict[str, float] = {}
    for change in changes:
        code, _, value = change.partition("=")
        try:
            parsed[code.strip()] = float(value)
        except ValueError:
            raise click.UsageError(f"--set {change!r}: expected CODE=VALUE, VALUE a number") from None
    try:
        new_version, manifest = retune_version(
            version, parsed, load_split("test", data), neighbour_share=neighbour_share
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    for code, change in (manifest["thresholds_changed"] | manifest["decision_changed"]).items():
        click.echo(f"{code}: {change['from']:.4f} -> {change['to']:.4f}")
    m = manifest.get("metrics") or {}
    if m:
        click.echo(
            f"test split: top-1 {m['top1']:.3f} macro F1 {m['macro_f1']:.3f} flag P {m['flag']['precision']:.3f} R {m['flag']['recall']:.3f}"
        )
    click.echo(f"new version: {new_version}")
    if promote:
        registry.promote(new_version, reason=f"thresholds changed from {version}")
        click.echo(f"current model: {new_version}")
