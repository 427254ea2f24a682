"""The QA loop end to end: audit agents' forms into a review batch, uphold the findings with the
corrected boxes through the API, retrain, and the served model now suggests what QA taught it.

The agents ticked "Valores" on notes about "tesourada" (slang for a glosa the corpus never
uses). The hold-out is set to 0 so that every correction trains: the result cannot depend on
which form ids hash into the confirmed test set (the gate then judges on the corpus test split).
"""

from __future__ import annotations

import json
import subprocess
import sys

from service import db
from tests.service.test_retrain_end_to_end import (
    ROOT,
    SLANG_NOTES,
    UNSEEN,
    _suggested,
    _wait_until_every_worker_serves,
)
from training import registry


def motivo(server, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        env={**server.env, "MOTIVO_DATA_DIR": str(server.data_dir)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_upheld_corrections_change_what_the_retrained_model_suggests(live_server, trained, tmp_path):
    server = live_server
    server.data_dir = trained["data"]
    forms = tmp_path / "forms.jsonl"
    with open(forms, "w", encoding="utf-8") as out:
        for i, note in enumerate(SLANG_NOTES):
            form = {"id": f"T-{i}", "observations": [note], "reasons": ["valores"], "judicializacao": False}
            out.write(
                json.dumps({**form, "status": "desligamento", "agent": "Ana"}, ensure_ascii=False) + "\n"
            )
    before = {note: _suggested(server, note) for note in SLANG_NOTES}
    assert sum("glosas" in s for s in before.values()) <= len(SLANG_NOTES) // 4

    audited = motivo(server, "audit", str(forms), "--review", "tesourada", "--out", str(tmp_path / "audit"))
    assert audited.returncode == 0, audited.stderr
    qa = db.create_token(db.make_engine(server.database), "qa.maria", "qa")
    status, listed = server.call("GET", "/v1/reviews?batch=tesourada", token=qa)
    assert status == 200
    wrong_ticks = [i for i in listed["items"] if (i["code"], i["kind"]) == ("valores", "unsupported")]
    assert len(wrong_ticks) >= 0.8 * len(SLANG_NOTES)  # the audit finds most of the wrong ticks
    corrected = {"reasons": ["glosas"], "judicializacao": False, "status": "desligamento"}
    for item in wrong_ticks:
        status, answer = server.call(
            "POST",
            f"/v1/reviews/{item['id']}/decision",
            {"decision": "upheld", "corrected": corrected},
            token=qa,
        )
        assert status == 200, answer
    status, stats = server.call("GET", "/v1/reviews/stats?batch=tesourada", token=qa)
    assert stats["by_agent"]["Ana"]["upheld"] == len(wrong_ticks)

    result = motivo(server, "retrain", "--holdout", "0", "--min-confirmed-test", "0")
    assert result.returncode == 0, result.stderr
    assert "PROMOTED" in result.stdout, result.stdout
    qa_row = next(line.split() for line in result.stdout.splitlines() if line.startswith("qa "))
    assert qa_row[1] == str(len(wrong_ticks))  # offered: one QA confirmation per upheld form
    new = registry.current_version(server.registry)
    _wait_until_every_worker_serves(server, new)

    corrected_notes = [SLANG_NOTES[int(item["form_id"].split("-")[1])] for item in wrong_ticks]
    after = [_suggested(server, note) for note in corrected_notes]
    print(
        f"\nfindings upheld {len(wrong_ticks)} of {len(SLANG_NOTES)} forms; glosas suggested before "
        f"{sum('glosas' in before[n] for n in corrected_notes)}/{len(after)}, after {sum('glosas' in s for s in after)}/{len(after)}; "
        f"valores before {sum('valores' in before[n] for n in corrected_notes)}, after {sum('valores' in s for s in after)}"
    )
    assert sum("glosas" in s for s in after) >= 0.9 * len(after)
    assert sum("valores" in s for s in after) <= sum("valores" in before[n] for n in corrected_notes)
    for note in UNSEEN:
        assert "glosas" in _suggested(server, note), note
