"""The model registry: verified loading, atomic CURRENT, promote and rollback."""

from __future__ import annotations

import json
import os

import pytest

from training import registry
from training.registry import RegistryError


class Tiny:
    """A stand-in model: the registry stores any picklable object."""

    def __init__(self, value):
        self.value = value


def test_a_saved_version_loads_with_its_manifest(tmp_path):
    version = registry.save_version(Tiny(1), {"data_hash": "abc"}, tmp_path)
    loaded = registry.load(version, tmp_path)
    assert loaded.model.value == 1
    assert loaded.manifest["data_hash"] == "abc"
    assert loaded.manifest["artifact_sha256"] == registry.sha256_file(tmp_path / version / "model.joblib")
    assert loaded.manifest["libraries"]["scikit-learn"]


def test_a_tampered_artifact_is_refused(tmp_path):
    version = registry.save_version(Tiny(1), {}, tmp_path)
    with open(tmp_path / version / "model.joblib", "ab") as handle:
        handle.write(b"x")
    with pytest.raises(RegistryError, match="does not match its manifest"):
        registry.load(version, tmp_path)


def test_an_artifact_from_other_library_versions_is_refused(tmp_path):
    version = registry.save_version(Tiny(1), {}, tmp_path)
    path = tmp_path / version / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["libraries"]["scikit-learn"] = "0.24.2"
    path.write_text(json.dumps(manifest))
    with pytest.raises(RegistryError, match=r"scikit-learn 0\.24\.2 \(installed"):
        registry.load(version, tmp_path)


def test_no_current_model_is_a_clear_error(tmp_path):
    with pytest.raises(RegistryError, match="no current model"):
        registry.load(None, tmp_path)


def test_promote_and_rollback_move_current(tmp_path):
    a = registry.save_version(Tiny("a"), {}, tmp_path)
    b = registry.save_version(Tiny("b"), {}, tmp_path)
    c = registry.save_version(Tiny("c"), {}, tmp_path)
    registry.promote(a, tmp_path)
    registry.promote(b, tmp_path)
    registry.promote(c, tmp_path)
    assert registry.load(None, tmp_path).model.value == "c"
    assert registry.rollback(tmp_path) == b
    assert registry.current_version(tmp_path) == b
    assert registry.rollback(tmp_path) == a  # what served before b, not c again
    with pytest.raises(RegistryError, match="first promoted"):
        registry.rollback(tmp_path)
    events = [e["event"] for e in registry.history(tmp_path)]
    assert events.count("promoted") == 3 and events.count("rolled_back") == 2


def test_a_broken_version_cannot_be_promoted(tmp_path):
    good = registry.save_version(Tiny(1), {}, tmp_path)
    bad = registry.save_version(Tiny(2), {}, tmp_path)
    registry.promote(good, tmp_path)
    (tmp_path / bad / "model.joblib").write_bytes(b"garbage")
    with pytest.raises(RegistryError):
        registry.promote(bad, tmp_path)
    assert registry.current_version(tmp_path) == good


def test_half_written_versions_and_history_lines_are_ignored(tmp_path):
    version = registry.save_version(Tiny(1), {}, tmp_path)
    (tmp_path / ".staging-abc").mkdir()
    (tmp_path / "20990101-000000").mkdir()  # no manifest: an interrupted copy, not a version
    with open(tmp_path / "history.jsonl", "a") as handle:
        handle.write('{"event": "trai')
    assert registry.versions(tmp_path) == [version]
    assert [e["event"] for e in registry.history(tmp_path)] == ["trained"]


def test_current_is_replaced_not_rewritten_in_place(tmp_path):
    a = registry.save_version(Tiny(1), {}, tmp_path)
    b = registry.save_version(Tiny(2), {}, tmp_path)
    registry.promote(a, tmp_path)
    before = os.stat(tmp_path / "CURRENT").st_ino
    registry.promote(b, tmp_path)
    assert os.stat(tmp_path / "CURRENT").st_ino != before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_model_dir_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTIVO_MODEL_DIR", str(tmp_path / "elsewhere"))
    assert registry.registry_root() == tmp_path / "elsewhere"
