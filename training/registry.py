"""The model registry: versions under `var/models/` (or MOTIVO_MODEL_DIR), a CURRENT pointer, history.

Layout:
    <root>/<version>/model.joblib      the fitted MotivoModel
    <root>/<version>/manifest.json     sha256, data hash, labels, thresholds, metrics, versions
    <root>/CURRENT                     the serving version's name (replaced atomically)
    <root>/history.jsonl               one JSON line per event (trained, promoted, rolled back)

A version folder appears only complete (written under a temporary name, then renamed), and
CURRENT only ever names a complete version, so a kill at any point leaves the registry usable.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import signal
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import joblib

from model.paths import var_dir

ARTIFACT = "model.joblib"
MANIFEST = "manifest.json"
CURRENT = "CURRENT"
HISTORY = "history.jsonl"
# Libraries whose version must match between the process that wrote an artifact and the one
# loading it: a pickled scikit-learn estimator is only guaranteed to load in the same version.
PINNED_LIBRARIES = ("scikit-learn", "numpy", "scipy", "spacy", "simplemma")


def _crash_point(name: str) -> None:
    """Tests set MOTIVO_KILL_AT to die by SIGKILL exactly here, to prove a crash leaves no damage."""
    if os.environ.get("MOTIVO_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


class RegistryError(RuntimeError):
    """The registry cannot do what was asked; the message says why."""


@dataclass(frozen=True)
class LoadedModel:
    version: str
    model: Any
    manifest: dict[str, Any]


def registry_root() -> Path:
    return Path(os.environ.get("MOTIVO_MODEL_DIR") or var_dir() / "models")


def library_versions() -> dict[str, str]:
    versions = {name: metadata.version(name) for name in PINNED_LIBRARIES}
    versions["python"] = ".".join(platform.python_version_tuple()[:2])
    return versions


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    """Write a small file so that readers see the old or the new content, never a mix."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
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
    """Write a new, complete version folder and return its name (CURRENT is not changed)."""
    root = root or registry_root()
    root.mkdir(parents=True, exist_ok=True)
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
            "artifact_sha256": sha256_file(artifact),
            "artifact_bytes": artifact.stat().st_size,
            "libraries": library_versions(),
            **manifest,
        }
        (staging / MANIFEST).write_text(json.dumps(full, indent=2, ensure_ascii=False), encoding="utf-8")
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
    path = (root or registry_root()) / CURRENT
    if not path.exists():
        return None
    name = path.read_text(encoding="utf-8").strip()
    return name or None


def read_manifest(version: str, root: Path | None = None) -> dict[str, Any]:
    path = (root or registry_root()) / version / MANIFEST
    if not path.exists():
        raise RegistryError(f"no model version {version!r} in {root or registry_root()}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise RegistryError(f"manifest of version {version!r} is not valid JSON: {error}") from error


def verify(version: str, root: Path | None = None) -> dict[str, Any]:
    """The manifest, once the artifact's hash and the library versions are checked; raises otherwise."""
    root = root or registry_root()
    manifest = read_manifest(version, root)
    artifact = root / version / ARTIFACT
    if not artifact.exists():
        raise RegistryError(f"version {version!r} has no {ARTIFACT}")
    digest = sha256_file(artifact)
    if digest != manifest.get("artifact_sha256"):
        raise RegistryError(
            f"version {version!r}: {ARTIFACT} does not match its manifest (sha256 {digest[:12]}… "
            f"vs {str(manifest.get('artifact_sha256'))[:12]}…): the file was changed or damaged; refusing to load"
        )
    expected = manifest.get("libraries", {})
    installed = library_versions()
    mismatched = {k: (v, installed.get(k)) for k, v in expected.items() if installed.get(k) != v}
    if mismatched:
        detail = ", ".join(f"{k} {a} (installed {b})" for k, (a, b) in sorted(mismatched.items()))
        raise RegistryError(
            f"version {version!r} was written with {detail}: incompatible with this installation; "
            "retrain with `motivo train` or install the listed versions"
        )
    return manifest


def load(version: str | None = None, root: Path | None = None) -> LoadedModel:
    """Load a version (default: CURRENT) after verifying it."""
    root = root or registry_root()
    version = version or current_version(root)
    if version is None:
        raise RegistryError(f"no current model in {root}: run `motivo train` first")
    manifest = verify(version, root)
    return LoadedModel(version, joblib.load(root / version / ARTIFACT), manifest)


def promote(version: str, root: Path | None = None, reason: str = "manual") -> None:
    """Make `version` the serving one, after verifying it loads."""
    root = root or registry_root()
    verify(version, root)
    previous = current_version(root)
    _crash_point("before_current")
    _write_atomic(root / CURRENT, version + "\n")
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
            verify(previous, root)
            _write_atomic(root / CURRENT, previous + "\n")
            append_history({"event": "rolled_back", "version": previous, "previous": current}, root)
            return previous
    raise RegistryError(f"no promotion of {current!r} in the history: cannot tell what served before it")
