"""The retention form's rules, as the API and retraining both apply them."""

from __future__ import annotations

from model.form_rules import form_rule_problems


def rules(reasons=(), flag=False, status="desligamento", note="", version=None):
    return [p.rule for p in form_rule_problems(list(reasons), flag, status, note, version)]


def test_a_well_filled_form_breaks_no_rule():
    assert rules(["glosas"]) == []
    assert rules(["outros"], note="Vai morar fora do país.") == []
    assert rules([], flag=True) == []  # Ameaça Judicialização is a box of the section
    assert rules([], status="retencao_efetiva") == []


def test_each_rule_is_named():
    assert rules(["glosas"], status=None) == ["status_required"]
    assert rules(["outros"], note=" - ") == ["outros_needs_justification"]
    assert rules([]) == ["desligamento_needs_reason"]
    assert rules(["migracao", "falta_de_reajuste", "valores"], version="v1") == ["reason_not_on_form_version"]
    assert rules(["migracao"], version="v2") == []


def test_the_older_form_problem_names_the_missing_boxes():
    (problem,) = form_rule_problems(["outros", "valores"], False, "desligamento", "justificativa", "v1")
    assert "['outros']" in problem.message and problem.field == "confirmed.reasons"
