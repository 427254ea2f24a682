"""`motivo data check` catches schema errors, duplicates, template smell and unmet quotas."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from training.data_check import check_corpus, is_hard_negative

TAXONOMY = Path(__file__).parents[2] / "labeled_data" / "taxonomy.yaml"


def case(i: int, text: str, split: str = "train", batch: str = "b1", **labels) -> dict:
    return {
        "id": f"c{i}",
        "observations": [text],
        "general_note": "",
        "reasons": labels.get("reasons", ["glosas"]),
        "judicializacao": labels.get("judicializacao", False),
        "status": labels.get("status", "desligamento"),
        "split": split,
        "batch": batch,
    }


def corpus(tmp_path: Path, cases: list[dict], raw_lines: list[str] = ()) -> Path:
    shutil.copy(TAXONOMY, tmp_path / "taxonomy.yaml")
    (tmp_path / "cases").mkdir()
    lines = [json.dumps(c, ensure_ascii=False) for c in cases] + list(raw_lines)
    (tmp_path / "cases" / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


DISTINCT = [
    "Dra. Ana teve três guias glosadas em março e desistiu do plano.",
    "O dentista vai se aposentar depois de quarenta anos de consultório.",
    "Clínica vendida para uma rede de franquias que escolhe os convênios.",
    "Não conseguimos contato: números desligados e e-mail voltando.",
]


def test_a_clean_small_corpus_passes_without_quotas(tmp_path):
    report = check_corpus(corpus(tmp_path, [case(i, t) for i, t in enumerate(DISTINCT)]), quotas=False)
    assert report.ok, report.errors
    assert report.table.loc["glosas", "cases"] == 4


def test_quotas_fail_a_small_corpus_and_say_by_how_much(tmp_path):
    report = check_corpus(corpus(tmp_path, [case(i, t) for i, t in enumerate(DISTINCT)]))
    assert "4 cases; at least 2400 are needed" in report.errors
    assert any(e.startswith("obito: true in 0 cases") for e in report.errors)


def test_schema_errors_name_the_line_and_field(tmp_path):
    bad = [
        case(1, DISTINCT[0], reasons=["glosa_nova"]),
        case(2, DISTINCT[1], status="talvez"),
        {**case(3, DISTINCT[2]), "observations": ["a"] * 6},
        case(1, DISTINCT[3]),
    ]
    report = check_corpus(corpus(tmp_path, bad, ["{broken"]), quotas=False)
    text = "\n".join(report.errors)
    assert "a.jsonl:1 (c1): reasons: unknown codes ['glosa_nova']" in text
    assert "a.jsonl:2 (c2): status" in text
    assert "at most 5" in text
    assert "id 'c1' is used 2 times" in text
    assert "a.jsonl:5: not JSON" in text


def test_outros_without_justification_is_refused(tmp_path):
    report = check_corpus(corpus(tmp_path, [case(1, DISTINCT[0], reasons=["outros"])]), quotas=False)
    assert any("'outros' needs its justification" in e for e in report.errors)


def test_near_duplicates_across_splits_fail(tmp_path):
    text = "Dra. Ana teve três guias glosadas em março, recorreu duas vezes e desistiu do plano."
    near = text.replace("março", "abril")
    cases = [
        case(1, text),
        case(2, near, split="test", batch="b2"),
        case(3, DISTINCT[1]),
        case(4, DISTINCT[2]),
    ]
    report = check_corpus(corpus(tmp_path, cases), quotas=False)
    assert report.near_duplicates and report.near_duplicates[0][:2] == ("c1", "c2")
    assert any("cross the splits" in e for e in report.errors)


def test_a_long_sentence_in_more_than_five_cases_is_a_template_smell(tmp_path):
    template = "Realizada tentativa de contato com o prestador no telefone cadastrado, sem sucesso."
    cases = [
        case(i, f"{template} {DISTINCT[i % 4]} Caso número {i} com detalhes próprios {i * 7}.")
        for i in range(7)
    ]
    report = check_corpus(corpus(tmp_path, cases), quotas=False)
    assert any("sentence in 7 cases" in e for e in report.errors)


def test_a_batch_split_between_train_and_test_fails(tmp_path):
    cases = [case(1, DISTINCT[0]), case(2, DISTINCT[1], split="test")]
    report = check_corpus(corpus(tmp_path, cases))
    assert any("batch 'b1' is in both splits" in e for e in report.errors)


@pytest.mark.parametrize(
    ("text", "flag", "expected"),
    [
        ("Agente explicou a regra da ANS sobre prazos.", False, True),
        ("Dr. disse que não vai processar ninguém.", False, True),
        ("Vou processar vocês.", True, False),
        ("Dra. informou o CRO-SP 12345 para o cadastro.", False, False),
        ("Aberto o processo de descredenciamento.", False, False),
    ],
)
def test_hard_negatives_are_flag_false_cases_with_legal_words(text, flag, expected):
    assert is_hard_negative(case(1, text, judicializacao=flag)) is expected


def short(i: int, text: str, **labels) -> dict:
    return {**case(i, text, **labels), "kind": "short_note"}


def test_a_short_note_may_state_no_reason_and_leave_the_status_unknown(tmp_path):
    notes = [
        short(1, "liguei duas vezes, caixa postal", reasons=[], status=None),
        short(2, "Dr. vai tirar um ano sabático viajando pelo país", reasons=["outros"], status=None),
    ]
    report = check_corpus(corpus(tmp_path, notes), quotas=False)
    assert report.ok, report.errors
    assert report.summary["short_notes"] == 2 and report.summary["status_unknown"] == 2


def test_a_short_note_must_still_say_whether_there_is_a_threat_and_be_one_short_sentence(tmp_path):
    notes = [
        short(1, "liguei duas vezes, caixa postal", judicializacao=None, status=None),
        short(2, " ".join(["palavra"] * 25), status=None),
        {**short(3, "vai pensar e retorna amanhã", status=None), "general_note": "e outra nota"},
    ]
    errors = check_corpus(corpus(tmp_path, notes), quotas=False).errors
    assert any("(c1): judicializacao: must be true or false" in e for e in errors)
    assert any("(c2): observations: a short note is one field of 3 to 20 words" in e for e in errors)
    assert any("(c3): observations: a short note is one field" in e for e in errors)


def test_a_full_case_still_needs_its_status_and_an_unknown_kind_is_refused(tmp_path):
    cases = [case(1, DISTINCT[0], status=None), {**case(2, DISTINCT[1]), "kind": "rascunho"}]
    errors = check_corpus(corpus(tmp_path, cases), quotas=False).errors
    assert any("(c1): status: must be one of" in e for e in errors)
    assert any("(c2): kind: must be 'short_note' or absent" in e for e in errors)
