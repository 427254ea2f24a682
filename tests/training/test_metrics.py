"""Evaluation metrics on small hand-checked examples."""

from __future__ import annotations

import numpy as np
import pytest

from training.metrics import (
    abstention_curve,
    evaluate_predictions,
    flag_metrics,
    metrics_by_group,
    top_k_hit_rate,
)

Y = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]])
P = np.array([[0.9, 0.2, 0.1], [0.6, 0.5, 0.1], [0.1, 0.2, 0.3], [0.1, 0.2, 0.8]])


def test_top_k_counts_a_hit_when_any_true_reason_is_among_the_k_best():
    assert top_k_hit_rate(Y, P, 1) == 0.5  # cases 0 and 2
    assert top_k_hit_rate(Y, P, 2) == 1.0


def test_flag_metrics_at_a_threshold():
    y = np.array([1, 1, 0, 0, 1])
    p = np.array([0.9, 0.4, 0.6, 0.1, 0.8])
    metrics = flag_metrics(y, p, 0.5)
    assert metrics["precision"] == round(2 / 3, 4)
    assert metrics["recall"] == round(2 / 3, 4)


def test_abstention_curve_trades_coverage_for_precision():
    curve = abstention_curve(Y, P, points=3)
    assert curve[0]["coverage"] == 1.0
    assert curve[-1]["coverage"] < curve[0]["coverage"]


def test_report_metrics_have_every_label_and_the_flag():
    Yf = np.hstack([Y, np.array([[1], [0], [0], [1]])])
    Pf = np.hstack([P, np.array([[0.9], [0.2], [0.4], [0.7]])])
    metrics = evaluate_predictions(Yf, Pf, np.full(4, 0.5), ["a", "b", "c"])
    assert set(metrics["per_label"]) == {"a", "b", "c"}
    assert metrics["per_label"]["a"]["support"] == 2
    assert metrics["flag"]["recall"] == 1.0
    assert metrics["confusions"][0]["cases"] >= 1


# The one-case group has no threat: the whole-set flag curve it is compared with warns about that.
@pytest.mark.filterwarnings("ignore:No positive class found")
def test_metrics_by_group_equal_the_metrics_of_each_group_alone():
    Yf = np.hstack([Y, np.array([[1], [0], [0], [1]])])
    Pf = np.hstack([P, np.array([[0.9], [0.2], [0.4], [0.3]])])
    thresholds = np.full(4, 0.5)
    groups = ["w01", "t1", "w01", "w01"]
    by_group = metrics_by_group(Yf, Pf, thresholds, groups)
    assert list(by_group) == ["w01", "t1"]  # largest first
    for name, rows in (("w01", [0, 2, 3]), ("t1", [1])):
        alone = evaluate_predictions(Yf[rows], Pf[rows], thresholds, ["a", "b", "c"])
        assert by_group[name]["cases"] == len(rows)
        for key in ("top1", "top3", "micro_f1"):
            assert by_group[name][key] == alone[key]
    assert by_group["w01"]["flag"] == {"precision": 1.0, "recall": 0.5, "support": 2}
    assert by_group["t1"]["flag"] == {"precision": 0.0, "recall": 0.0, "support": 0}
