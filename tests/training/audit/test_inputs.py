"""Audit inputs: CSV, XLSX, JSON lines and form folders, with bad rows named and skipped."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from tests.conftest import SEED_NEW, SEED_OLD
from training.audit.inputs import AuditRow, BadRow, Columns, read_audit_input

ROWS = [
    {
        "form": "F1",
        "obs_1": "Dra. vai se aposentar.",
        "obs_2": "",
        "obs_geral": "",
        "motivos": "Aposentou",
        "ameaca": "não",
        "colaborador": "Ana",
    },
    {
        "form": "F2",
        "obs_1": "Glosas e vai processar.",
        "obs_2": "sim",
        "obs_geral": "",
        "motivos": "Glosas; Ameaça Judicialização",
        "ameaca": "",
        "colaborador": "Rui",
    },
    {
        "form": "F3",
        "obs_1": "texto",
        "obs_2": "",
        "obs_geral": "",
        "motivos": "Motivo Inventado",
        "ameaca": "",
        "colaborador": "Ana",
    },
    {
        "form": "F4",
        "obs_1": "",
        "obs_2": "",
        "obs_geral": "",
        "motivos": "",
        "ameaca": "",
        "colaborador": "Ana",
    },
    {
        "form": "F5",
        "obs_1": "texto",
        "obs_2": "",
        "obs_geral": "geral",
        "motivos": "Régras Técnicas;valores",
        "ameaca": "talvez",
        "colaborador": "Rui",
    },
]
COLUMNS = Columns(id="form", reasons="motivos", flag="ameaca", agent="colaborador")


def check_rows(rows):
    good = [r for r in rows if isinstance(r, AuditRow)]
    bad = [r for r in rows if isinstance(r, BadRow)]
    assert [r.case["id"] for r in good] == ["F1", "F2"]
    assert good[0].case["reasons"] == ["aposentou"] and good[0].case["judicializacao"] is False
    assert good[1].case["reasons"] == ["glosas"] and good[1].case["judicializacao"] is True
    assert good[1].case["observations"] == ["Glosas e vai processar.", "sim"]
    assert [r.agent for r in good] == ["Ana", "Rui"]
    assert [(b.source.rsplit(":", 1)[1], b.reason) for b in bad] == [
        ("4", "unknown label 'Motivo Inventado'"),
        ("5", "missing text: every contact note and the general note are empty"),
        ("6", "judicializacao value 'talvez' is not yes/no"),
    ]


def test_csv_with_printed_labels_and_a_custom_flag_column(tmp_path):
    path = tmp_path / "forms.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False)
    check_rows(list(read_audit_input([path], COLUMNS)))


def test_xlsx_reads_like_csv(tmp_path):
    path = tmp_path / "forms.xlsx"
    pd.DataFrame(ROWS).to_excel(path, index=False)
    check_rows(list(read_audit_input([path], COLUMNS)))


def test_columns_are_found_by_name_when_not_given(tmp_path):
    path = tmp_path / "forms.csv"
    pd.DataFrame(
        [
            {
                "id": "A",
                "Contato 1": "vai se aposentar",
                "Contato 2": "ok",
                "Obs Geral": "fim",
                "Motivos": "aposentou",
                "Judicializacao": "1",
            }
        ]
    ).to_csv(path, index=False)
    (row,) = read_audit_input([path])
    assert row.case == {
        "id": "A",
        "observations": ["vai se aposentar", "ok"],
        "general_note": "fim",
        "reasons": ["aposentou"],
        "judicializacao": True,
    }


def test_a_table_without_note_columns_is_one_clear_error(tmp_path):
    path = tmp_path / "forms.csv"
    pd.DataFrame([{"a": 1, "b": 2}]).to_csv(path, index=False)
    (bad,) = read_audit_input([path])
    assert isinstance(bad, BadRow) and "no contact-note columns" in bad.reason


def test_json_lines_with_codes_unknown_ticks_and_bad_lines(tmp_path):
    path = tmp_path / "forms.jsonl"
    lines = [
        json.dumps(
            {
                "id": "J1",
                "observations": ["vai se aposentar"],
                "reasons": ["aposentou"],
                "judicializacao": False,
            }
        ),
        json.dumps({"id": "J2", "observations": ["sem marcas"], "reasons": None, "judicializacao": None}),
        "{broken",
        json.dumps({"id": "J4", "observations": ["x"], "reasons": ["glosa_x"], "judicializacao": False}),
        json.dumps({"id": "J5", "observations": [3], "reasons": [], "judicializacao": False}),
        json.dumps({"id": "J6", "observations": "um texto", "reasons": [], "judicializacao": False}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = list(read_audit_input([path]))
    assert [type(r).__name__ for r in rows] == [
        "AuditRow",
        "AuditRow",
        "BadRow",
        "BadRow",
        "BadRow",
        "BadRow",
    ]
    assert rows[1].case["reasons"] is None and rows[1].case["judicializacao"] is None
    assert rows[2].reason.startswith("not JSON") and rows[3].reason == "unknown label 'glosa_x'"
    assert "observations[0]" in rows[4].reason
    assert rows[5].reason == "observations: must be a list of strings, not str"


def test_a_folder_of_exported_forms_with_a_broken_file(tmp_path):
    shutil.copy(SEED_OLD, tmp_path / "a.txt")
    shutil.copy(SEED_NEW, tmp_path / "b.txt")
    (tmp_path / "c.txt").write_text("nada", encoding="utf-8")
    rows = list(read_audit_input([tmp_path]))
    assert [type(r).__name__ for r in rows] == ["AuditRow", "AuditRow", "BadRow"]
    assert rows[0].case["judicializacao"] is True and rows[1].case["reasons"] is None


@pytest.mark.parametrize("name", ["x.pdf", "missing.csv"])
def test_unreadable_inputs_are_bad_rows(tmp_path, name):
    if name.endswith(".pdf"):
        (tmp_path / name).write_bytes(b"%PDF")
    (bad,) = read_audit_input([tmp_path / name])
    assert isinstance(bad, BadRow)
