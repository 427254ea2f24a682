"""`motivo models`: list, promote and threshold changes against a small trained registry."""

from __future__ import annotations

import copy
import shutil

import numpy as np
import pytest
from click.testing import CliRunner

from service.cli import main
from training import registry


def test_models_list_marks_the_current_version(registry_env):
    result = CliRunner().invoke(main, ["models", "list"])
    assert result.exit_code == 0
    assert f"* {registry_env['version']}" in result.stdout


@pytest.fixture
def own_registry(trained, tmp_path, monkeypatch):
    """A copy of the session's registry, so that new versions and promotions stay in this test."""
    root = tmp_path / "registry"
    shutil.copytree(trained["root"], root)
    monkeypatch.setenv("MOTIVO_MODEL_DIR", str(root))
    monkeypatch.setenv("MOTIVO_DATA_DIR", str(trained["data"]))
    return root


def test_models_thresholds_lists_every_labels_threshold(own_registry, trained):
    result = CliRunner().invoke(main, ["models", "thresholds", trained["version"]])
    assert result.exit_code == 0, result.output
    lines = dict(line.split() for line in result.stdout.splitlines())
    assert list(lines) == trained["model"].labels
    assert float(lines["glosas"]) == pytest.approx(
        registry.read_manifest(trained["version"], own_registry)["thresholds"]["glosas"]
    )


def test_a_threshold_change_is_a_new_signed_version_served_once_promoted_and_rolled_back(
    own_registry, trained
):
    result = CliRunner().invoke(
        main,
        [
            "models",
            "thresholds",
            trained["version"],
            "--set",
            "glosas=0.93",
            "--set",
            "ameaca_judicializacao=0.5",
            "--promote",
        ],
    )
    assert result.exit_code == 0, result.output
    new = registry.current_version(own_registry)
    assert new != trained["version"] and f"current model: {new}" in result.stdout
    loaded = registry.load(new, own_registry)  # signed, verified, loadable
    thresholds = dict(zip(loaded.model.labels, loaded.model.decision_thresholds, strict=True))
    assert thresholds["glosas"] == pytest.approx(0.93) and thresholds[
        "ameaca_judicializacao"
    ] == pytest.approx(0.5)
    old = dict(zip(trained["model"].labels, trained["model"].decision_thresholds, strict=True))
    assert all(
        thresholds[c] == pytest.approx(old[c]) for c in old if c not in ("glosas", "ameaca_judicializacao")
    )
    manifest = loaded.manifest
    assert manifest["derived_from"] == trained["version"]
    assert manifest["thresholds_changed"]["glosas"] == {"from": round(old["glosas"], 4), "to": 0.93}
    assert manifest["metrics"]["top1"] > 0  # measured again on the test split
    assert registry.rollback(own_registry) == trained["version"]


@pytest.mark.parametrize(
    "change, says",
    [("glosas=1.5", "between 0 and 1"), ("nada=0.5", "unknown label 'nada'"), ("glosas=alto", "CODE=VALUE")],
)
def test_a_bad_threshold_change_is_refused_by_name_and_writes_nothing(own_registry, trained, change, says):
    before = registry.versions(own_registry)
    result = CliRunner().invoke(main, ["models", "thresholds", trained["version"], "--set", change])
    assert result.exit_code != 0 and says in result.output
    assert registry.versions(own_registry) == before


def test_a_neighbour_share_is_a_new_signed_version_whose_leaders_neighbours_need_more(own_registry, trained):
    result = CliRunner().invoke(
        main, ["models", "thresholds", trained["version"], "--neighbour-share", "1.5", "--promote"]
    )
    assert result.exit_code == 0, result.output
    assert "neighbour_share: 1.0000 -> 1.5000" in result.stdout
    new = registry.current_version(own_registry)
    loaded = registry.load(new, own_registry)
    assert loaded.manifest["decision_changed"] == {"neighbour_share": {"from": 1.0, "to": 1.5}}
    assert loaded.manifest["params"]["neighbour_share"] == 1.5
    assert (
        loaded.manifest["thresholds"]
        == registry.read_manifest(trained["version"], own_registry)["thresholds"]
    )
    # The leader near certain, one of its neighbours and an unrelated reason just over their
    # thresholds: the new version drops the neighbour only.
    codes = list(trained["model"].reason_codes)
    lead, near, far = (
        codes.index(c) for c in ("negativa_de_atendimento", "prazo_liberacao_de_guias", "obito")
    )
    limits = trained["model"].decision_thresholds
    proba = np.zeros((1, len(codes) + 1))
    proba[0, lead] = 0.99
    proba[0, [near, far]] = 1.1 * limits[[near, far]]
    assert trained["model"].decide(proba).suggested[0, [lead, near, far]].tolist() == [True, True, True]
    assert loaded.model.decide(proba).suggested[0, [lead, near, far]].tolist() == [True, False, True]
    listed = CliRunner().invoke(main, ["models", "list"]).stdout.splitlines()
    assert next(line for line in listed if new in line).endswith("neighbour share 1.5")
    assert not next(line for line in listed if trained["version"] in line).endswith("neighbour share 1.5")


@pytest.mark.parametrize(
    "share, says", [("0.5", "from 1.0 (off) to 4.0"), ("9", "from 1.0 (off) to 4.0"), ("nan", "got nan")]
)
def test_a_neighbour_share_out_of_range_is_refused_by_name_and_writes_nothing(
    own_registry, trained, share, says
):
    before = registry.versions(own_registry)
    result = CliRunner().invoke(
        main, ["models", "thresholds", trained["version"], "--neighbour-share", share]
    )
    assert result.exit_code != 0 and says in result.output
    assert registry.versions(own_registry) == before


def test_a_version_trained_without_neighbouring_pairs_cannot_take_a_neighbour_share(own_registry, trained):
    older = registry.save_version(
        copy.copy(trained["model"]).set_params(neighbours=()), {"params": {}}, own_registry
    )
    before = registry.versions(own_registry)
    result = CliRunner().invoke(main, ["models", "thresholds", older, "--neighbour-share", "1.5"])
    assert result.exit_code != 0 and "trained without neighbouring pairs" in result.output
    assert registry.versions(own_registry) == before
