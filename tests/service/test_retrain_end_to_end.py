"""Retraining end to end: confirmations posted to the running service teach the next model.

"Tesourada" (a cut, as with scissors) is slang for a glosa that the corpus never uses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from training import registry
from training.corpus import load_split

ROOT = Path(__file__).parents[2]

# What agents wrote when providers used the slang; each confirmed as glosas.
SLANG_NOTES = [
    "Dr. Carlos disse que levou tesourada em metade do que mandou em março e não aguenta mais.",
    "Dra. reclamou de tesourada de novo: dos 12 atendimentos só pagaram 5.",
    "Prestadora informa que a tesourada deste mês foi de quase dois mil reais.",
    "tesourada em tudo que é canal, segundo o dr. vai sair",
    "Falei com a secretária: o doutor está bravo com as tesouradas no demonstrativo.",
    "[10:12, 3/5/2025] Dr Paulo: mais uma tesourada e eu saio",
    "Dr. Hugo mostrou o extrato: tesourada em 8 procedimentos sem explicação.",
    "A clínica quer sair porque toda produção vem com tesourada.",
    "Dra. Lívia: 'cansei das tesouradas, vocês pagam quando querem'.",
    "Provedor diz que as tesouradas começaram depois da troca de sistema de auditoria.",
    "Dr. Renan pediu desligamento, a tesourada de abril foi a gota d'água.",
    "tesourada nas restaurações de novo. dra pediu saída",
    "Administrador da clínica relata tesouradas frequentes nas próteses.",
    "O dentista afirma que 30% da produção sofre tesourada todo mês.",
    "Dra. Sônia: trabalho e depois vem a tesourada, assim não compensa ficar.",
    "[14:40, 9/6/2025] +55 31 99876-1122: olha a tesourada que vocês me deram de novo",
    "Conversei com o Dr. Nelson; ele reclama da tesourada nas endodontias.",
    "A tesourada no pagamento de fevereiro fez a clínica pedir o descredenciamento.",
    "Dr. alega tesourada indevida em 4 atendimentos e quer sair.",
    "secretaria informou q o dr nao aceita mais a tesourada mensal",
    "Prestador revoltado com a tesourada nos tratamentos de canal de molar.",
    "Dra. Júlia disse que a última tesourada foi de 14 procedimentos.",
    "Dr. Márcio: cada mês uma tesourada diferente, ninguém explica o motivo.",
    "A clínica Sorriso Leste reclama de tesourada sistemática nas limpezas.",
    "tesouradas seguidas desde janeiro, dra decidiu sair da rede",
    "Dr. Otávio relatou tesourada em todas as extrações do mês.",
    "Dona Célia, gerente, diz que a tesourada levou metade do faturamento.",
    "Dr. Fábio quer o descredenciamento por causa das tesouradas.",
    "A prestadora diz que já perdeu a conta das tesouradas deste ano.",
    "Dr. Wagner recebeu o demonstrativo com tesourada em 6 guias e ligou irritado.",
    "tesourada sem justificativa nas coroas, dr quer sair",
    "Dra. Aline: 'de que adianta atender se vem tesourada depois?'",
    "O Dr. Sílvio se queixa das tesouradas nos procedimentos infantis.",
    "Clínica informa tesourada de R$ 3.200 e pede desligamento.",
    "Dr. Davi: a tesourada virou rotina, não dá mais.",
    "Prestador relata que toda periodontia leva tesourada.",
    "Dra. Paula pediu saída depois de mais uma tesourada nas resinas.",
    "[09:05, 2/7/2025] Clínica Vida: a tesourada de junho veio ainda maior",
    "Dr. Elias reclama da tesourada e diz que vai atender só particular.",
    "tesourada de novo nos atendimentos de urgência, dra quer sair",
    "Dr. Joaquim disse que a tesourada deste trimestre passou do limite.",
    "A gerente da clínica relata tesourada em quase toda a produção de maio.",
    "Dra. Tânia reclama das tesouradas e pede o descredenciamento.",
    "Dr. Lucas: 'é tesourada atrás de tesourada'.",
    "Prestadora relata tesourada em procedimentos que foram autorizados.",
]
# Never posted: the slang with neutral words only.
UNSEEN = [
    "Dra. Márcia disse que levou outra tesourada e que assim prefere sair.",
    "O doutor ficou chateado com a tesourada e pediu para sair da rede.",
    "Secretária avisou que o dentista não quer continuar por causa da tesourada.",
]


def _confirm(server, note: str, reasons: list[str], form_id: str) -> None:
    body = {
        "form_id": form_id,
        "observations": [note],
        "general_note": "",
        "suggested": {"model_version": "x", "reasons": [], "judicializacao": False},
        "confirmed": {"reasons": reasons, "judicializacao": False, "status": "desligamento"},
    }
    status, answer = server.call("POST", "/v1/confirmations", body)
    assert status == 201, answer


def _retrain(server, *extra: str, kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = {**server.env, "MOTIVO_DATA_DIR": str(server.data_dir)}
    if kill_at:
        env["MOTIVO_KILL_AT"] = kill_at
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "retrain", *extra],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        # A bound for a hung run, not a speed check: a retrain trains six times, and on 2 cores
        # shared with other suites one took over 300 s (benchmarks measure training time).
        timeout=900,
    )


def _wait_until_every_worker_serves(server, version: str, timeout: float = 20) -> None:
    """Each gunicorn worker swaps on its own poll: wait until 10 answers in a row agree."""
    deadline = time.monotonic() + timeout
    streak = 0
    while streak < 10:
        assert time.monotonic() < deadline, f"the workers did not all switch to {version}"
        streak = streak + 1 if server.call("GET", "/v1/model")[1]["version"] == version else 0
        time.sleep(0.1)


def _suggested(server, note: str) -> list[str]:
    status, body = server.call("POST", "/v1/suggest", {"observations": [note], "general_note": ""})
    assert status == 200
    return [r["code"] for r in body["reasons"] if r["suggested"]]


@pytest.fixture
def server(live_server, trained):
    live_server.data_dir = trained["data"]
    return live_server


# Valid for the API's schema and rules, but no note: what a schema fuzzer posts.
JUNK_NOTES = ["0", "\u0080\U0010ffff A", "zxq vbn mlk pqw rtz", "!!!! ???? #### $$$$ %%%% &&&& ****"]


def test_confirmations_with_new_slang_teach_the_promoted_model_and_junk_does_not(server):
    before = server.call("GET", "/v1/model")[1]["version"]
    assert not any("glosas" in _suggested(server, note) for note in UNSEEN)
    for i, note in enumerate(SLANG_NOTES):
        _confirm(server, note, ["glosas"], f"SLANG-{i}")
    for i, note in enumerate(JUNK_NOTES):
        _confirm(server, note, ["obito"], f"JUNK-{i}")

    # 45 forms give a confirmed test set of about 9: this test is about learning, not the gate's minimum.
    result = _retrain(server, "--min-confirmed-test", "5")
    assert result.returncode == 0, result.stderr
    assert "PROMOTED" in result.stdout, result.stdout
    for i in range(len(JUNK_NOTES)):
        assert f"(form JUNK-{i})" in result.stdout, result.stdout
    agent_row = next(line.split() for line in result.stdout.splitlines() if line.startswith("agent "))
    assert agent_row[1:3] == [
        str(len(SLANG_NOTES) + len(JUNK_NOTES)),
        str(len(JUNK_NOTES)),
    ]  # offered, guarded out
    new = registry.current_version(server.registry)
    assert new != before

    _wait_until_every_worker_serves(server, new)
    for note in UNSEEN:
        assert "glosas" in _suggested(server, note), note
    retrain_event = [e for e in registry.history(server.registry) if e["event"] == "retrain"][-1]
    assert retrain_event["decision"] == "promoted" and retrain_event["data"]["confirmed_train"] > 30


def test_deliberately_wrong_confirmations_are_refused_by_the_gate(server, trained):
    before = registry.current_version(server.registry)
    # Corpus cases the model learned from, confirmed with the wrong reason.
    swap = {
        "aposentou": "glosas",
        "obito": "valores",
        "estudos": "migracao",
        "franquia": "baixa_procura",
        "servidor_publico": "cobranca_indevida",
    }
    wrong = [c for c in load_split("train", trained["data"]) if c["reasons"] and c["reasons"][0] in swap]
    for i, case in enumerate(wrong):
        body = {
            "form_id": f"WRONG-{i}",
            "observations": case["observations"],
            "general_note": case["general_note"],
            "suggested": {"model_version": "x", "reasons": [], "judicializacao": False},
            "confirmed": {
                "reasons": [swap[case["reasons"][0]]],
                "judicializacao": case["judicializacao"],
                "status": "desligamento",
            },
        }
        assert server.call("POST", "/v1/confirmations", body)[0] == 201

    result = _retrain(server, "--min-confirmed-test", "5")
    assert result.returncode == 0, result.stderr
    assert "REFUSED" in result.stdout, result.stdout
    assert "fell from" in result.stdout
    assert registry.current_version(server.registry) == before
    event = [e for e in registry.history(server.registry) if e["event"] == "retrain"][-1]
    assert event["decision"] == "refused" and event["why"]
    assert server.call("GET", "/v1/model")[1]["version"] == before


def test_too_few_confirmed_test_cases_refuse_before_training(server):
    before = registry.current_version(server.registry)
    versions = registry.versions(server.registry)
    for i, note in enumerate(SLANG_NOTES[:20]):
        _confirm(server, note, ["glosas"], f"FEW-{i}")
    result = _retrain(server)
    assert result.returncode == 0, result.stderr
    assert "REFUSED before training" in result.stdout and "at least 100 are needed" in result.stdout
    assert (
        registry.versions(server.registry) == versions and registry.current_version(server.registry) == before
    )
    event = registry.history(server.registry)[-1]
    assert event["decision"] == "refused" and event["data"]["sources"]["agent"]["offered"] == 20


def test_dry_run_changes_nothing(server):
    versions, history = registry.versions(server.registry), registry.history(server.registry)
    result = _retrain(server, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "dry run: nothing written" in result.stdout
    assert registry.versions(server.registry) == versions and registry.history(server.registry) == history


def test_a_retrain_killed_mid_write_leaves_the_registry_intact(server):
    # Killed after the new version is written, verified and exercised, just before CURRENT moves.
    # Every other crash point is checked on the registry alone (tests/training/test_registry.py):
    # a whole retrain per point took ~55 s each.
    before = registry.current_version(server.registry)
    result = _retrain(server, kill_at="before_current")
    assert result.returncode == -9, (result.returncode, result.stderr[-500:])

    current = registry.current_version(server.registry)
    assert current == before
    registry.load(current, server.registry)  # verifies hash and libraries
    for version in registry.versions(server.registry):
        registry.verify(version, server.registry)
    for line in (server.registry / "history.jsonl").read_text().splitlines()[:-1]:
        json.loads(line)
    assert server.call("GET", "/readyz", token=None)[0] == 200
    assert server.call("POST", "/v1/suggest", {"observations": ["vai se aposentar"]})[0] == 200

    again = _retrain(server)  # a later run is not blocked by what the killed one left
    assert again.returncode == 0, again.stderr
    assert registry.current_version(server.registry) in registry.versions(server.registry)
    assert os.environ.get("MOTIVO_KILL_AT") is None
