"""`motivo audit` from the command line: inputs or --self, the three files it writes."""

from __future__ import annotations

import csv
import io
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
    assert findings[0]["agent"] == "Ana" and "«" in findings[0]["evidence"]
    errors = csv_rows(out / "errors.csv")
    assert errors == [
        {
            "source": f"{path}:3",
            "id": "B",
            "reason": "missing text: every contact note and the general note are empty",
        }
    ]
    assert "Findings per agent" in (out / "report.html").read_text(encoding="utf-8")


def test_cli_needs_inputs_or_self(trained):
    result = CliRunner().invoke(main, ["audit"])
    assert result.exit_code == 2 and "--self" in result.output
