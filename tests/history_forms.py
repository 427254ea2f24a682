"""Renders labeled cases as the operator's form exports, for the history import's tests and benchmark:
the newer form (v2) or the older one (v1, without Migração / Outros / Falta de Reajuste), with
☐/☒ marks or without any (as some exports come), laid out like the seed forms."""

from __future__ import annotations

from typing import Any

from model.taxonomy import load_taxonomy

STATUS_LABELS = {
    "retencao_efetiva": "Retenção Efetiva",
    "desligamento": "Desligamento",
    "nao_se_trata_de_retencao": "Não se trata de Retenção",
}


def _boxes(items: list[tuple[str, bool]], marks: bool, per_line: int = 3) -> str:
    if not marks:
        return "  ".join(text for text, _ in items)
    cells = [f"{'☒' if ticked else '☐'} {text}" for text, ticked in items]
    return "\n".join(" ".join(cells[i : i + per_line]) for i in range(0, len(cells), per_line))


def render_form(
    case: dict[str, Any], version: str = "v2", marks: bool = True, date: str = "", agent: str = "Ana"
) -> str:
    """The form's text export holding `case` (its notes, general note, ticked boxes and status)."""
    taxonomy = load_taxonomy()
    reasons = set(case.get("reasons") or ())
    printed = [(taxonomy.label(code), code in reasons) for code in taxonomy.codes_of_version(version)]
    # The form prints 'Ameaça Judicialização' among the reasons, after 'Negativa de Atendimento'.
    at = next(i for i, (text, _) in enumerate(printed) if text.startswith("Negativa")) + 1
    printed.insert(at, (taxonomy.label(taxonomy.flag.code), bool(case.get("judicializacao"))))
    status = [(text, case.get("status") == code) for code, text in STATUS_LABELS.items()]
    notes = list(case.get("observations") or [])[:5]
    notes += [""] * (5 - len(notes))
    contacts = "\n\n".join(f"{i}º contato Data\n\nObs.:\n{note}" for i, note in enumerate(notes, 1))
    return f"""

Formulário - Processo de Retenção

Qtd CRO(s)

Colaborador {agent} Data {date}

Operadora CRO UF Nome dentista

Status retenção
{_boxes(status, marks, 1)}

{contacts}

Ação Retenção
{_boxes([("Ofertado Novos Valores", False), ("Ofertado Suporte", False), ("Outros", False)], marks)}

Obs.: **OBRIGATÓRIO JUSTIFICATIVA CASO SELECIONE "OUTROS".**

Motivo desligamento
{_boxes(printed, marks)}

Necessário abertura de protocolo

{_boxes([("SIM", False), ("NÃO", True)], marks)}

Obs. Geral
{case.get("general_note") or ""}

Setor responsável

{_boxes([("T.I.", False), ("Central de atendimento", False), ("Comercial", False)], marks)}
"""
