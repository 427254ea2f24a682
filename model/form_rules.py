"""The retention form's own rules for a filled form, checked by the API and by retraining alike.

Each broken rule is reported with its code (the agents' page shows it in Portuguese), the
field it concerns and a message in English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from model.taxonomy import Taxonomy, load_taxonomy

OUTROS = "outros"
DESLIGAMENTO = "desligamento"


@dataclass(frozen=True)
class RuleProblem:
    rule: str
    field: str
    message: str


def form_rule_problems(
    reasons: Sequence[str],
    judicializacao: bool,
    status: str | None,
    general_note: str,
    form_version: str | None = None,
    taxonomy: Taxonomy | None = None,
) -> list[RuleProblem]:
    """Every rule of the form this filling breaks (empty: the form may be stored and trained on)."""
    taxonomy = taxonomy or load_taxonomy()
    problems = []
    if status is None:
        problems.append(
            RuleProblem(
                "status_required",
                "confirmed.status",
                f"a confirmation needs the 'Status retenção': one of {', '.join(taxonomy.status_codes)}",
            )
        )
    if OUTROS in reasons and not any(ch.isalnum() for ch in general_note):
        problems.append(
            RuleProblem(
                "outros_needs_justification",
                "general_note",
                "'Outros' is ticked: the form requires its written justification in the general note",
            )
        )
    if status == DESLIGAMENTO and not reasons and not judicializacao:
        problems.append(
            RuleProblem(
                "desligamento_needs_reason",
                "confirmed.reasons",
                "status 'desligamento' needs at least one box of 'Motivo desligamento' "
                "(Ameaça Judicialização counts)",
            )
        )
    if form_version is not None:
        printed = set(taxonomy.codes_of_version(form_version))
        missing = [code for code in reasons if code not in printed]
        if missing:
            problems.append(
                RuleProblem(
                    "reason_not_on_form_version",
                    "confirmed.reasons",
                    f"form {form_version} does not print the boxes {missing}",
                )
            )
    return problems
