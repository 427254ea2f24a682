"""A MotivoModel fitted in a second on a few dozen synthetic notes (three reasons and the flag)."""

from __future__ import annotations

import random
from functools import lru_cache

from model.motivo_model import MotivoModel, label_matrix
from model.taxonomy import load_taxonomy

OPENINGS = ["Dr. informou que", "Dra. disse que", "O prestador relatou que", "Falei com o Dr., ele disse que"]
REASONS = {
    "glosas": [
        "teve muitas guias glosadas",
        "as glosas de tratamento não param",
        "o recurso de glosa foi negado",
    ],
    "aposentou": ["vai se aposentar", "está se aposentando", "decidiu se aposentar este ano"],
    "valores": [
        "a tabela de valores está muito baixa",
        "o valor pago não cobre o material",
        "os valores são baixos",
    ],
}
THREATS = ["Vai processar a operadora na justiça.", "Ameaçou entrar na justiça com advogado."]
CALM = ["Agradeceu a parceria.", "Sem pendências.", "Pediu o descredenciamento."]


def synthetic_cases(n: int = 72, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        code = list(REASONS)[i % len(REASONS)]
        threat = i % 4 == 0
        note = (
            f"{rng.choice(OPENINGS)} {rng.choice(REASONS[code])}. {rng.choice(THREATS if threat else CALM)}"
        )
        cases.append(
            {"observations": [note], "general_note": "", "reasons": [code], "judicializacao": threat}
        )
    return cases


@lru_cache(maxsize=1)
def tiny_model() -> MotivoModel:
    codes = load_taxonomy().reason_codes
    cases = synthetic_cases()
    return MotivoModel(reason_codes=codes, flag_code="ameaca_judicializacao", cv=3).fit(
        cases, label_matrix(cases, codes)
    )
