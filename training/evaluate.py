"""Evaluating a model version against the test data and its peers; writing metrics.json and report.html."""

from __future__ import annotations

import html
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from model.cases import is_short_note
from model.motivo_model import MotivoModel, label_matrix
from model.suggest import suggest_many
from model.taxonomy import load_taxonomy
from model.thresholds import reason_thresholds, recall_first_threshold
from training import peers, registry
from training.batch_sets import batch_set_metrics
from training.known_labels import known_label_matrix, printed_only
from training.metrics import evaluate_predictions, metrics_by_group
from training.partial_notes import short_notes, typing_simulation
from training.report import render_report
from training.train import fit_model

WORST_ERRORS = 12


def worst_errors(
    model: MotivoModel, version: str, cases: Sequence[dict[str, Any]], Y: np.ndarray, P: np.ndarray
) -> list[tuple[dict[str, Any], list[dict[str, Any]], str]]:
    """The cases the model got most wrong, with the evidence behind what it suggested and what it missed."""
    suggested = model.decision_thresholds <= P
    missed = np.where((Y == 1) & ~suggested, 1 - P, 0).max(axis=1)
    false = np.where((Y == 0) & suggested, P, 0).max(axis=1)
    badness = np.maximum(missed, false)
    chosen = [int(i) for i in np.argsort(-badness)[:WORST_ERRORS] if badness[i] > 0]
    labels = model.labels
    out = []
    for i in chosen:
        truth = [labels[j] for j in np.flatnonzero(Y[i])]
        predicted = [labels[j] for j in np.flatnonzero(suggested[i])]
        result = suggest_many(model, [cases[i]], version, evidence_for=[truth])[0]
        evidence = [span for r in result["reasons"] for span in r["evidence"]] + result["judicializacao"][
            "evidence"
        ]
        meta = html.escape(
            f"{cases[i].get('id')} · true: {', '.join(truth) or '—'} · suggested: {', '.join(predicted) or '—'}"
        )
        out.append((cases[i], evidence, meta))
    return out


def peer_metrics(
    train_cases: Sequence[dict[str, Any]],
    test_cases: Sequence[dict[str, Any]],
    codes: Sequence[str],
    flag_min_recall: float,
) -> dict[str, dict[str, Any]]:
    """Metrics of the keyword rules, of spaCy's textcat and of the rejected model variant (both
    trained now, on the same training cases; textcat's flag threshold follows the same
    recall-first policy as the model it is compared with)."""
    Y_test = label_matrix(test_cases, codes)
    half = np.full(len(codes) + 1, 0.5)
    started = time.perf_counter()
    keyword = evaluate_predictions(Y_test, peers.keyword_scores(test_cases, codes), half, codes)
    keyword["seconds"] = round(time.perf_counter() - started, 2)
    labels = [*codes, load_taxonomy().flag.code]
    started = time.perf_counter()
    # Fair thresholds for the peer too: trained on 80% of the training cases, each label's
    # threshold tuned (like ours) on the other 20%.
    order = np.random.default_rng(0).permutation(len(train_cases))
    cut = int(len(order) * 0.8)
    fit_part = [train_cases[i] for i in order[:cut]]
    tune_part = [train_cases[i] for i in order[cut:]]
    nlp = peers.train_spacy_textcat(fit_part, label_matrix(fit_part, codes), labels)
    Y_tune = label_matrix(tune_part, codes)
    P_tune = peers.spacy_scores(nlp, tune_part, labels)
    tuned = np.append(
        reason_thresholds(Y_tune[:, :-1], P_tune[:, :-1]),
        recall_first_threshold(Y_tune[:, -1], P_tune[:, -1], flag_min_recall),
    )
    textcat = evaluate_predictions(Y_test, peers.spacy_scores(nlp, test_cases, labels), tuned, codes)
    textcat["seconds"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    name, params = peers.REJECTED_VARIANT
    variant = fit_model(train_cases, **params)
    P_variant = variant.predict_proba(test_cases)
    rejected = evaluate_predictions(
        Y_test, P_variant, variant.decision_thresholds, codes, variant.decide(P_variant).suggested
    )
    rejected["seconds"] = round(time.perf_counter() - started, 2)
    return {"keyword rules": keyword, "spaCy textcat_multilabel (BOW)": textcat, name: rejected}


def evaluate_version(
    version: str | None,
    test_cases: Sequence[dict[str, Any]],
    dataset: str,
    out_dir: Path | None = None,
    train_cases: Sequence[dict[str, Any]] = (),
    root: Path | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Evaluate a registry version (default CURRENT); peers are trained on `train_cases` when given.

    Full cases give the headline figures, the per-batch table and the typing simulation (each
    cut at a share of its words); short notes (one sentence) are measured on their own.
    """
    loaded = registry.load(version, root)
    model: MotivoModel = loaded.model
    codes = list(model.reason_codes)
    notes = [case for case in test_cases if is_short_note(case)]
    test_cases = [case for case in test_cases if not is_short_note(case)]
    # A box the case's form did not print (the older form's) is neither true nor predicted.
    Y, P = printed_only(known_label_matrix(test_cases, codes), model.predict_proba(test_cases))
    suggested = model.decide(P).suggested
    metrics = evaluate_predictions(Y, P, model.decision_thresholds, codes, suggested)
    batches = [str(case.get("batch") or "(no batch)") for case in test_cases]
    metrics["by_batch"] = metrics_by_group(Y, P, model.decision_thresholds, batches)
    metrics["batch_sets"] = batch_set_metrics(test_cases, Y, P, model.decision_thresholds, codes, suggested)
    metrics["typing"] = typing_simulation(model, test_cases)
    if notes:
        metrics["short_notes"] = short_notes(model, notes)
    peer_table = {f"motivo {loaded.version}": metrics}
    if train_cases:
        peer_table.update(peer_metrics(train_cases, test_cases, codes, model.flag_min_recall))
    metrics["peers"] = {
        name: {k: m[k] for k in ("top1", "top3", "micro_f1", "macro_f1")} | {"flag": m["flag"]}
        for name, m in peer_table.items()
    }
    out_dir = out_dir or (root or registry.registry_root()).parent / "reports" / loaded.version
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False), encoding="utf-8")
    html = render_report(
        loaded.version,
        dataset,
        metrics,
        peer_table,
        worst_errors(model, loaded.version, test_cases, Y, P),
        loaded.manifest,
    )
    (out_dir / "report.html").write_text(html, encoding="utf-8")
    return out_dir, metrics
