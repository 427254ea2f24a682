"""Which boxes are findings: a box can only be wrong when it is known; unknown boxes get suggestions."""

from __future__ import annotations

import numpy as np

from training.audit.findings import box_findings

# Three reasons and the flag (last column).
DECISION = np.array([0.5, 0.5, 0.5, 0.4])
CONFIDENT = np.array([0.8, 0.8, 0.8, 0.7])
P = np.array([0.9, 0.1, 0.6, 0.95])


def kinds(found):
    return [(j, kind) for j, kind, _, _ in found]


def test_known_boxes_give_findings_ranked_by_the_chance_the_tick_is_wrong():
    found = box_findings(P, {1}, False, DECISION, CONFIDENT)
    assert kinds(found) == [(3, "flag_missed"), (0, "missing"), (1, "unsupported"), (2, "missing")]
    assert [round(score, 2) for *_, score in found] == [0.95, 0.9, 0.9, 0.6]


def test_unknown_boxes_give_suggestions_and_never_findings():
    found = box_findings(P, None, None, DECISION, CONFIDENT)
    assert kinds(found) == [(3, "flag_suggested"), (0, "suggested"), (2, "suggested")]


def test_a_known_set_of_reasons_with_an_unknown_flag_suggests_the_flag_only():
    found = box_findings(P, {0, 2}, None, DECISION, CONFIDENT)
    assert kinds(found) == [(3, "flag_suggested"), (2, "unsupported")]


def test_a_ticked_flag_the_text_does_not_support_is_a_finding():
    low_flag = np.array([0.9, 0.1, 0.1, 0.05])
    assert kinds(box_findings(low_flag, {0}, True, DECISION, CONFIDENT)) == [(3, "flag_unsupported")]
