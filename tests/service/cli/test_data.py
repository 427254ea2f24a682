"""`motivo predict` and `motivo evaluate` against a small trained registry."""

from __future__ import annotations

import json
from collections import Counter

from click.testing import CliRunner

from model.cases import is_short_note
from service.cli import main
from training.corpus import load_split


def test_predict_writes_one_line_per_input_and_error_objects_for_bad_lines(registry_env):
    lines = [
        json.dumps({"id": "a", "observations": ["a dentista faleceu, a filha avisou"], "extra": 1}),
        "{not json",
        json.dumps({"id": "c", "observations": "not a list"}),
        json.dumps({"id": "d", "observations": [], "general_note": ""}),
        json.dumps({"id": "e", "observations": ["x"] * 6}),
        json.dumps(["a list"]),
    ]
    result = CliRunner().invoke(main, ["predict"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 6
    assert out[0]["id"] == "a" and out[0]["reasons"][0]["code"] == "obito"
    assert len(out[0]["reasons"]) == 30
    assert out[1] == {"line": 2, "id": None, "error": out[1]["error"]} and "not JSON" in out[1]["error"]
    assert out[2]["id"] == "c" and "observations" in out[2]["error"]
    assert "no text" in out[3]["error"]
    assert "at most 5" in out[4]["error"]
    assert "JSON object" in out[5]["error"]


def test_promoting_an_unknown_version_fails_cleanly(registry_env):
    result = CliRunner().invoke(main, ["models", "promote", "nope"])
    assert result.exit_code == 1
    assert "no model version 'nope'" in result.output


def test_evaluate_writes_metrics_and_report(registry_env, tmp_path):
    result = CliRunner().invoke(main, ["evaluate", "--no-peers", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert len(metrics["per_label"]) == 30 and 0 <= metrics["top1"] <= 1
    html = (tmp_path / "report.html").read_text()
    assert "data:image/png;base64," in html and "Worst errors" in html
    # The test split is whole batches of different writers: each is measured on its own, the
    # short-note batches in their own section, never among the full cases.
    test = load_split("test", registry_env["data"])
    written = Counter(case["batch"] for case in test if not is_short_note(case))
    short = Counter(case["batch"] for case in test if is_short_note(case))
    batches = metrics["by_batch"]
    assert len(written) > 1 and {name: b["cases"] for name, b in batches.items()} == dict(written)
    for name in batches:
        assert f"batch {name}" in result.stdout and f"<td>{name}</td>" in html
    assert short and {name: b["notes"] for name, b in metrics["short_notes"]["by_batch"].items()} == dict(
        short
    )
    for cut in ("0.25", "0.50", "0.75"):
        assert 0 <= metrics["typing"][cut]["precision"] <= 1


def test_evaluate_reports_the_batch_sets_with_intervals_and_second_reasons(registry_env, tmp_path):
    from training.batch_sets import BATCH_SETS

    result = CliRunner().invoke(main, ["evaluate", "--no-peers", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    test = load_split("test", registry_env["data"])
    html = (tmp_path / "report.html").read_text()
    assert "recall dos segundos motivos" in html
    for name, members in BATCH_SETS.items():
        cases = [case for case in test if case["batch"] in members]
        measured = metrics["batch_sets"][name]
        assert measured["cases"] == len(cases)
        assert measured["second_reasons"] == sum(len(case["reasons"]) - 1 for case in cases)
        low, high = measured["macro_f1_ci"]
        assert low <= measured["macro_f1"] <= high
        gold = {code for case in cases for code in case["reasons"]}
        assert set(measured["per_label"]) >= gold and measured["labels"] == len(gold)
        for code in gold:
            f1_low, f1_high = measured["per_label"][code]["f1_ci"]
            assert 0 <= f1_low <= f1_high <= 1
        assert f"set {name} ({len(cases)} cases)" in result.stdout
        assert f"{name} — {len(cases)} casos" in html
