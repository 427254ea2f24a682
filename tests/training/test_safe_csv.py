"""Audit outputs open in a spreadsheet as data: a cell an agent or a file controls never runs as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from training.audit.findings import CaseAudit
from training.audit.inputs import AuditRow, BadRow
from training.audit.run import write_audit
from training.safe_csv import neutralise

HOSTILE = ['=HYPERLINK("http://x","a")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", " =1"]


@pytest.mark.parametrize("cell", HOSTILE)
def test_formula_cells_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["ok", "Dra. Ana", "", "3-2", 0.25, -0.5, 7])
def test_other_cells_are_kept(cell):
    assert neutralise(cell) == cell


def test_findings_and_errors_csv_hold_no_formula(tmp_path):
    finding = {
        "code": "valores",
        "label": "Valores",
        "kind": "unsupported",
        "probability": 0.1,
        "score": 0.9,
        "evidence": [{"text": "=cmd|' /C calc'!A0", "field": "observations", "index": 0}],
        "instead": [],
    }
    rows = [
        (
            AuditRow({"id": "=1+1", "observations": ["x"]}, "@source"),
            CaseAudit([finding], ["=glosas"], False),
        ),
        (BadRow("+file.csv:2", "-bad row", {"id": "=2"}), None),
    ]
    write_audit(rows, tmp_path)
    for name in ("findings.csv", "errors.csv", "suggestions.csv"):
        cells = [c for row in csv.reader(io.StringIO((tmp_path / name).read_text())) for c in row]
        assert not [c for c in cells if c.lstrip().startswith(("=", "+", "-", "@"))], (name, cells)
    findings = list(csv.DictReader(io.StringIO((tmp_path / "findings.csv").read_text())))
    assert findings[0]["form_id"] == "'=1+1" and findings[0]["score"] == "0.9"
