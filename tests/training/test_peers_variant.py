"""The peers table trains the rejected model variant on the same cases and scores it the same way."""

from __future__ import annotations

import numpy as np

from model.motivo_model import label_matrix
from model.taxonomy import load_taxonomy
from tests.model.tiny_model import synthetic_cases
from training import evaluate, peers
from training.train import fit_model


def test_the_rejected_variant_is_a_peer_scored_by_its_own_decisions(monkeypatch):
    codes = load_taxonomy().reason_codes
    labels = len(codes) + 1
    monkeypatch.setattr(peers, "train_spacy_textcat", lambda *args, **kwargs: None)
    monkeypatch.setattr(peers, "spacy_scores", lambda nlp, cases, names: np.full((len(cases), labels), 0.1))
    monkeypatch.setattr(peers, "REJECTED_VARIANT", ("rejected: second_share 1e-6", {"second_share": 1e-6}))
    train, test = synthetic_cases(72, seed=3), synthetic_cases(24, seed=9)
    table = evaluate.peer_metrics(train, test, codes, 0.98)
    assert list(table) == ["keyword rules", "spaCy textcat_multilabel (BOW)", "rejected: second_share 1e-6"]
    rejected = table["rejected: second_share 1e-6"]
    # Its own decisions, not the thresholds alone: a share of 1e-6 suggests nearly every reason
    # beside a suggested one, so its micro F1 falls below the same model deciding at thresholds.
    plain = fit_model(train)
    P = plain.predict_proba(test)
    at_thresholds = evaluate.evaluate_predictions(
        label_matrix(test, codes), P, plain.decision_thresholds, codes
    )
    assert rejected["micro_f1"] < at_thresholds["micro_f1"]
    assert rejected["top1"] == at_thresholds["top1"]
