"""Retraining: merging confirmed cases, the hold-out, the gate."""

from __future__ import annotations

from training.retrain import gate, in_holdout, merge, text_key


def case(text, reasons=("glosas",), flag=False, **extra):
    return {
        "id": extra.pop("id", text[:8]),
        "observations": [text],
        "general_note": "",
        "reasons": list(reasons),
        "judicializacao": flag,
        **extra,
    }


def test_a_confirmed_case_replaces_the_corpus_case_with_the_same_text():
    corpus = [case("Dra. ligou do 21 98765-4321: glosas.", ("valores",)), case("outro texto")]
    confirmed = [case("dra. ligou do <PHONE>:  GLOSAS.", ("glosas",), form_id="F1")]
    data = merge(corpus, [], confirmed, holdout=0.0)
    assert data.overridden == 1
    assert [c["reasons"] for c in data.train] == [["glosas"], ["glosas"]]
    assert [c["observations"][0] for c in data.train] == ["outro texto", "dra. ligou do <PHONE>:  GLOSAS."]


def test_confirmations_that_disagree_are_reported_and_left_out():
    confirmed = [
        case("mesmo texto", ("glosas",), form_id="A", id=1),
        case("mesmo texto", ("valores",), form_id="B", id=2),
        case("texto bom", form_id="C", id=3),
    ]
    data = merge([], [], confirmed, holdout=0.0)
    assert len(data.conflicts) == 1 and data.conflicts[0]["form_ids"] == ["A", "B"]
    assert [c["form_id"] for c in data.train] == ["C"]


def test_confirmations_agreeing_on_the_same_text_count_once():
    confirmed = [case("igual", form_id="A"), case("igual", form_id="B")]
    assert len(merge([], [], confirmed, holdout=0.0).train) == 1


def test_the_corpus_test_split_is_never_trained_on_nor_overridden():
    test = [case("caso de teste")]
    data = merge([], test, [case("caso de teste", ("obito",), form_id="X")], holdout=0.0)
    assert data.train == [] and data.corpus_test == test


def test_the_holdout_is_a_stable_share_by_form_id():
    forms = [case(f"texto {i}", form_id=f"F{i}") for i in range(2000)]
    chosen = [in_holdout(c, 0.2) for c in forms]
    assert 0.17 < sum(chosen) / len(chosen) < 0.23
    assert chosen == [in_holdout(c, 0.2) for c in forms]
    assert in_holdout(case("a", form_id="F7"), 0.2) == in_holdout(case("b", form_id="F7"), 0.2)


def test_text_key_ignores_masking_case_and_spaces():
    assert text_key(case("Tel 21 98765-4321  OK")) == text_key(case("tel <PHONE> ok"))


def test_the_gate_refuses_a_fall_beyond_tolerance_on_either_set():
    current = {
        "corpus test": {"macro_f1": 0.90, "top1": 0.95, "flag_recall": 0.96},
        "confirmed test": {"macro_f1": 0.50, "top1": 0.60, "flag_recall": float("nan")},
    }
    better = {
        "corpus test": {"macro_f1": 0.895, "top1": 0.95, "flag_recall": 0.95},
        "confirmed test": {"macro_f1": 0.80, "top1": 0.90, "flag_recall": 1.0},
    }
    tolerances = {"macro_f1": 0.01, "top1": 0.01, "flag_recall": 0.02}
    assert gate(better, current, tolerances) == []
    worse = {**better, "corpus test": {"macro_f1": 0.85, "top1": 0.95, "flag_recall": 0.96}}
    assert gate(worse, current, tolerances) == [
        "macro_f1 on corpus test fell from 0.9000 to 0.8500 (tolerance 0.01)"
    ]
