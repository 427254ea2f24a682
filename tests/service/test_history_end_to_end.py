"""Done when: held-out corpus cases rendered as the operator's exports are imported, reported on
(the same top-1 as `motivo evaluate --data`), and a retrain is judged on the history test set."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from model.forms.files import import_forms
from service.cli import main
from tests.docx_forms import build_form_docx
from tests.history_forms import render_form
from training.corpus import load_split
from training.known_labels import newer_only_codes

NEWER_ONLY = set(newer_only_codes())


def render_exports(cases: list[dict], folder: Path) -> tuple[Path, list[dict]]:
    """Each case as one kind of export, in turn; and the labeled cases as they were exported."""
    forms = folder / "forms"
    forms.mkdir(parents=True)
    labeled, rows = [], []
    for i, case in enumerate(cases):
        kind = i % 5
        day = f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2021 + i % 5}"
        if kind in (1, 2):  # the older form: its three missing boxes cannot be ticked
            case = {**case, "reasons": [r for r in case["reasons"] if r not in NEWER_ONLY]}
        if kind == 0:
            (forms / f"{i:03d}-v2.txt").write_text(render_form(case, "v2", True, day), encoding="utf-8")
        elif kind == 1:
            (forms / f"{i:03d}-v1.txt").write_text(render_form(case, "v1", True, day), encoding="utf-8")
        elif kind == 2:  # no marks: imported as unlabeled, never measured nor trained on
            (forms / f"{i:03d}-v1-sem-marcas.txt").write_text(
                render_form(case, "v1", False, day), encoding="utf-8"
            )
            continue
        elif kind == 3:
            build_form_docx(forms / f"{i:03d}.docx", render_form(case, "v2", True, day))
        else:
            rows.append(case)
            continue
    table = folder / "crm.csv"
    with open(table, "w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(
            [
                "Formulário",
                "Contato 1",
                "Contato 2",
                "Contato 3",
                "Contato 4",
                "Contato 5",
                "Obs Geral",
                "Motivos",
                "Judicialização",
                "Data",
            ]
        )
        for i, case in enumerate(rows):
            notes = [*case["observations"], "", "", "", "", ""][:5]
            writer.writerow(
                [
                    case["id"],
                    *notes,
                    case["general_note"],
                    ";".join(case["reasons"]),
                    "sim" if case["judicializacao"] else "não",
                    f"2025-0{1 + i % 9}-10",
                ]
            )
    for record in import_forms([forms]):
        if record["reasons"] is not None:
            labeled.append({**record, "form_version": record["form"]["version"]})
    labeled += [{**case, "form_version": "v2"} for case in rows]
    return folder, labeled


def test_history_import_report_and_retrain_end_to_end(trained, tmp_path, monkeypatch):
    root = tmp_path / "registry"
    shutil.copytree(trained["root"], root)
    monkeypatch.setenv("MOTIVO_MODEL_DIR", str(root))
    monkeypatch.setenv("MOTIVO_DATA_DIR", str(trained["data"]))
    monkeypatch.setenv("MOTIVO_DATABASE_URL", f"sqlite:///{tmp_path / 'motivo.db'}")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    held_out = [
        c for c in load_split("test", trained["data"]) if c.get("kind") != "short_note" and c.get("status")
    ]
    folder, labeled = render_exports(held_out[:60], tmp_path / "exports")

    imported = runner.invoke(
        main,
        [
            "history",
            "import",
            str(folder / "forms"),
            str(folder / "crm.csv"),
            "--source",
            "crm",
            "--form-version",
            "v2",
            "--out",
            str(tmp_path / "import"),
        ],
    )
    assert imported.exit_code == 0, imported.output
    assert f"{len(labeled)} labeled, 12 unlabeled" in imported.output

    report = runner.invoke(main, ["history", "report", "--out", str(tmp_path / "report")])
    assert report.exit_code == 0, report.output
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["cases"]["history"] == len(labeled)
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "Corpus × histórico" in page and "Dados suficientes por motivo" in page

    cases_file = tmp_path / "history.jsonl"
    cases_file.write_text(
        "\n".join(json.dumps(c, ensure_ascii=False) for c in labeled) + "\n", encoding="utf-8"
    )
    evaluated = runner.invoke(
        main, ["evaluate", "--data", str(cases_file), "--no-peers", "--out", str(tmp_path / "evaluate")]
    )
    assert evaluated.exit_code == 0, evaluated.output
    evaluation = json.loads((tmp_path / "evaluate" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["history"]["top1"] == evaluation["top1"]
    assert metrics["history"]["macro_f1"] == evaluation["macro_f1"]

    retrained = runner.invoke(
        main, ["retrain", "--holdout", "0.5", "--min-confirmed-test", "0", "--test-since", "2025-01-01"]
    )
    assert retrained.exit_code == 0, retrained.output
    assert "history test" in retrained.output and "history since 2025-01-01" in retrained.output
    (entry,) = [e for e in _history_entries(root) if e.get("event") == "retrain"]
    assert entry["metrics"]["candidate"]["history test"]["cases"] > 0
    assert entry["data"]["history_test"] + entry["data"]["history_recent_test"] == len(labeled)


def _history_entries(root: Path) -> list[dict]:
    from training import registry

    return registry.history(root)
