"""Retraining: the one rule for what trains (training_set), the guard, the hold-out, the gate."""

from __future__ import annotations

import pytest

from training.corpus import load_split
from training.guard import vocabulary
from training.retrain import MIN_CONFIRMED_TEST, RetrainResult, comparison_table, gate, too_small
from training.training_set import build, in_holdout, text_key

NOTES = [
    "Dra. informou que vai se aposentar no fim do ano e fechar o consultório.",
    "Dr. reclamou das glosas do mês passado e pediu o descredenciamento.",
    "Clínica disse que o valor da tabela não cobre os custos do atendimento.",
]


@pytest.fixture(scope="module")
def known():
    return vocabulary(load_split("train") + load_split("test"))


def case(text, reasons=("glosas",), flag=False, source="agent", **extra):
    return {
        "id": extra.pop("id", abs(hash(text)) % 10_000),
        "source": source,
        "observations": [text],
        "general_note": extra.pop("general_note", ""),
        "reasons": list(reasons),
        "judicializacao": flag,
        "status": extra.pop("status", "desligamento"),
        **extra,
    }


def test_a_confirmed_case_replaces_the_corpus_case_with_the_same_text(known):
    corpus = [
        case("Dra. ligou do 21 98765-4321 sobre as glosas do mês.", ("valores",), source=None),
        case(NOTES[0], source=None),
    ]
    confirmed = [case("dra. ligou do <PHONE>  sobre as GLOSAS do mês.", ("glosas",), form_id="F1")]
    data = build(corpus, [], confirmed, holdout=0.0, known=known)
    assert data.counts["corpus"]["replaced"] == 1
    assert sorted((c["source"], c["reasons"][0]) for c in data.train) == [
        ("agent", "glosas"),
        ("corpus", "glosas"),
    ]


def test_for_the_same_form_a_qa_correction_beats_the_agents_latest_confirmation(known):
    cases = [
        case(NOTES[1], ("glosas",), form_id="F1", id=1),
        case(NOTES[1] + " De novo.", ("valores",), form_id="F1", id=5),
        case(NOTES[1], ("cobranca_indevida",), source="qa", form_id="F1", id=3),
    ]
    data = build([], [], cases, holdout=0.0, known=known)
    assert [(c["source"], c["reasons"]) for c in data.train] == [("qa", ["cobranca_indevida"])]
    assert data.counts["agent"]["replaced"] == 2


def test_for_the_same_text_confirmed_beats_history_beats_corpus(known):
    corpus = [case(NOTES[2], ("baixa_procura",), source=None)]
    history = [case(NOTES[2], ("falta_de_reajuste",), source="history", form_id="H-7")]
    assert [c["reasons"] for c in build(corpus, [], history, 0.0, known).train] == [["falta_de_reajuste"]]
    confirmed = [case(NOTES[2], ("valores",), form_id="F-9")]
    data = build(corpus, [], history + confirmed, 0.0, known)
    assert [(c["source"], c["reasons"]) for c in data.train] == [("agent", ["valores"])]
    assert data.counts["history"]["replaced"] == 1 and data.counts["corpus"]["replaced"] == 1


def test_confirmations_that_disagree_are_reported_and_left_out_and_the_corpus_speaks(known):
    corpus = [case(NOTES[0], ("aposentou",), source=None)]
    confirmed = [
        case(NOTES[0], ("glosas",), form_id="A", id=1),
        case(NOTES[0], ("valores",), form_id="B", id=2),
        case(NOTES[1], form_id="C", id=3),
    ]
    data = build(corpus, [], confirmed, holdout=0.0, known=known)
    assert [(c["source"], c["form_ids"]) for c in data.conflicts] == [("agent", ["A", "B"])]
    assert sorted((c["source"], c["reasons"][0]) for c in data.train) == [
        ("agent", "glosas"),
        ("corpus", "aposentou"),
    ]


def test_confirmations_agreeing_on_the_same_text_count_once(known):
    confirmed = [case(NOTES[0], form_id="A"), case(NOTES[0], form_id="B")]
    data = build([], [], confirmed, holdout=0.0, known=known)
    assert len(data.train) == 1 and data.counts["agent"]["same text"] == 1


def test_the_corpus_test_split_is_never_trained_on_nor_overridden(known):
    test = [case(NOTES[0], source=None)]
    data = build([], test, [case(NOTES[0], ("obito",), form_id="X")], holdout=0.0, known=known)
    assert data.train == [] and data.corpus_test == test and data.counts["agent"]["in corpus test"] == 1


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ({"observations": ["0"]}, "too little text"),
        ({"observations": ["asd qwe zxc rty fgh jkl"]}, "not a note"),
        ({"observations": ["lorem ipsum dolor sit amet consectetur"]}, "not a note"),
        (
            {"observations": ["%%%%%% ### Dr. vai sair da rede @@@@ !!!!!! ???? #### $$$$ &&&& ****"]},
            "not a note",
        ),
        ({"reasons": ["glosa_nova"]}, "unknown codes"),
        ({"status": None}, "status: must be one of"),
        ({"reasons": ["outros"]}, "justification"),
        ({"reasons": [], "status": "desligamento"}, "at least one box"),
        ({"reasons": ["migracao"], "form_version": "v1"}, "does not print"),
    ],
)
def test_the_guard_lists_and_leaves_out_junk_and_what_the_form_forbids(known, bad, why):
    good = case(NOTES[1], form_id="G")
    data = build([], [], [good, {**case(NOTES[2], form_id="J", id=99), **bad}], holdout=0.0, known=known)
    assert [c["form_id"] for c in data.train] == ["G"]
    (left_out,) = data.left_out
    assert left_out.form_id == "J" and why in left_out.why and data.counts["agent"]["guarded out"] == 1


def test_every_corpus_case_would_pass_the_guard(known):
    corpus = [
        {**c, "status": c.get("status") or "desligamento", "source": "agent", "form_id": c["id"]}
        for c in load_split("train")
    ]
    corpus = [c for c in corpus if c["reasons"] or c["judicializacao"] or c["status"] != "desligamento"]
    data = build([], [], corpus, holdout=0.0, known=known)
    assert [item.why for item in data.left_out if "not a note" in item.why or "too little" in item.why] == []


def test_the_holdout_is_a_stable_share_by_form_id_whatever_the_source():
    forms = [case(f"texto {i}", form_id=f"F{i}") for i in range(2000)]
    chosen = [in_holdout(c, 0.2) for c in forms]
    assert 0.17 < sum(chosen) / len(chosen) < 0.23
    assert chosen == [in_holdout(c, 0.2) for c in forms]
    assert in_holdout(case("a", form_id="F7"), 0.2) == in_holdout(case("b", source="qa", form_id="F7"), 0.2)


def test_held_out_cases_of_every_source_never_train(known):
    cases = [
        case(f"{NOTES[i % 3]} Caso {i}.", form_id=f"F{i}", source=("agent", "qa", "history")[i % 3])
        for i in range(60)
    ]
    data = build([], [], cases, holdout=0.5, known=known)
    held = {c["form_id"] for source in data.held_out.values() for c in source}
    assert held and not held & {c["form_id"] for c in data.train}
    assert held == {c["form_id"] for c in cases if in_holdout(c, 0.5)}


def test_text_key_ignores_masking_case_and_spaces():
    assert text_key(case("Tel 21 98765-4321  OK")) == text_key(case("tel <PHONE> ok"))


def test_the_gate_refuses_when_the_confirmed_test_set_is_too_small(known):
    cases = [case(f"{NOTES[i % 3]} Caso {i}.", form_id=f"F{i}") for i in range(50)]
    small = build([], [], cases, holdout=0.2, known=known)
    assert "at least 100 are needed" in too_small(small, MIN_CONFIRMED_TEST)
    assert too_small(build([], [], [], holdout=0.2, known=known), MIN_CONFIRMED_TEST) is None


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


def test_the_retrain_report_names_cases_by_id_never_by_text_and_masks_form_ids(known):
    confirmed = [
        case(NOTES[0], ("glosas",), form_id="529.982.247-25", id=41),
        case(NOTES[0], ("valores",), form_id="F-2", id=42),
        case("xyzzy plugh", form_id="F-3", id=43),  # left out by the guard
    ]
    data = build([], [], confirmed, holdout=0.0, known=known)
    assert data.conflicts and data.left_out
    report = comparison_table(RetrainResult(data, {}, None, None, False, ["a test"], trained=False))
    assert "41" in report and "42" in report and "43" in report
    assert "aposentar" not in report and "xyzzy" not in report
    assert "529.982.247-25" not in report and "<CPF>" in report
