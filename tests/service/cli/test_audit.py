"""`motivo audit` from the command line: inputs or --self, the three files it writes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from service.cli import main


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_cli_audits_a_csv_and_writes_findings_errors_and_report(trained, tmp_path, monkeypatch):
    monkeypatch.setenv("MOTIVO_MODEL_DIR", str(trained["root"]))
    path = tmp_path / "forms.csv"
    pd.DataFrame(
        [
            {
                "id": "A",
                "obs_1": "Dr. teve guias glosadas e vai processar a operadora",
                "general_note": "",
                "reasons": "Aposentou",
                "judicializacao": "não",
                "agent": "Ana",
            },
            {"id": "B", "obs_1": "", "general_note": "", "reasons": "", "judicializacao": "", "agent": "Ana"},
        ]
    ).to_csv(path, index=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["audit", str(path), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    findings = csv_rows(out / "findings.csv")
    kinds = {(f["form_id"], f["code"], f["kind"]) for f in findings}
    assert ("A", "aposentou", "unsupported") in kinds and (
        "A",
        "ameaca_judicializacao",
        "flag_missed",
    ) in kinds
    (missed,) = [f for f in findings if f["kind"] == "flag_missed"]
    assert missed["agent"] == "Ana" and "«" in missed["evidence"]  # the words of the threat, quoted
    errors = csv_rows(out / "errors.csv")
    assert errors == [
        {
            "source": f"{path}:3",
            "id": "B",
            "reason": "missing text: every contact note and the general note are empty",
        }
    ]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "<html lang='pt-BR'>" in report and "Achados por colaborador" in report
    assert "Aposentou" in report  # the form's printed label, not the code


def test_cli_needs_inputs_or_self(trained):
    result = CliRunner().invoke(main, ["audit"])
    assert result.exit_code == 2 and "--self" in result.output


def audit(tmp_path, *args):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["audit", *map(str, args), "--out", str(out), "--workers", "1"])
    return result, out


def test_a_missing_input_exits_1_naming_it_and_still_writes_errors_csv(registry_env, tmp_path):
    result, out = audit(tmp_path, tmp_path / "nonexistent.csv")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "nonexistent.csv: no such file or folder" in line and "Traceback" not in result.output
    assert csv_rows(out / "errors.csv")[0]["reason"] == "no such file or folder"


def test_a_table_whose_columns_match_nothing_exits_1(registry_env, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("nome,telefone\nAna,123\n", encoding="utf-8")
    result, out = audit(tmp_path, path)
    assert result.exit_code == 1
    assert "no contact-note columns" in result.stderr and "see errors.csv" in result.stderr
    assert (out / "errors.csv").exists()


def test_only_bad_rows_means_nothing_audited_and_exit_1(registry_env, tmp_path):
    path = tmp_path / "empty-notes.jsonl"
    path.write_text(
        '{"id": "E", "observations": [""], "reasons": [], "judicializacao": false}\n', encoding="utf-8"
    )
    result, _ = audit(tmp_path, path)
    assert result.exit_code == 1 and "nothing audited" in result.stderr


def test_an_excel_brazil_csv_is_audited(registry_env, tmp_path):
    path = tmp_path / "excel.csv"
    text = "Protocolo;Contato 1;Obs Geral;Motivos;Colaborador\r\nF-9;Dra. vai se aposentar em dezembro, não atende mais;;Glosas;Conceição\r\n"
    path.write_bytes(text.encode("cp1252"))
    result, out = audit(tmp_path, path)
    assert result.exit_code == 0, result.output
    findings = csv_rows(out / "findings.csv")
    assert ("F-9", "glosas", "unsupported") in {(f["form_id"], f["code"], f["kind"]) for f in findings}
    assert {f["agent"] for f in findings} == {"Conceição"}


def test_forms_whose_boxes_are_unknown_get_suggestions_only(registry_env, tmp_path):
    path = tmp_path / "forms.jsonl"
    unknown = {"id": "U1", "observations": ["Dr. teve guias glosadas e vai processar a operadora"]}
    known = {**unknown, "id": "K1", "reasons": ["aposentou"], "judicializacao": False}
    path.write_text(json.dumps(unknown) + "\n" + json.dumps(known) + "\n", encoding="utf-8")
    result, out = audit(tmp_path, path)
    assert result.exit_code == 0, result.output
    findings = csv_rows(out / "findings.csv")
    assert findings and {f["form_id"] for f in findings} == {"K1"}
    suggestions = csv_rows(out / "suggestions.csv")
    assert {s["form_id"] for s in suggestions} == {"U1"}
    assert "ameaca_judicializacao" in {s["code"] for s in suggestions}
    assert "1 forms without known ticks" in result.output
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Formulários sem marcações conhecidas: só sugestões" in report


def test_a_form_without_an_id_gets_the_same_id_from_its_text_every_time(registry_env, tmp_path):
    path = tmp_path / "no-ids.csv"
    pd.DataFrame([{"obs_1": "Dr. 21 98765-4321 vai se aposentar", "reasons": "Glosas"}]).to_csv(
        path, index=False
    )
    first, out = audit(tmp_path, path)
    ids = {f["form_id"] for f in csv_rows(out / "findings.csv")}
    second, out = audit(tmp_path, path)
    assert first.exit_code == second.exit_code == 0
    (form_id,) = ids
    assert form_id.startswith("txt-") and {f["form_id"] for f in csv_rows(out / "findings.csv")} == ids


def test_a_finding_qa_rejected_is_not_raised_again_for_the_same_form_and_text(
    registry_env, tmp_path, monkeypatch
):
    from service import reviews
    from tests.service.conftest import migrated

    database = f"sqlite:///{tmp_path / 'motivo.db'}"
    engine = migrated(database)
    monkeypatch.setenv("MOTIVO_DATABASE_URL", database)
    path = tmp_path / "forms.jsonl"
    form = {"id": "R-1", "observations": ["Dra. vai se aposentar em dezembro"], "reasons": ["glosas"]}
    form |= {"judicializacao": False, "status": "desligamento", "agent": "Ana"}
    path.write_text(json.dumps(form) + "\n", encoding="utf-8")

    first, out = audit(tmp_path, path, "--review", "lote-1")
    assert first.exit_code == 0, first.output
    stored = reviews.list_items(engine, "lote-1")
    (glosas,) = [i for i in stored if i["code"] == "glosas"]
    assert "review batch 'lote-1': " in first.output
    reviews.decide(engine, glosas["id"], "rejected", None, "qa.maria")

    second, out = audit(tmp_path, path, "--review", "lote-2")
    assert second.exit_code == 0, second.output
    assert "1 findings QA already rejected" in second.output
    assert ("R-1", "glosas") not in {(f["form_id"], f["code"]) for f in csv_rows(out / "findings.csv")}
    assert "glosas" not in {i["code"] for i in reviews.list_items(engine, "lote-2")}

    form["observations"] = ["Dra. vai se aposentar em dezembro; reclamou também do sistema"]
    path.write_text(json.dumps(form) + "\n", encoding="utf-8")  # the text changed: raised again
    third, out = audit(tmp_path, path)
    assert third.exit_code == 0 and ("R-1", "glosas") in {
        (f["form_id"], f["code"]) for f in csv_rows(out / "findings.csv")
    }
