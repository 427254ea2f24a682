"""Training on the operator's history: its own test sets, older-form boxes unknown, corpus weight."""

from __future__ import annotations

import json

import numpy as np
import pytest

from training.corpus import load_split
from training.guard import vocabulary
from training.history_training import train_with_history
from training.known_labels import UNKNOWN, known_label_matrix, printed_only
from training.retrain import comparison_table, gated_sets, retrain
from training.train import case_weights
from training.training_set import RECENT, build

NOTES = [
    "Dra. informou que vai se aposentar no fim do ano e fechar o consultório.",
    "Dr. reclamou das glosas do mês passado e pediu o descredenciamento.",
    "Clínica disse que o valor da tabela não cobre os custos do atendimento.",
    "Dentista vai migrar para outra operadora que paga melhor o repasse das consultas.",
]


@pytest.fixture(scope="module")
def known():
    return vocabulary(load_split("train") + load_split("test"))


def past(text, reasons=("glosas",), version="v2", date=None, status=None, **extra):
    return {
        "id": extra.pop("id", abs(hash(text)) % 10_000),
        "source": "history",
        "form_id": f"history:crm:{abs(hash(text)) % 10_000}",
        "observations": [text],
        "general_note": "",
        "reasons": list(reasons),
        "judicializacao": False,
        "status": status,
        "form_version": version,
        "date": date,
        **extra,
    }


def test_history_without_a_status_trains_and_keeps_its_form_version_and_date(known):
    data = build([], [], [past(NOTES[1], version="v1", date="2019-06-05")], holdout=0.0, known=known)
    assert not data.left_out
    (trained,) = data.train
    assert (trained["source"], trained["form_version"], trained["date"]) == ("history", "v1", "2019-06-05")


def test_history_dated_from_test_since_on_never_trains_and_is_the_recent_test_set(known):
    cases = [past(NOTES[0], ("aposentou",), date="2025-02-01"), past(NOTES[1], date="2023-01-10")]
    data = build([], [], cases, holdout=0.0, known=known, test_since="2025-01-01")
    assert [c["date"] for c in data.held_out[RECENT]] == ["2025-02-01"]
    assert [c["date"] for c in data.train] == ["2023-01-10"]
    assert data.counts["history"]["recent test"] == 1


def test_an_older_form_case_is_unknown_not_negative_on_the_boxes_it_does_not_print():
    codes = ["glosas", "migracao", "outros", "falta_de_reajuste"]
    cases = [
        past(NOTES[1], version="v1"),
        past(NOTES[3], ("migracao",), version=None),
        past(NOTES[2], ("valores",), version="v2"),
        {"observations": [NOTES[0]], "general_note": "", "reasons": [], "judicializacao": False},
    ]
    Y = known_label_matrix(cases, codes)
    assert Y[0].tolist() == [1, UNKNOWN, UNKNOWN, UNKNOWN, 0]
    assert Y[1].tolist() == [0, 1, UNKNOWN, UNKNOWN, 0]  # version unknown: only its tick is known
    assert Y[2].tolist() == [0, 0, 0, 0, 0] and Y[3].tolist() == [0, 0, 0, 0, 0]
    P = np.full(Y.shape, 0.9)
    Y_measured, P_measured = printed_only(Y, P)
    assert P_measured[0].tolist() == [0.9, 0.0, 0.0, 0.0, 0.9] and (Y_measured >= 0).all()


def test_the_corpus_weight_weighs_only_corpus_cases():
    cases = [{"source": "corpus"}, {"source": "history"}, {"source": "agent"}, {}]
    assert case_weights(cases, 1.0) is None
    assert case_weights(cases, 0.25).tolist() == [0.25, 1.0, 1.0, 0.25]


def test_a_history_test_set_too_small_to_judge_is_shown_but_not_gated():
    metrics = {
        "corpus test": {"cases": 3},
        "history test": {"cases": 3},
        "history since 2025-01-01": {"cases": 500},
    }
    assert set(gated_sets(metrics, 100)) == {"corpus test", "history since 2025-01-01"}


def history_cases(data_dir, share: int = 4):
    """Held-out corpus test cases as an operator's history: every `share`-th as an older form."""
    cases = [c for c in load_split("test", data_dir) if c.get("kind") != "short_note"]
    out = []
    for i, c in enumerate(cases[:: max(1, len(cases) // 60)]):
        older = i % share == 0
        reasons = [
            r for r in c["reasons"] if not older or r not in ("migracao", "outros", "falta_de_reajuste")
        ]
        out.append(
            {
                **past(" ".join(c["observations"]), reasons, "v1" if older else "v2", f"202{i % 5}-03-01"),
                "general_note": c["general_note"],
                "judicializacao": c["judicializacao"],
                "form_id": f"history:crm:{c['id']}",
            }
        )
    return out


def test_retrain_with_history_judges_the_candidate_on_the_history_test_sets(trained, tmp_path):
    import shutil

    root = tmp_path / "registry"
    shutil.copytree(trained["root"], root)
    history = history_cases(trained["data"])
    result = retrain(
        [],
        trained["data"],
        root,
        holdout=0.3,
        min_confirmed_test=0,
        history=history,
        test_since="2024-01-01",
        dry_run=True,
    )
    assert {"corpus test", "history test", "history since 2024-01-01"} <= set(result.candidate)
    assert result.candidate["history test"]["cases"] == len(result.data.held_out["history"]) > 0
    assert set(result.current) == set(result.candidate)
    table = comparison_table(result)
    assert "history since 2024-01-01" in table and "history" in table.split("\n\n")[1]
    # Held-out corpus cases never train, but as history they measure: all of them are test cases.
    assert result.data.counts["history"]["train"] == 0
    tested = len(result.data.held_out["history"]) + len(result.data.held_out[RECENT])
    assert tested == len(history) - result.data.counts["history"]["guarded out"]
    json.dumps(result.candidate)


def test_motivo_train_with_history_writes_a_version_measured_on_the_history(trained, tmp_path):
    import shutil

    root = tmp_path / "registry"
    shutil.copytree(trained["root"], root)
    corpus_train = [c for c in load_split("train", trained["data"]) if c.get("kind") != "short_note"][::8]
    history = [
        {
            **past(" ".join(c["observations"]), c["reasons"], "v2", "2024-05-01"),
            "judicializacao": c["judicializacao"],
        }
        for c in corpus_train
    ]
    _, manifest, data, measured = train_with_history(
        history, trained["data"], root, holdout=0.5, corpus_weight=0.5
    )
    assert manifest["data"] == "corpus+history" and manifest["corpus_weight"] == 0.5
    assert data.counts["history"]["test"] == measured["history test"]["cases"] > 0
    assert manifest["sources"]["history"]["train"] == data.counts["history"]["train"]
