"""An attacker who can write the model registry (not the signing key) cannot get code or a forged
policy served: every attempt below was accepted before artifacts were signed."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import joblib
import pytest

from service.model_holder import ModelHolder
from training import registry, signing
from training.registry import RegistryError


class Payload:
    """Unpickling this runs a shell command: it leaves a marker file behind."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture
def root(trained, tmp_path) -> Path:
    """A registry with the session's model as CURRENT."""
    copy = tmp_path / "registry"
    shutil.copytree(trained["root"], copy)
    return copy


def rehash(root: Path, version: str, artifact: bytes) -> None:
    """What the attacker does: replace the artifact and rewrite its sha256 in the manifest."""
    (root / version / "model.joblib").write_bytes(artifact)
    path = root / version / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["artifact_sha256"] = registry.sha256_bytes(artifact)
    manifest["artifact_bytes"] = len(artifact)
    path.write_text(json.dumps(manifest, indent=2))


def dumped(obj, tmp_path: Path) -> bytes:
    path = tmp_path / "object.joblib"
    joblib.dump(obj, path)
    return path.read_bytes()


def new_version(root: Path, trained, tag: str) -> str:
    return registry.save_version(trained["model"], {"data_hash": tag}, root)


def test_a_rehashed_malicious_pickle_is_refused_and_its_payload_never_runs(root, trained, tmp_path):
    marker = tmp_path / "pwned"
    served = registry.current_version(root)
    evil = new_version(root, trained, "evil")
    rehash(root, evil, dumped(Payload(marker), tmp_path))

    with pytest.raises(RegistryError, match="signature does not match"):
        registry.promote(evil, root)
    with pytest.raises(RegistryError, match="signature does not match"):
        registry.load(evil, root)
    (root / "CURRENT").write_text(evil + "\n")  # written by hand, past promote
    holder = ModelHolder(root, poll_seconds=0)
    assert holder.loaded is None and "signature does not match" in holder.last_error
    assert not marker.exists()
    (root / "CURRENT").write_text(served + "\n")
    assert holder.loaded.version == served


def test_a_version_that_is_a_path_is_refused(root, trained, tmp_path):
    outside = tmp_path / "x"
    shutil.copytree(trained["root"] / trained["version"], outside / "evil")
    traversal = os.path.relpath(outside / "evil", root)  # ../x/evil
    for name in (traversal, "../../../../tmp/x/evil", str(outside / "evil"), "..", "a/../b"):
        with pytest.raises(RegistryError, match="not a version name"):
            registry.promote(name, root)
        with pytest.raises(RegistryError, match="not a version name"):
            registry.load(name, root)
    (root / "CURRENT").write_text(traversal + "\n")
    assert ModelHolder(root, poll_seconds=0).loaded is None


def test_a_symlinked_version_pointing_outside_is_refused(root, trained, tmp_path):
    outside = tmp_path / "elsewhere"
    shutil.copytree(trained["root"] / trained["version"], outside)
    (root / "linked").symlink_to(outside)
    with pytest.raises(RegistryError, match="outside the registry"):
        registry.load("linked", root)


@pytest.mark.parametrize(
    "edit",
    [
        lambda m: m.update(metrics={"macro_f1": 0.999, "top1": 0.999}),
        lambda m: m.update(thresholds=dict.fromkeys(m["thresholds"], 0.0)),
        lambda m: m.update(data_hash="0" * 64),
    ],
    ids=["forged metric", "zero thresholds", "other data"],
)
def test_a_manifest_edit_is_refused(root, trained, edit):
    version = new_version(root, trained, "edited")
    path = root / version / "manifest.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest, indent=2))
    with pytest.raises(RegistryError, match="signature does not match"):
        registry.promote(version, root)
    assert registry.current_version(root) == trained["version"]


def test_a_signed_artifact_that_is_not_a_model_never_becomes_current(root, trained, tmp_path):
    """Even signed (a bug in whatever wrote it), a non-model is refused by promote's child process."""
    version = new_version(root, trained, "not-a-model")
    rehash(root, version, dumped({"not": "a model"}, tmp_path))
    manifest_bytes = (root / version / "manifest.json").read_bytes()
    (root / version / "manifest.sig").write_bytes(signing.sign(version, manifest_bytes))
    with pytest.raises(RegistryError, match="holds a dict, not a model"):
        registry.promote(version, root)
    assert registry.current_version(root) == trained["version"]
    assert [
        e for e in registry.history(root) if e.get("version") == version and e["event"] == "promoted"
    ] == []


def test_a_repaired_version_is_served_once_promoted_again(root, trained):
    version = new_version(root, trained, "repaired")
    artifact = root / version / "model.joblib"
    good = artifact.read_bytes()
    artifact.write_bytes(b"damaged")
    holder = ModelHolder(root, poll_seconds=0)
    assert holder.loaded.version == trained["version"]
    (root / "CURRENT").write_text(version + "\n")
    assert not holder.refresh() and "does not match" in holder.last_error
    assert not holder.refresh()  # the same damaged files are not retried (nor logged) again

    artifact.write_bytes(good)
    registry.promote(version, root)
    assert holder.refresh() and holder.loaded.version == version


def test_an_unsigned_version_from_the_previous_release_is_adopted_by_sign(root, trained, monkeypatch):
    version = new_version(root, trained, "release-0.1")
    (root / version / "manifest.sig").unlink()
    with pytest.raises(RegistryError, match=r"is not signed.*motivo models sign"):
        registry.load(version, root)
    assert registry.sign_version(version, root) == "checked, exercised and signed"
    assert registry.load(version, root).version == version
    assert registry.sign_version(version, root) == "already signed by a trusted key"


def test_an_unsigned_version_whose_hash_does_not_match_is_not_adopted(root, trained, tmp_path):
    marker = tmp_path / "pwned"
    version = new_version(root, trained, "tampered")
    (root / version / "manifest.sig").unlink()
    manifest = json.loads((root / version / "manifest.json").read_text())
    (root / version / "model.joblib").write_bytes(dumped(Payload(marker), tmp_path))
    with pytest.raises(RegistryError, match="does not match its manifest"):
        registry.sign_version(version, root)
    assert json.loads((root / version / "manifest.json").read_text()) == manifest
    assert not (root / version / "manifest.sig").exists() and not marker.exists()


def test_the_signing_key_is_private_and_outside_the_registry(tmp_path, monkeypatch, trained):
    monkeypatch.setenv("MOTIVO_SIGNING_KEY", str(tmp_path / "keys" / "signing.key"))
    monkeypatch.setenv("MOTIVO_TRUSTED_KEYS", str(tmp_path / "keys" / "trusted.pub"))
    registry.save_version(trained["model"], {}, tmp_path / "registry")
    mode = stat.S_IMODE((tmp_path / "keys" / "signing.key").stat().st_mode)
    assert mode == 0o600
    assert len(signing.trusted_keys()) == 1

    monkeypatch.setenv("MOTIVO_SIGNING_KEY", str(tmp_path / "registry" / "signing.key"))
    with pytest.raises(signing.SignatureError, match="outside the model registry"):
        registry.save_version(trained["model"], {}, tmp_path / "registry")


def test_loading_needs_only_the_public_key(root, trained, monkeypatch, tmp_path):
    monkeypatch.setenv("MOTIVO_SIGNING_KEY", str(tmp_path / "absent.key"))
    assert registry.load(None, root).version == trained["version"]
    assert not (tmp_path / "absent.key").exists()


def test_after_a_key_rotation_resigned_versions_load_and_the_old_key_can_be_dropped(
    root, trained, monkeypatch, tmp_path
):
    for variable, path in (
        ("MOTIVO_SIGNING_KEY", signing.signing_key_path()),
        ("MOTIVO_TRUSTED_KEYS", signing.trusted_keys_path()),
    ):
        shutil.copy(path, tmp_path / path.name)
        monkeypatch.setenv(variable, str(tmp_path / path.name))
    signing.rotate_signing_key()
    assert registry.sign_version(trained["version"], root, resign=True) == "signed again with the current key"
    new_key = signing.trusted_keys_path().read_text().split()[-1]
    signing.trusted_keys_path().write_text(new_key + "\n")  # the old key's line deleted
    assert registry.load(None, root).version == trained["version"]
    other = root / "other"
    shutil.copytree(trained["root"], other)  # signed by the old key only
    with pytest.raises(RegistryError, match="signature does not match"):
        registry.load(None, other)
