"""The model registry: versions under `var/models/` (or MOTIVO_MODEL_DIR), a CURRENT pointer, history.

Layout:
    <root>/<version>/model.joblib      the fitted MotivoModel
    <root>/<version>/manifest.json     sha256, data hash, labels, thresholds, metrics, versions
    <root>/<version>/manifest.sig      Ed25519 signature of the version's name and manifest
    <root>/CURRENT                     the serving version's name (replaced atomically)
    <root>/history.jsonl               one JSON line per event (trained, promoted, rolled back)

A version folder appears only complete (written under a temporary name, then renamed), and
CURRENT only ever names a complete version, so a kill at any point leaves the registry usable.
Versions are signed when written (training/signing.py) and verified before anything is
unpickled (training/artifact.py); a version becomes CURRENT only after a child process has
loaded and exercised it (training/exercise.py).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib

from model.paths import var_dir
from training import signing
from training.artifact import (
    ARTIFACT,
    MANIFEST,
    SIGNATURE,
    LoadedModel,
    RegistryError,
    library_versions,
    load_version,
    sha256_bytes,
    verified_bytes,
    version_dir,
)
from training.artifact import read_manifest as _read_manifest
from training.artifact import verify as _verify
from training.exercise import exercise_in_child

__all__ = ["ARTIFACT", "MANIFEST", "SIGNATURE", "LoadedModel", "RegistryError", "library_versions"]
CURRENT = "CURRENT"
HISTORY = "history.jsonl"


def _crash_point(name: str) -> None:
    """Tests set MOTIVO_KILL_AT to die by SIGKILL exactly here, to prove a crash leaves no damage."""
    if os.environ.get("MOTIVO_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def registry_root() -> Path:
    return Path(os.environ.get("MOTIVO_MODEL_DIR") or var_dir() / "models")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, text: str) -> None:
    """Write a small file so that readers see the old or the new content, never a mix."""
    _write_atomic_bytes(path, text.encode("utf-8"))


def _write_atomic_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _new_version_name(root: Path) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    name = stamp
    n = 1
    while (root / name).exists():
        n += 1
        name = f"{stamp}-{n}"
    return name


def append_history(event: dict[str, Any], root: Path | None = None) -> None:
    root = root or registry_root()
    root.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"at": datetime.now(UTC).isoformat(timespec="seconds"), **event}, ensure_ascii=False)
    with open(root / HISTORY, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def history(root: Path | None = None) -> list[dict[str, Any]]:
    """Every recorded event, oldest first (a line cut short by a crash is skipped)."""
    path = (root or registry_root()) / HISTORY
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return events


def save_version(model: Any, manifest: dict[str, Any], root: Path | None = None) -> str:
    """Write a new, complete, signed version folder and return its name (CURRENT is not changed)."""
    from model.motivo_model import MODEL_FORMAT, MotivoModel

    if not isinstance(model, MotivoModel):
        raise RegistryError(f"the registry keeps fitted models, not a {type(model).__name__}")
    root = root or registry_root()
    root.mkdir(parents=True, exist_ok=True)
    signing.ensure_signing_key(root)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        artifact = staging / ARTIFACT
        joblib.dump(model, artifact, compress=3)
        with open(artifact, "rb") as handle:
            os.fsync(handle.fileno())
        _crash_point("artifact_written")
        version = _new_version_name(root)
        full = {
            "version": version,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "artifact_sha256": sha256_bytes(artifact.read_bytes()),
            "artifact_bytes": artifact.stat().st_size,
            "libraries": library_versions(),
            "model_format": MODEL_FORMAT,
            **manifest,
            # What serves is the model's own: the manifest states it, and cannot say otherwise.
            "labels": model.labels,
            "thresholds": dict(
                zip(model.labels, [round(float(t), 4) for t in model.decision_thresholds], strict=True)
            ),
        }
        manifest_bytes = json.dumps(full, indent=2, ensure_ascii=False).encode("utf-8")
        (staging / MANIFEST).write_bytes(manifest_bytes)
        (staging / SIGNATURE).write_bytes(signing.sign(version, manifest_bytes, root))
        _fsync_dir(staging)
        _crash_point("before_rename")
        os.rename(staging, root / version)
        _fsync_dir(root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _crash_point("before_history")
    append_history({"event": "trained", "version": version, "data_hash": manifest.get("data_hash")}, root)
    return version


def sign_version(version: str, root: Path | None = None, resign: bool = False) -> str:
    """Sign a version with the current private key; returns what was done.

    A version written before signatures is adopted only after its hash and library versions
    are checked and a child process has loaded and exercised it. One already signed by a
    trusted key is left alone, or with `resign` (after a key rotation) signed again.
    """
    root = root or registry_root()
    try:
        _verify(version, root)
        trusted = True
    except RegistryError:
        trusted = False
    if trusted and not resign:
        return "already signed by a trusted key"
    if not trusted:
        verified_bytes(version, root, signed=False)
        exercise_in_child(version, root, signed=False)
    manifest_bytes = (version_dir(root, version) / MANIFEST).read_bytes()
    _write_atomic_bytes(version_dir(root, version) / SIGNATURE, signing.sign(version, manifest_bytes, root))
    append_history({"event": "signed", "version": version, "adopted": not trusted}, root)
    return "signed again with the current key" if trusted else "checked, exercised and signed"


def remove_stale_staging(root: Path | None = None, older_than_seconds: float = 3600) -> int:
    """Delete staging folders left by writes that were killed; returns how many."""
    import time

    root = root or registry_root()
    removed = 0
    for path in root.glob(".staging-*") if root.exists() else ():
        if path.is_dir() and time.time() - path.stat().st_mtime > older_than_seconds:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def versions(root: Path | None = None) -> list[str]:
    """Complete versions, oldest first (staging folders of interrupted writes are not versions)."""
    root = root or registry_root()
    if not root.exists():
        return []
    return sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).exists()
    )


def current_version(root: Path | None = None) -> str | None:
    """The name CURRENT holds; raises if it holds anything but a version name inside the registry."""
    root = root or registry_root()
    path = root / CURRENT
    if not path.exists():
        return None
    name = path.read_text(encoding="utf-8").strip()
    if not name:
        return None
    version_dir(root, name)
    return name


def read_manifest(version: str, root: Path | None = None) -> dict[str, Any]:
    """A version's manifest as written, for listing (loading verifies it)."""
    return _read_manifest(version, root or registry_root())


def verify(version: str, root: Path | None = None) -> dict[str, Any]:
    """The manifest, once signature, manifest, artifact hash and library versions are checked."""
    return _verify(version, root or registry_root())


def load(version: str | None = None, root: Path | None = None) -> LoadedModel:
    """Load a version (default: CURRENT) after verifying it; nothing is unpickled before."""
    root = root or registry_root()
    version = version or current_version(root)
    if version is None:
        raise RegistryError(f"no current model in {root}: run `motivo train` first")
    return load_version(version, root)


def promote(version: str, root: Path | None = None, reason: str = "manual") -> None:
    """Make `version` the serving one, once a child process has verified, loaded and exercised it."""
    root = root or registry_root()
    verify(version, root)
    exercise_in_child(version, root)
    previous = current_version(root)
    _crash_point("before_current")
    write_atomic(root / CURRENT, version + "\n")
    _crash_point("after_current")
    append_history({"event": "promoted", "version": version, "previous": previous, "reason": reason}, root)


def rollback(root: Path | None = None) -> str:
    """Point CURRENT back at the version that served before the latest promotion; returns it."""
    root = root or registry_root()
    current = current_version(root)
    if current is None:
        raise RegistryError("nothing to roll back: no current model")
    for event in reversed(history(root)):
        # Only promotions count: after a rollback to A, the next rollback goes to what preceded A.
        if event.get("event") == "promoted" and event.get("version") == current:
            previous = event.get("previous")
            if not previous:
                raise RegistryError(f"version {current!r} was the first promoted: there is nothing before it")
            verify(previous, root)  # exercised when it was promoted; signed files cannot have changed
            write_atomic(root / CURRENT, previous + "\n")
            append_history({"event": "rolled_back", "version": previous, "previous": current}, root)
            return previous
    raise RegistryError(f"no promotion of {current!r} in the history: cannot tell what served before it")
