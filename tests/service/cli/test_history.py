"""`motivo history import`: past forms of every kind stored once each, with what went wrong listed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import main
from service.history import history, history_counts
from service.migrate import open_current
from tests.docx_forms import build_form_docx
from tests.history_forms import render_form

CASES = [
    {
        "observations": [
            "Dra. Helena vai se aposentar em dezembro, tel (11) 98765-4321",
            "confirmou por email",
        ],
        "general_note": "Encerra as atividades no fim do ano.",
        "reasons": ["aposentou"],
        "judicializacao": False,
        "status": "desligamento",
    },
    {
        "observations": ["Dr. reclama das glosas e diz que vai processar a operadora na justiça"],
        "general_note": "",
        "reasons": ["glosas"],
        "judicializacao": True,
        "status": "desligamento",
    },
    {
        "observations": ["Clínica vai migrar para outra operadora que paga melhor o repasse"],
        "general_note": "",
        "reasons": ["migracao", "valores"],
        "judicializacao": False,
        "status": "desligamento",
    },
    {
        "observations": ["Dentista não atende mais pelo convênio, sem procura de pacientes na região"],
        "general_note": "",
        "reasons": ["baixa_procura"],
        "judicializacao": False,
        "status": "desligamento",
    },
]


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_exports(folder: Path) -> Path:
    """Every kind of export: newer form with marks, older with and without, .docx, a cp1252 CSV."""
    forms = folder / "forms"
    forms.mkdir(parents=True)
    (forms / "new.txt").write_text(render_form(CASES[0], "v2", True, "09/10/2024"), encoding="utf-8")
    (forms / "old.txt").write_text(render_form(CASES[1], "v1", True, "05/06/2019"), encoding="utf-8")
    (forms / "old-unmarked.txt").write_text(
        render_form(CASES[3], "v1", False, "05/06/2018"), encoding="utf-8"
    )
    build_form_docx(forms / "word.docx", render_form(CASES[2], "v2", True, "01/02/2025"))
    (forms / "z-copy.txt").write_text(render_form(CASES[0], "v2", True, "10/10/2024"), encoding="utf-8")
    (forms / "broken.txt").write_text(
        "Formulário - Processo de Retenção\nStatus retenção\n", encoding="utf-8"
    )
    table = folder / "crm.csv"
    with open(table, "w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Formulário", "Contato 1", "Obs Geral", "Motivos", "Data"])
        writer.writerow(
            ["C-1", "Prestador não aceita a tabela, valores baixos demais", "", "Valores", "03/03/2023"]
        )
        writer.writerow(["C-2", CASES[3]["observations"][0], "", "Glosas", "04/03/2023"])
        writer.writerow(["C-3", "Prestador ficou sem local de atendimento", "", "Inexistente", ""])
        writer.writerow(
            ["C-4", "A clínica fechou e ficou sem local de atendimento", "", "Sem Local de Atendimento", ""]
        )
        writer.writerow(["C-5", "A clínica fechou e ficou sem local de atendimento", "", "Valores", ""])
    return folder


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_history_import_stores_each_text_once_and_lists_errors_conflicts_and_unlabeled(
    database_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("MOTIVO_DATABASE_URL", database_url)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    inputs = write_exports(tmp_path / "in")
    out = tmp_path / "out"
    result = runner.invoke(
        main,
        [
            "history",
            "import",
            str(inputs / "forms"),
            str(inputs / "crm.csv"),
            "--source",
            "crm",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 1, result.output  # the broken form and the unknown label
    errors = {Path(r["where"].split(":")[0]).name: r["reason"] for r in rows(out / "errors.csv")}
    assert set(errors) == {"broken.txt", "crm.csv"} and "Inexistente" in errors["crm.csv"]
    assert "6 labeled, 1 unlabeled" in result.output
    assert "1 duplicates, 1 conflicts" in result.output and "2 errors" in result.output

    engine = open_current(database_url)
    stored = {c["origin"].replace(str(inputs) + "/", ""): c for c in history(engine)}
    assert set(stored) == {"forms/new.txt", "forms/old.txt", "forms/word.docx", "crm.csv:2", "crm.csv:3"}
    old, word, table = stored["forms/old.txt"], stored["forms/word.docx"], stored["crm.csv:2"]
    assert (old["form_version"], old["date"], old["reasons"], old["judicializacao"]) == (
        "v1",
        "2019-06-05",
        ["glosas"],
        True,
    )
    assert sorted(word["reasons"]) == ["migracao", "valores"] and word["form_version"] == "v2"
    assert (table["date"], table["form_version"], table["reasons"]) == ("2023-03-03", None, ["valores"])
    assert "98765-4321" not in json.dumps(stored["forms/new.txt"])
    assert "Helena" not in json.dumps(stored["forms/new.txt"])
    # The unmarked older form's text came again, ticked, in the CSV: that row now carries the labels.
    assert stored["crm.csv:3"]["reasons"] == ["glosas"]
    (conflict,) = rows(out / "conflicts.csv")
    assert conflict["stored"].endswith("crm.csv:5") and conflict["imported"].endswith("crm.csv:6")
    assert history_counts(engine)["crm"] == {"labeled": 5, "unlabeled": 0, "conflict": 1}
    assert [r["where"].rsplit("/", 1)[-1] for r in rows(out / "unlabeled.csv")] == ["old-unmarked.txt"]

    again = runner.invoke(
        main, ["history", "import", str(inputs / "forms"), "--source", "crm", "--out", str(out)]
    )
    assert "0 labeled, 0 unlabeled" in again.output  # the same files again add nothing
    assert history_counts(engine)["crm"] == {"labeled": 5, "unlabeled": 0, "conflict": 1}
    engine.dispose()
