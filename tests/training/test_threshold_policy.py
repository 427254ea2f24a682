"""The threshold policy: thresholds resolved on confirmed forms are kept with their model version
and used only for it; a malformed resolved block is refused."""

from __future__ import annotations

import pytest

from training.threshold_policy import PolicyError, resolve, validate
from training.threshold_table import oof_labels, threshold_for_precision


def test_resolved_thresholds_serve_only_their_model_version(trained):
    model = trained["model"]
    column = model.labels.index("glosas")
    policy = validate(
        {
            "all": {"target_precision": 0.9},
            "resolved": {"model_version": "v-confirmed", "forms": 250, "thresholds": {"glosas": 0.42}},
        },
        model.labels,
    )
    assert resolve(policy, model, version="v-confirmed")[0]["glosas"] == 0.42
    truth, proba = oof_labels(model)
    elsewhere = resolve(policy, model, version="v-other")[0]["glosas"]
    assert elsewhere == threshold_for_precision(truth[:, column], proba[:, column], 0.9) != 0.42


@pytest.mark.parametrize(
    "resolved",
    [
        {"model_version": "v", "forms": 1, "thresholds": {"nao_existe": 0.5}},
        {"model_version": "v", "forms": 1, "thresholds": {"glosas": 1.5}},
        {"model_version": "v", "forms": -1, "thresholds": {}},
        {"model_version": "", "forms": 1, "thresholds": {}},
        {"model_version": "v", "thresholds": {}},
        ["glosas"],
    ],
)
def test_a_malformed_resolved_block_is_refused(trained, resolved):
    with pytest.raises(PolicyError):
        validate({"all": {"target_precision": 0.9}, "resolved": resolved}, trained["model"].labels)
