"""The challenger in shadow: the registry's SHADOW file names a version whose suggestions are
computed beside the champion's on confirmed forms, never shown to agents."""

from __future__ import annotations

from pathlib import Path

from training import registry
from training.registry import RegistryError, append_history, registry_root

SHADOW = "SHADOW"


def shadow_version(root: Path | None = None) -> str | None:
    try:
        name = ((root or registry_root()) / SHADOW).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def start_shadow(version: str, root: Path | None = None) -> None:
    """Put `version` in shadow (verified first: signature, hashes, libraries)."""
    root = root or registry_root()
    registry.verify(version, root)
    if version == registry.current_version(root):
        raise RegistryError(f"{version} is the serving version: a challenger must be another one")
    registry.write_atomic(root / SHADOW, version + "\n")
    append_history(
        {"event": "shadow_started", "version": version, "champion": registry.current_version(root)}, root
    )


def stop_shadow(root: Path | None = None) -> str | None:
    root = root or registry_root()
    version = shadow_version(root)
    (root / SHADOW).unlink(missing_ok=True)
    if version:
        append_history({"event": "shadow_stopped", "version": version}, root)
    return version


def promote_shadow(root: Path | None = None, by: str = "manual") -> str:
    """Promote the challenger (exercised in a child process first) and end the shadow run."""
    root = root or registry_root()
    version = shadow_version(root)
    if version is None:
        raise RegistryError("no version in shadow: motivo models shadow VERSION")
    registry.promote(version, root, reason=f"challenger promoted by {by}")
    stop_shadow(root)
    return version
