"""`motivo audit --self --source NAME`: an imported history's likely mislabeled forms come first."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date

from click.testing import CliRunner

from service.cli import main
from service.db import make_engine
from service.history import HistoryWriter
from service.migrate import upgrade
from training.corpus import load_split
from training.history_import import HistoryRecord
from training.training_set import text_sha256


def small_data(source, folder):
    """Every 4th training case of the session's small corpus: enough words, quick to fit."""
    shutil.copy(source / "taxonomy.yaml", folder / "taxonomy.yaml")
    (folder / "cases").mkdir()
    cases = load_split("train", source)
    keep = [c for i, c in enumerate(cases) if i % 4 == 0] + load_split("test", source)[:5]
    (folder / "cases" / "small.jsonl").write_text(
        "\n".join(json.dumps(c, ensure_ascii=False) for c in keep) + "\n"
    )
    return [c for i, c in enumerate(cases) if i % 4 == 1 and c.get("kind") != "short_note" and c["reasons"]]


def test_the_self_audit_of_a_history_ranks_its_mislabeled_forms_first(trained, tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    history = small_data(trained["data"], data)[:60]
    url = f"sqlite:///{tmp_path / 'motivo.db'}"
    monkeypatch.setenv("MOTIVO_DATABASE_URL", url)
    monkeypatch.setenv("MOTIVO_DATA_DIR", str(data))
    engine = make_engine(url)
    upgrade(engine)
    writer = HistoryWriter(engine, "crm")
    wrong = {}
    for i, case in enumerate(history):
        reasons = case["reasons"]
        if i % 15 == 7:  # ticked on a box its text never mentions
            wrong[f"H-{i}"] = (["obito"] if "obito" not in reasons else ["estudos"], reasons)
            reasons = wrong[f"H-{i}"][0]
        masked = {"observations": case["observations"], "general_note": case["general_note"]}
        writer.add(
            HistoryRecord(
                f"crm.csv:{i + 2}",
                f"H-{i}",
                case["observations"],
                case["general_note"],
                reasons,
                case["judicializacao"],
                case["status"],
                "v2",
                date(2024, 1, 1),
                text_sha256(masked),
            )
        )
    writer.flush()
    engine.dispose()
    out = tmp_path / "audit"
    result = CliRunner().invoke(main, ["audit", "--self", "--source", "crm", "--out", str(out)])
    assert result.exit_code == 0, result.output
    findings = list(csv.DictReader(io.StringIO((out / "findings.csv").read_text(encoding="utf-8"))))
    first_rank: dict[str, int] = {}
    for row in findings:
        first_rank.setdefault(row["form_id"], int(row["rank"]))
    ranked = sorted(first_rank, key=first_rank.get)
    assert len(wrong) == 4
    assert set(ranked[: len(ranked) // 3]) >= set(wrong), (ranked, wrong)
    # Each is found by its wrong tick (unsupported) or by the box its text states (missing).
    for form, (ticked, true) in wrong.items():
        found = {(r["code"], r["kind"]) for r in findings if r["form_id"] == form}
        assert (ticked[0], "unsupported") in found or any((code, "missing") in found for code in true), found
