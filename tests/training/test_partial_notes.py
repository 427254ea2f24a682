"""What agents see while typing: the typing simulation and the short notes, on hand-checked arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.motivo_model import MotivoModel
from training.partial_notes import (
    flag_rates,
    short_note_metrics,
    short_notes,
    suggestion_metrics,
    typing_cut_metrics,
    typing_simulation,
)

# Four inputs, three reasons. Suggested: (0,0) true, (0,1) false at 0.92, (1,1) true, (2,2) false
# at 0.6. A false 0.99 on row 3 is not suggested, so it is no confident false suggestion.
Y = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 0], [1, 0, 1]])
S = np.array([[1, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]])
P = np.array([[0.95, 0.92, 0.1], [0.3, 0.8, 0.1], [0.1, 0.2, 0.6], [0.4, 0.99, 0.3]])


def test_suggestion_metrics_count_suggestions_true_labels_and_confident_false_ones():
    metrics = suggestion_metrics(Y, P, S)
    assert metrics["inputs"] == 4
    assert metrics["precision"] == 0.5  # 2 true of 4 suggested
    assert metrics["recall"] == 0.5  # 2 found of 4 true labels
    assert metrics["confident_false_per_100"] == 25.0  # one (0.92) in 4 inputs


def test_a_false_suggestion_at_exactly_0_9_is_confident():
    at_limit = P.copy()
    at_limit[0, 1] = 0.9
    assert suggestion_metrics(Y, at_limit, S)["confident_false_per_100"] == 25.0
    at_limit[0, 1] = 0.8999
    assert suggestion_metrics(Y, at_limit, S)["confident_false_per_100"] == 0.0


def test_precision_of_no_suggestion_at_all_is_undefined_not_perfect():
    metrics = suggestion_metrics(Y, P, np.zeros_like(S))
    assert math.isnan(metrics["precision"])
    assert metrics["recall"] == 0.0
    assert metrics["confident_false_per_100"] == 0.0


def test_flag_rates():
    y = np.array([1, 1, 0, 0, 0])
    flagged = np.array([1, 0, 1, 0, 0])
    assert flag_rates(y, flagged) == {
        "flag_precision": 0.5,
        "flag_recall": 0.5,
        "flag_false_positive_rate": round(1 / 3, 4),
    }


def test_a_typing_cut_scores_reasons_against_the_full_cases_labels_and_the_flag_apart():
    # Reasons a, b, then the flag. The flag column is no reason: a suggestion of nothing on case 0
    # does not miss it, and case 1's flag does not count as a true reason.
    Y_full = np.array([[1, 0, 1], [0, 1, 0], [0, 0, 0]])
    S_cut = np.array([[1, 0], [1, 0], [0, 0]])
    P_cut = np.array([[0.7, 0.1], [0.95, 0.2], [0.3, 0.3]])
    metrics = typing_cut_metrics(Y_full, P_cut, S_cut, np.array([1, 1, 0]))
    assert metrics["precision"] == 0.5
    assert metrics["recall"] == 0.5
    assert metrics["confident_false_per_100"] == round(100 / 3, 2)
    assert metrics["flag_precision"] == 0.5
    assert metrics["flag_recall"] == 1.0
    assert metrics["flag_false_positive_rate"] == 0.5


# Five short notes, three reasons, the flag last: notes 0, 1 and 4 state a reason; note 2 states
# none; note 3 is a bare threat (flag, no reason) that wrongly gets reason 1 at 0.95.
Y_SHORT = np.array([[1, 0, 0, 0], [0, 1, 0, 1], [0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])
P_SHORT = np.array([[0.9, 0.1, 0.2], [0.1, 0.3, 0.4], [0.2, 0.1, 0.05], [0.1, 0.95, 0.1], [0.1, 0.2, 0.85]])
S_SHORT = np.array([[1, 0, 0], [0, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 1]])
FLAGGED_SHORT = np.array([0, 1, 0, 0, 0])


def test_short_note_metrics_on_hand_checked_notes():
    metrics = short_note_metrics(Y_SHORT, P_SHORT, S_SHORT, FLAGGED_SHORT)
    assert metrics["notes"] == 5
    assert metrics["stating_a_reason"] == 3
    assert metrics["stating_no_reason"] == 2
    assert metrics["top1_where_stated"] == round(2 / 3, 4)  # note 1's best guess is reason 2
    assert metrics["suggested_where_stated"] == round(2 / 3, 4)  # note 1 gets nothing
    assert metrics["silent_where_none"] == 0.5  # note 2 is silent, note 3 is not
    assert metrics["precision"] == round(2 / 3, 4)
    assert metrics["recall"] == round(2 / 3, 4)
    assert metrics["confident_false_per_100"] == 20.0  # note 3; note 0 is confident but true
    assert metrics["flag_precision"] == 1.0
    assert metrics["flag_recall"] == 0.5
    assert metrics["flag_false_positive_rate"] == 0.0


def test_short_notes_that_all_state_no_reason_have_no_top1():
    none = np.zeros((2, 4), dtype=int)
    metrics = short_note_metrics(none, P_SHORT[:2], np.zeros((2, 3), dtype=int), np.zeros(2))
    assert math.isnan(metrics["top1_where_stated"])
    assert metrics["silent_where_none"] == 1.0


CODES = ("glosas", "aposentou")


def fake_model() -> MotivoModel:
    """A model whose probabilities come from words: 'glosa' -> glosas, 'aposentar' -> aposentou,
    'processar' -> the flag. It decides with MotivoModel.decide at thresholds of 0.5."""
    model = MotivoModel(reason_codes=CODES, flag_code="ameaca_judicializacao")
    model.thresholds_ = np.array([0.5, 0.5])
    model.flag_threshold_ = 0.5

    def predict_proba(cases):
        rows = []
        for case in cases:
            text = " ".join([*case["observations"], case.get("general_note", "")]).lower()
            rows.append([0.95 if w in text else 0.05 for w in ("glosa", "aposentar", "processar")])
        return np.array(rows)

    model.predict_proba = predict_proba
    return model


def case(text: str, reasons: list[str], threat: bool = False, batch: str = "b1") -> dict:
    return {
        "observations": [text],
        "general_note": "",
        "reasons": reasons,
        "judicializacao": threat,
        "batch": batch,
    }


def test_the_typing_simulation_cuts_every_case_and_judges_it_by_the_full_cases_labels():
    cases = [
        # Its reason in its first word: suggested at every cut.
        case("glosa negada de novo, tentei explicar, ele nao quis ouvir nada mais", ["glosas"]),
        # Its reason in its last word: never reached before the whole case is typed.
        case("tentei explicar a regra varias vezes mas no fim reclamou da glosa", ["glosas"]),
        # A word seen at 50 % that is not among the full case's labels: false at 50 % and 75 %.
        case("reclamou da tabela e aposentar nem pensar, quer valores melhores logo", []),
        # The threat appears between 25 % and 50 %: flagged from the 50 % cut.
        case("reclamou muito e disse processar a operadora se nada mudar logo", [], threat=True),
    ]
    results = typing_simulation(fake_model(), cases)
    assert list(results) == ["0.25", "0.50", "0.75"]
    assert results["0.25"]["precision"] == 1.0
    assert results["0.25"]["recall"] == 0.5
    assert results["0.50"]["precision"] == 0.5
    assert results["0.75"]["recall"] == 0.5
    assert results["0.75"]["confident_false_per_100"] == 25.0
    assert results["0.25"]["flag_recall"] == 0.0
    assert results["0.50"]["flag_recall"] == 1.0
    assert all(r["inputs"] == 4 and r["flag_false_positive_rate"] == 0.0 for r in results.values())


def test_short_notes_are_scored_overall_and_for_each_batch():
    notes = [
        case("Dr vai se aposentar", ["aposentou"], batch="a"),
        case("Tentei ligar, caiu na caixa postal", [], batch="a"),
        case("Excesso de glosa, pediu pra sair", ["glosas"], batch="b"),
        case("Dr vai processar a operadora", [], threat=True, batch="b"),
        {**case("Dr vai se aposentar por causa da glosa", ["aposentou"]), "batch": None},
    ]
    results = short_notes(fake_model(), notes)
    assert results["notes"] == 5
    assert results["silent_where_none"] == 1.0
    assert results["precision"] == 0.75  # the last note's glosa is not its reason
    assert set(results["by_batch"]) == {"a", "b", "(no batch)"}
    assert results["by_batch"]["a"]["notes"] == 2
    assert results["by_batch"]["a"]["stating_no_reason"] == 1
    assert results["by_batch"]["b"]["flag_recall"] == 1.0
    assert results["by_batch"]["(no batch)"]["precision"] == 0.5


@pytest.mark.parametrize("cut", ["0.25", "0.50", "0.75"])
def test_a_model_silent_on_cut_notes_has_undefined_precision_and_no_recall(cut):
    model = fake_model()
    model.predict_proba = lambda cases: np.full((len(cases), 3), 0.1)
    results = typing_simulation(model, [case("glosa glosa glosa glosa", ["glosas"])])
    assert math.isnan(results[cut]["precision"]) and results[cut]["recall"] == 0.0
