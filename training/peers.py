"""Peers the shipped model is compared with: keyword rules, spaCy's own multi-label textcat, and
the best model variant rejected when the shipped one was chosen (README, "Choosing the model")."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import spacy
from spacy.training import Example
from spacy.util import minibatch

from model.cases import case_text
from model.masking import mask
from model.normalize import fold

# What a careful analyst would grep for, per label (folded text). A case scores one point per
# matching pattern; one point suggests the label.
KEYWORDS: dict[str, list[str]] = {
    "perda_de_contato": [
        r"sem retorno",
        r"caixa postal|cx postal",
        r"nao atende",
        r"numero (?:nao existe|inexistente)",
        r"perda de contato",
    ],
    "problemas_de_saude": [
        r"doenca|doente",
        r"cirurgia",
        r"cancer|tratamento medico|quimioterapia",
        r"gravid|gestacao|licenca maternidade",
        r"saude",
    ],
    "beneficiario_grosseiro": [
        r"grosseir|mal educad|agressiv",
        r"desrespeit",
        r"falta(?:m|ram)? (?:as|nas) consultas|faltos",
    ],
    "valores": [
        r"valor(?:es)? (?:baix|defasad)",
        r"tabela (?:baixa|defasada)",
        r"nao compensa",
        r"paga(?:m)? (?:mais|melhor|o dobro)",
        r"repasse baixo",
    ],
    "franquia": [r"franquia|franquead|franqueador"],
    "alteracao_responsavel_tecnico": [r"responsavel tecnico|\brt\b", r"troca de rt|novo rt"],
    "removido_prestador": [
        r"saiu da (?:clinica|equipe)|deixou a clinica",
        r"exclus(?:ao|ir) (?:do|da) (?:profissional|dentista|corpo clinico)",
        r"removid|descredenciad(?:o|a) pela operadora",
    ],
    "sem_local_de_atendimento": [
        r"aluguel|despejo|imovel",
        r"vendeu o consultorio|perdeu o consultorio|sem consultorio",
        r"reforma",
    ],
    "glosas": [r"glosa"],
    "dificuldades_com_o_sistema": [r"portal|sistema|aplicativo|\bapp\b", r"login|senha|erro|upload"],
    "prazo_liberacao_de_guias": [r"demora|demorad|atras", r"em analise", r"liberacao"],
    "encerramento_de_atividades": [r"encerr|fechar a clinica|fechando|baixa no cnpj"],
    "regras_tecnicas": [r"radiografia|\brx\b|raio.?x", r"foto", r"pericia", r"regra"],
    "apenas_procedimentos_esteticos": [r"estetic|harmonizacao|lente|faceta|clareamento|botox"],
    "aposentou": [r"aposent"],
    "baixa_procura": [r"poucos pacientes|baixa procura|nenhum paciente|pouco movimento|nao aparece"],
    "dificuldade_de_contato_com_a_central": [r"central", r"0800", r"ninguem atende|nao consigo falar"],
    "falta_de_suporte_da_operadora": [r"suporte", r"sem resposta|ninguem responde", r"abandonad"],
    "cobranca_indevida": [r"cobranc|cobrad|boleto", r"desconto|descontad"],
    "burocracia_operadora": [r"burocra", r"documentos|papelada|recadastr"],
    "negativa_de_atendimento": [r"negad|negativa|nega(?:m|ram)?\b", r"sem cobertura|nao cobre"],
    "terceirizacao_de_atendimento": [
        r"terceiriz",
        r"outro dentista atend|atende(?:ndo)? no (?:meu|seu) nome",
    ],
    "migracao": [r"migra", r"cpf para cnpj|para o cnpj|novo cnpj"],
    "carteira_de_clientes_particular": [r"particular", r"proprio plano"],
    "estudos": [r"mestrado|doutorado|especializacao|residencia|curso"],
    "outros": [r"\boutros\b"],
    "servidor_publico": [r"concurso|servidor|prefeitura|nomead"],
    "mudou_de_area": [r"mudou|mudanca|mudando|outra cidade|outro estado"],
    "obito": [r"falec|obito|morreu"],
    "falta_de_reajuste": [r"reajuste"],
}
# The runner-up of the last model choice, trained in the same run on the same cases, so that the
# report keeps showing what it would have done (MotivoModel parameters).
REJECTED_VARIANT: tuple[str, dict[str, Any]] = (
    "motivo variant rejected: neighbour_share=1.5",
    {"neighbour_share": 1.5},
)

FLAG_KEYWORDS = [
    r"process",
    r"advogad",
    r"justica|judicial",
    r"\bans\b|\bnip\b",
    r"procon",
    r"denuncia",
    r"danos morais",
]


def keyword_scores(cases: Sequence[dict[str, Any]], codes: Sequence[str]) -> np.ndarray:
    """(cases x reasons+1) scores in [0, 1): n matching patterns -> n / (n + 1)."""
    compiled = [[re.compile(p) for p in KEYWORDS[code]] for code in codes] + [
        [re.compile(p) for p in FLAG_KEYWORDS]
    ]
    scores = np.zeros((len(cases), len(compiled)))
    for i, case in enumerate(cases):
        text = fold(case_text(case))
        for j, patterns in enumerate(compiled):
            hits = sum(bool(p.search(text)) for p in patterns)
            scores[i, j] = hits / (hits + 1)
    return scores


def _spacy_text(case: dict[str, Any]) -> str:
    return mask(case_text(case))


def train_spacy_textcat(
    cases: Sequence[dict[str, Any]], Y: np.ndarray, labels: Sequence[str], epochs: int = 12, seed: int = 0
) -> spacy.language.Language:
    """spaCy's textcat_multilabel with the bag-of-words architecture, trained on the same cases."""
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    nlp = spacy.blank("pt")
    textcat = nlp.add_pipe(
        "textcat_multilabel",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": False,
                "ngram_size": 2,
                "no_output_layer": False,
            }
        },
    )
    for label in labels:
        textcat.add_label(label)
    examples = [
        Example.from_dict(
            nlp.make_doc(_spacy_text(c)), {"cats": {lab: float(Y[i, j]) for j, lab in enumerate(labels)}}
        )
        for i, c in enumerate(cases)
    ]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(epochs):
        random.shuffle(examples)
        for batch in minibatch(examples, size=32):
            nlp.update(batch, sgd=optimizer)
    return nlp


def spacy_scores(
    nlp: spacy.language.Language, cases: Sequence[dict[str, Any]], labels: Sequence[str]
) -> np.ndarray:
    docs = nlp.pipe(_spacy_text(c) for c in cases)
    return np.array([[doc.cats[label] for label in labels] for doc in docs])
