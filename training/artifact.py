"""Reading one registry version safely: a name (never a path), a signed manifest, then the pickle.

Order matters: the version's name is checked to stay inside the registry, the manifest's
signature is checked with the trusted public keys, the manifest is validated as data, the
artifact's bytes are read once and hashed, and only those same bytes are unpickled.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import platform
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import joblib

from model.motivo_model import MODEL_FORMAT
from training import signing

ARTIFACT = "model.joblib"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
# Libraries whose version must match between the process that wrote an artifact and the one
# loading it: a pickled scikit-learn estimator is only guaranteed to load in the same version.
PINNED_LIBRARIES = ("scikit-learn", "numpy", "scipy", "spacy", "simplemma")
_VERSION_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class RegistryError(RuntimeError):
    """The registry cannot do what was asked; the message says why."""


@dataclass(frozen=True)
class LoadedModel:
    version: str
    model: Any
    manifest: dict[str, Any]


def library_versions() -> dict[str, str]:
    versions = {name: metadata.version(name) for name in PINNED_LIBRARIES}
    versions["python"] = ".".join(platform.python_version_tuple()[:2])
    return versions


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def version_dir(root: Path, version: str) -> Path:
    """The folder of `version` in `root`; raises unless it is a plain name that stays inside."""
    if not isinstance(version, str) or not _VERSION_NAME.match(version) or ".." in version:
        raise RegistryError(
            f"{version!r} is not a version name (letters, digits, '.', '_', '-'; no paths): refusing it"
        )
    folder = root / version
    # A symlink planted in the registry could still point elsewhere.
    if folder.exists() and folder.resolve().parent != root.resolve():
        raise RegistryError(f"version {version!r} resolves outside the registry {root}: refusing it")
    return folder


def read_manifest(version: str, root: Path) -> dict[str, Any]:
    """The manifest as written (unverified: for listing only, never for loading)."""
    path = version_dir(root, version) / MANIFEST
    if not path.exists():
        raise RegistryError(f"no model version {version!r} in {root}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RegistryError(f"manifest of version {version!r} is not valid JSON: {error}") from error


def check_manifest(version: str, manifest: Any) -> dict[str, Any]:
    """The manifest, once its fields have the types and ranges loading relies on (it is data, not code)."""

    def bad(why: str) -> RegistryError:
        return RegistryError(f"manifest of version {version!r}: {why}; refusing to load")

    if not isinstance(manifest, dict):
        raise bad("not a JSON object")
    if manifest.get("version") != version:
        raise bad(f"it names version {manifest.get('version')!r}")
    if not isinstance(manifest.get("artifact_sha256"), str) or not _SHA256.match(manifest["artifact_sha256"]):
        raise bad("artifact_sha256 is not a sha256")
    labels = manifest.get("labels")
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
        raise bad("labels is not a list of codes")
    thresholds = manifest.get("thresholds")
    if not isinstance(thresholds, dict) or set(thresholds) != set(labels):
        raise bad("thresholds do not name exactly its labels")
    for code, value in thresholds.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
            raise bad(f"threshold of {code!r} is {value!r}, not a number in [0, 1]")
        if not math.isfinite(value):
            raise bad(f"threshold of {code!r} is not finite")
    if not isinstance(manifest.get("libraries"), dict) or not isinstance(manifest.get("metrics", {}), dict):
        raise bad("libraries or metrics is not an object")
    return manifest


def _check_libraries(version: str, manifest: dict[str, Any]) -> None:
    installed = library_versions()
    expected = manifest["libraries"]
    mismatched = {k: (v, installed.get(k)) for k, v in expected.items() if installed.get(k) != v}
    if mismatched:
        detail = ", ".join(f"{k} {a} (installed {b})" for k, (a, b) in sorted(mismatched.items()))
        raise RegistryError(
            f"version {version!r} was written with {detail}: incompatible with this installation; "
            "retrain with `motivo train` or install the listed versions"
        )


def verified_bytes(version: str, root: Path, signed: bool = True) -> tuple[dict[str, Any], bytes]:
    """The checked manifest and the artifact's bytes; raises before anything is unpickled.

    `signed=False` skips only the signature (for `motivo models sign`, adopting a version
    written before signatures existed); every other check still runs.
    """
    folder = version_dir(root, version)
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise RegistryError(f"no model version {version!r} in {root}")
    manifest_bytes = manifest_path.read_bytes()
    if signed:
        signature_path = folder / SIGNATURE
        try:
            signing.check(
                version, manifest_bytes, signature_path.read_bytes() if signature_path.exists() else None
            )
        except signing.SignatureError as error:
            raise RegistryError(str(error)) from error
    try:
        manifest = check_manifest(version, json.loads(manifest_bytes.decode("utf-8")))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RegistryError(f"manifest of version {version!r} is not valid JSON: {error}") from error
    artifact = folder / ARTIFACT
    if not artifact.exists():
        raise RegistryError(f"version {version!r} has no {ARTIFACT}")
    data = artifact.read_bytes()
    digest = sha256_bytes(data)
    if digest != manifest["artifact_sha256"]:
        raise RegistryError(
            f"version {version!r}: {ARTIFACT} does not match its manifest (sha256 {digest[:12]}… "
            f"vs {manifest['artifact_sha256'][:12]}…): the file was changed or damaged; refusing to load"
        )
    _check_libraries(version, manifest)
    _check_format(version, manifest)
    return manifest, data


def _check_format(version: str, manifest: dict[str, Any]) -> None:
    # A version written before formats were recorded is format 1 (release 0.1).
    written = manifest.get("model_format", 1)
    if written != MODEL_FORMAT:
        raise RegistryError(
            f"version {version!r} holds a model of format {written!r}, and this motivo reads format "
            f"{MODEL_FORMAT}: retrain with `motivo train` (or `motivo retrain`)"
        )


def verify(version: str, root: Path) -> dict[str, Any]:
    """The manifest, once signature, manifest, artifact hash and library versions are checked."""
    return verified_bytes(version, root)[0]


def unpickle_model(version: str, manifest: dict[str, Any], data: bytes) -> LoadedModel:
    """Unpickle verified bytes; refuse anything that is not a fitted MotivoModel with the manifest's labels."""
    from model.motivo_model import MotivoModel

    try:
        model = joblib.load(io.BytesIO(data))
    except Exception as error:  # a damaged but signed artifact: any unpickling error is a refusal
        raise RegistryError(f"version {version!r}: {ARTIFACT} does not load ({error})") from error
    if not isinstance(model, MotivoModel):
        raise RegistryError(f"version {version!r}: {ARTIFACT} holds a {type(model).__name__}, not a model")
    try:
        labels = list(model.labels)
    except Exception as error:
        raise RegistryError(f"version {version!r}: the model is not fitted ({error})") from error
    if labels != manifest["labels"]:
        raise RegistryError(f"version {version!r}: the model's labels are not its manifest's")
    return LoadedModel(version, model, manifest)


def load_version(version: str, root: Path) -> LoadedModel:
    manifest, data = verified_bytes(version, root)
    return unpickle_model(version, manifest, data)
