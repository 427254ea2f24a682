"""The model registry: verified loading, atomic CURRENT, promote and rollback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from model.motivo_model import MODEL_FORMAT
from training import registry, signing
from training.registry import RegistryError


@pytest.fixture
def model(trained):
    return trained["model"]


def save(model, root, tag) -> str:
    """A version of the session's model, told apart by its data hash."""
    return registry.save_version(model, {"data_hash": str(tag)}, root)


def test_a_saved_version_loads_with_its_manifest(tmp_path, model):
    version = save(model, tmp_path, "abc")
    loaded = registry.load(version, tmp_path)
    assert loaded.model.labels == model.labels
    assert loaded.manifest["data_hash"] == "abc"
    data = (tmp_path / version / "model.joblib").read_bytes()
    assert loaded.manifest["artifact_sha256"] == registry.sha256_bytes(data)
    assert loaded.manifest["libraries"]["scikit-learn"]
    assert loaded.manifest["thresholds"] == dict(
        zip(model.labels, [round(float(t), 4) for t in model.decision_thresholds], strict=True)
    )


def test_the_registry_keeps_only_models(tmp_path):
    with pytest.raises(RegistryError, match="not a dict"):
        registry.save_version({"not": "a model"}, {}, tmp_path)
    assert registry.versions(tmp_path) == []


def test_a_tampered_artifact_is_refused(tmp_path, model):
    version = save(model, tmp_path, 1)
    with open(tmp_path / version / "model.joblib", "ab") as handle:
        handle.write(b"x")
    with pytest.raises(RegistryError, match="does not match its manifest"):
        registry.load(version, tmp_path)


def test_an_artifact_from_other_library_versions_is_refused(tmp_path, model):
    version = save(model, tmp_path, 1)
    path = tmp_path / version / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["libraries"]["scikit-learn"] = "0.24.2"
    path.write_text(json.dumps(manifest))
    signature = signing.sign(version, path.read_bytes())  # the key holder signed it: still refused
    (tmp_path / version / "manifest.sig").write_bytes(signature)
    with pytest.raises(RegistryError, match=r"scikit-learn 0\.24\.2 \(installed"):
        registry.load(version, tmp_path)


@pytest.mark.parametrize("written", [None, 1])
def test_a_model_of_another_format_is_refused_naming_the_retrain(tmp_path, model, written):
    """A version from release 0.1 (no format recorded) or of an older format is not unpickled by
    code that reads its internals differently."""
    version = save(model, tmp_path, 1)
    path = tmp_path / version / "manifest.json"
    manifest = json.loads(path.read_text())
    assert manifest["model_format"] == MODEL_FORMAT
    if written is None:
        del manifest["model_format"]
    else:
        manifest["model_format"] = written
    path.write_text(json.dumps(manifest))
    (tmp_path / version / "manifest.sig").write_bytes(signing.sign(version, path.read_bytes()))
    with pytest.raises(
        RegistryError, match=rf"format 1, and this motivo reads format {MODEL_FORMAT}.*motivo train"
    ):
        registry.load(version, tmp_path)


def test_no_current_model_is_a_clear_error(tmp_path):
    with pytest.raises(RegistryError, match="no current model"):
        registry.load(None, tmp_path)


def test_promote_and_rollback_move_current(tmp_path, model):
    a, b, c = (save(model, tmp_path, tag) for tag in "abc")
    registry.promote(a, tmp_path)
    registry.promote(b, tmp_path)
    registry.promote(c, tmp_path)
    assert registry.load(None, tmp_path).manifest["data_hash"] == "c"
    assert registry.rollback(tmp_path) == b
    assert registry.current_version(tmp_path) == b
    assert registry.rollback(tmp_path) == a  # what served before b, not c again
    with pytest.raises(RegistryError, match="first promoted"):
        registry.rollback(tmp_path)
    events = [e["event"] for e in registry.history(tmp_path)]
    assert events.count("promoted") == 3 and events.count("rolled_back") == 2


def test_a_broken_version_cannot_be_promoted(tmp_path, model):
    good = save(model, tmp_path, 1)
    bad = save(model, tmp_path, 2)
    registry.promote(good, tmp_path)
    (tmp_path / bad / "model.joblib").write_bytes(b"garbage")
    with pytest.raises(RegistryError):
        registry.promote(bad, tmp_path)
    assert registry.current_version(tmp_path) == good


def test_half_written_versions_and_history_lines_are_ignored(tmp_path, model):
    version = save(model, tmp_path, 1)
    (tmp_path / ".staging-abc").mkdir()
    (tmp_path / "20990101-000000").mkdir()  # no manifest: an interrupted copy, not a version
    with open(tmp_path / "history.jsonl", "a") as handle:
        handle.write('{"event": "trai')
    assert registry.versions(tmp_path) == [version]
    assert [e["event"] for e in registry.history(tmp_path)] == ["trained"]


def test_current_is_replaced_not_rewritten_in_place(tmp_path, model):
    a = save(model, tmp_path, 1)
    b = save(model, tmp_path, 2)
    registry.promote(a, tmp_path)
    before = os.stat(tmp_path / "CURRENT").st_ino
    registry.promote(b, tmp_path)
    assert os.stat(tmp_path / "CURRENT").st_ino != before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_model_dir_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTIVO_MODEL_DIR", str(tmp_path / "elsewhere"))
    assert registry.registry_root() == tmp_path / "elsewhere"


CRASH_POINTS = ["artifact_written", "before_rename", "before_history", "before_current", "after_current"]
# A child saves a version of the serving model and promotes it, killed by SIGKILL at the crash point.
SAVE_AND_PROMOTE = """
import sys
from pathlib import Path
from training import registry
root = Path(sys.argv[1])
version = registry.save_version(registry.load(None, root).model, {"data_hash": "killed"}, root)
registry.promote(version, root)
"""


@pytest.mark.parametrize("kill_at", CRASH_POINTS)
def test_a_save_and_promote_killed_at_any_point_leaves_the_registry_intact(tmp_path, trained, kill_at):
    root = tmp_path / "registry"
    shutil.copytree(trained["root"], root)
    before = registry.current_version(root)
    killed = subprocess.run(
        [sys.executable, "-c", SAVE_AND_PROMOTE, str(root)],
        env={**os.environ, "MOTIVO_KILL_AT": kill_at},
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -9, (killed.returncode, killed.stderr[-500:])

    current = registry.current_version(root)
    assert current in (before, *registry.versions(root))
    assert (current == before) == (kill_at != "after_current")
    registry.load(current, root)  # verifies hash, signature and libraries
    for version in registry.versions(root):
        registry.verify(version, root)
    for line in (root / "history.jsonl").read_text().splitlines()[:-1]:
        json.loads(line)
    # What the killed run left (a staging folder, an unpromoted version) does not block the next.
    version = save(registry.load(current, root).model, root, "after")
    registry.promote(version, root)
    assert registry.current_version(root) == version
