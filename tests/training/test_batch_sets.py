"""Batch sets: second-reason recall and bootstrap intervals, on small hand-checked examples."""

from __future__ import annotations

import numpy as np

from training.batch_sets import (
    BATCH_SETS,
    batch_set_metrics,
    bootstrap_intervals,
    lesser_reasons,
    second_reason_recall,
    set_metrics,
)

CODES = ["a", "b", "c"]
CASES = [
    {"reasons": ["a", "b", "c"], "batch": "x"},  # b and c are second reasons
    {"reasons": ["b"], "batch": "x"},  # one reason: nothing second
    {"reasons": ["c", "a"], "batch": "y"},  # a is second, though it comes first in the form
]
# Columns a, b, c, then the flag.
Y = np.array([[1, 1, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]])


def test_second_reasons_are_the_gold_reasons_after_the_first_listed():
    rows, columns = lesser_reasons(CASES, CODES)
    assert sorted(zip(rows.tolist(), columns.tolist(), strict=True)) == [(0, 1), (0, 2), (2, 0)]


def test_second_reason_recall_is_the_share_of_them_suggested():
    suggested = np.array([[1, 1, 0], [0, 1, 0], [0, 0, 1]])  # only b of case 0 among the three
    assert second_reason_recall(CASES, suggested, CODES) == 1 / 3
    everything = np.ones((3, 3), dtype=int)
    assert second_reason_recall(CASES, everything, CODES) == 1.0
    assert np.isnan(second_reason_recall(CASES[1:2], everything[1:2], CODES))


def test_bootstrap_intervals_hold_the_estimate_repeat_with_the_seed_and_narrow_with_more_cases():
    rng = np.random.default_rng(1)
    Yb = rng.integers(0, 2, size=(40, 4))
    S = np.where(rng.random((40, 4)) < 0.8, Yb, 1 - Yb)  # right four times in five
    lesser = (np.arange(40), np.zeros(40, dtype=int))
    ci = bootstrap_intervals(Yb, S, lesser)
    assert ci == bootstrap_intervals(Yb, S, lesser)
    for j in range(4):
        tp, predicted = (Yb[:, j] & S[:, j]).sum(), S[:, j].sum()
        low, high = ci["precision"][j]
        assert 0 <= low <= tp / predicted <= high <= 1
    found = S[:, 0][Yb[:, 0] >= 0].mean()
    assert ci["second_reason_recall"][0] <= found <= ci["second_reason_recall"][1]
    bigger = bootstrap_intervals(
        np.tile(Yb, (16, 1)), np.tile(S, (16, 1)), (np.arange(640), np.zeros(640, int))
    )
    width = np.diff(ci["macro_f1"])[0]
    assert np.diff(bigger["macro_f1"])[0] < width / 2


def test_set_metrics_follow_the_models_decisions_when_given():
    P = np.array([[0.9, 0.3, 0.3, 0.1], [0.1, 0.9, 0.1, 0.9], [0.3, 0.1, 0.9, 0.1]])
    thresholds = np.full(4, 0.5)
    at_thresholds = set_metrics(CASES, Y, P, thresholds, CODES)
    assert at_thresholds["second_reason_recall"] == 0.0
    assert at_thresholds["second_reasons"] == 3 and at_thresholds["multi_reason_cases"] == 2
    lowered = (P[:, :-1] >= 0.25).astype(int)  # every second reason is at 0.3
    decided = set_metrics(CASES, Y, P, thresholds, CODES, lowered)
    assert decided["second_reason_recall"] == 1.0
    assert decided["per_label"]["b"]["recall"] == 1.0
    assert decided["flag"]["recall"] == 1.0 and decided["flag"]["support"] == 1


def test_only_the_sets_present_are_measured_each_with_its_own_cases():
    name, members = next(iter(BATCH_SETS.items()))
    cases = [{**case, "batch": members[0] if case["batch"] == "x" else "other"} for case in CASES]
    P = np.full((3, 4), 0.6)
    out = batch_set_metrics(cases, Y, P, np.full(4, 0.5), CODES)
    assert list(out) == [name]
    assert out[name]["cases"] == 2 and out[name]["second_reasons"] == 2
