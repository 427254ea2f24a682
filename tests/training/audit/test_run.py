"""The batch audit: corrupted ticks rank first, inputs stream, outputs are complete, the report renders."""

from __future__ import annotations

import csv
import io
import itertools
import json
import random
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from model.motivo_model import label_matrix
from tests.browser import browser_page
from training.audit.findings import box_suspicion
from training.audit.inputs import AuditRow
from training.audit.report import render_audit_report
from training.audit.run import audited_rows, write_audit
from training.corpus import load_split

CORRUPT_SHARE = 0.15


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def corrupt(cases, codes, share, seed=3):
    """Copies of the cases with a known share of them given one wrong box; returns them and the boxes."""
    rng = random.Random(seed)
    corrupted, boxes = [], set()
    labels = [*codes, "ameaca_judicializacao"]
    for i, case in enumerate(cases):
        case = {**case, "reasons": list(case["reasons"]), "id": f"case-{i}"}
        if rng.random() < share:
            choice = rng.random()
            if choice < 0.4 and case["reasons"]:  # a true reason left unticked
                code = rng.choice(case["reasons"])
                case["reasons"].remove(code)
            elif choice < 0.8:  # a reason the text does not give, ticked
                code = rng.choice([c for c in codes if c not in case["reasons"]])
                case["reasons"].append(code)
            else:  # the threat box flipped
                code = "ameaca_judicializacao"
                case["judicializacao"] = not case["judicializacao"]
            boxes.add((case["id"], labels.index(code)))
        corrupted.append(case)
    return corrupted, boxes


def test_corrupted_boxes_rank_first(trained, tmp_path):
    model = trained["model"]
    codes = list(model.reason_codes)
    held_out = load_split("test", trained["data"])
    cases, boxes = corrupt(held_out, codes, CORRUPT_SHARE)
    rows = [AuditRow(c, f"test:{i}") for i, c in enumerate(cases)]
    summary = write_audit(audited_rows(rows, model, workers=2, chunk_size=100), tmp_path)

    ranked = csv_rows(tmp_path / "findings.csv")
    labels = [*codes, "ameaca_judicializacao"]
    k = len(boxes)
    top_k = {(r["form_id"], labels.index(r["code"])) for r in ranked[:k]}
    precision_at_k = len(top_k & boxes) / k
    # Every box gets the same suspicion score the findings are ranked by.
    ticked = label_matrix(cases, codes)
    suspicion = box_suspicion(model.predict_proba(cases), ticked)
    truth = np.zeros_like(ticked)
    for case_id, column in boxes:
        truth[int(case_id.split("-")[1]), column] = 1
    auc = roc_auc_score(truth.ravel(), suspicion.ravel())
    print(
        f"\ncorrupted {k} of {truth.size} boxes in {len(cases)} cases: precision@k {precision_at_k:.3f}, ROC AUC {auc:.4f}"
    )
    assert precision_at_k >= 0.6
    assert auc >= 0.95
    assert summary.forms_audited == len(cases) and summary.findings == len(ranked)
    assert [float(r["score"]) for r in ranked] == sorted((float(r["score"]) for r in ranked), reverse=True)
    assert [int(r["rank"]) for r in ranked] == list(range(1, len(ranked) + 1))


def test_input_is_consumed_as_the_audit_goes(trained):
    consumed = itertools.count()
    case = {
        "observations": ["Dra. vai se aposentar."],
        "general_note": "",
        "reasons": ["aposentou"],
        "judicializacao": False,
    }

    def endless():
        while True:
            next(consumed)
            yield AuditRow(case, "gen")

    results = audited_rows(endless(), trained["model"], workers=2, chunk_size=50)
    first = list(itertools.islice(results, 10))
    assert len(first) == 10
    assert next(consumed) <= 50 * (2 * 2 + 1) + 1  # a few chunks in flight, not the whole input
    results.close()


def test_self_audit_finds_a_case_we_mislabeled(small_corpus, tmp_path):
    from training.audit.self_audit import self_audit

    data = tmp_path / "data"
    (data / "cases").mkdir(parents=True)
    (data / "taxonomy.yaml").write_text(
        (small_corpus / "taxonomy.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    cases = [
        json.loads(line)
        for f in sorted((small_corpus / "cases").glob("w0*.jsonl"))
        for line in f.read_text(encoding="utf-8").splitlines()
    ]
    glosa = next(c for c in cases if c["reasons"] == ["glosas"] and not c["judicializacao"])
    wrong = {**glosa, "id": "mislabeled-1", "reasons": ["aposentou"]}
    cases = [c for c in cases if c["id"] != glosa["id"]] + [wrong]
    (data / "cases" / "all.jsonl").write_text(
        "\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n", encoding="utf-8"
    )
    results = {row.case["id"]: audited.findings for row, audited in self_audit(data, folds=3)}
    found = {(f["code"], f["kind"]) for f in results["mislabeled-1"]}
    assert {("aposentou", "unsupported"), ("glosas", "missing")} <= found


def test_the_report_opens_in_headless_chromium_without_errors(trained, tmp_path):
    model = trained["model"]
    cases, _ = corrupt(load_split("test", trained["data"])[:120], list(model.reason_codes), 0.3)
    rows = [AuditRow(c, f"t:{i}", agent=["Ana", "Rui"][i % 2]) for i, c in enumerate(cases)]
    summary = write_audit(audited_rows(rows, model, workers=1), tmp_path)
    report = tmp_path / "report.html"
    report.write_text(render_audit_report(summary, trained["version"], "test"), encoding="utf-8")
    with browser_page() as page:
        page.goto(Path(report).as_uri())
        assert page.title().startswith("Auditoria motivo")
        assert page.locator("html").get_attribute("lang") == "pt-BR"
        assert page.locator("h2", has_text="Achados por colaborador").count() == 1
        assert page.locator("h2", has_text="Achados por motivo").count() == 1
        sides = page.locator("ul.sides").all_inner_texts()
        unsupported = [s for s in sides if "Por que o modelo discorda" in s]
        assert unsupported and all("o texto sustenta mais:" in s for s in unsupported)
        assert page.locator("mark").count() > 0
        assert page.locator("img").first.evaluate("img => img.naturalWidth") > 0
        page.screenshot(path=str(tmp_path / "audit-report.png"), full_page=False)
        assert page.errors == []
