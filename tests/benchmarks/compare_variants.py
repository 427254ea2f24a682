"""Model variants compared on out-of-fold predictions of the TRAIN split only (never the test batches).

Each variant is fitted five times, each time without one fifth of the training writers (their
batches kept whole), and judged on the cases it did not see: full cases, the same cases cut at
25/50/75 % of their words (the typing simulation), and the training short notes.

    .venv/bin/python tests/benchmarks/compare_variants.py                 # every variant
    .venv/bin/python tests/benchmarks/compare_variants.py default no-floor  # some of them
    .venv/bin/python tests/benchmarks/compare_variants.py --json out.json
    .venv/bin/python tests/benchmarks/compare_variants.py --test default sentences  # test figures too

Prints one block per variant and a summary table; takes a few minutes per variant on 2 cores.
Variants that differ only in prediction-time parameters (PREDICT_TIME: per-sentence scores, the
lesser reasons' and neighbours' threshold shares) share their fitted fold models, so they cost seconds.
Besides the headline figures, multi-reason cases give the recall of their second reasons (the
gold reasons after the first listed), over all full cases and over the training paraphrase batch.
`--test` also fits each variant on the whole train split and prints its test figures: the older
test batches, the batch sets of training/batch_sets.py, the short notes. They are for the
record (README, "Choosing the model"): a variant is chosen on the out-of-fold figures.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).parents[2]))

from model.cases import is_short_note, truncate_case
from model.features import CaseVectorizer
from model.motivo_model import label_matrix
from model.taxonomy import load_taxonomy
from training.batch_sets import BATCH_SETS, second_reason_recall, set_metrics
from training.corpus import load_split
from training.metrics import evaluate_predictions, top_k_hit_rate
from training.partial_notes import CUTS, short_note_metrics, typing_cut_metrics
from training.train import fit_model, writer_groups

PREFIXES = (0.25, 0.5, 0.75)
# The shipped default is a TF-IDF norm floor of 30 with Platt calibration ("default"); the others
# are what it was chosen against (README, "Choosing the model").
VARIANTS: dict[str, dict] = {
    "default": {},
    "no-floor": {"vectorizer": CaseVectorizer(norm_floor=0.0)},
    "prefixes": {"prefix_cuts": PREFIXES},
    "no-floor+prefixes": {"vectorizer": CaseVectorizer(norm_floor=0.0), "prefix_cuts": PREFIXES},
    "no-floor+evidence": {"vectorizer": CaseVectorizer(norm_floor=0.0), "calibration": "evidence"},
    "floor20": {"vectorizer": CaseVectorizer(norm_floor=20.0)},
    "floor40": {"vectorizer": CaseVectorizer(norm_floor=40.0)},
    "evidence": {"calibration": "evidence"},
    "evidence+prefixes": {"calibration": "evidence", "prefix_cuts": PREFIXES},
    # Beyond keywords (#20): lesser reasons said in few words, beside a threat or another reason.
    "sentences-max": {"sentences": "max"},
    "sentences-max-floor20": {"sentences": "max", "sentence_floor": 20.0},
    "sentences-max-floor15": {"sentences": "max", "sentence_floor": 15.0},
    "second-0.5": {"second_share": 0.5},
    "second-0.7": {"second_share": 0.7},
    "second-1.25": {"second_share": 1.25},
    "second-1.5": {"second_share": 1.5},
    # Only the boxes readers confuse with the leading reason (taxonomy.yaml `neighbours`) need more.
    "neighbour-1.25": {"neighbour_share": 1.25},
    "neighbour-1.5": {"neighbour_share": 1.5},
    "neighbour-2": {"neighbour_share": 2.0},
    "sentences-max+second-0.7": {"sentences": "max", "second_share": 0.7},
    "sentences-max-floor20+second-0.7": {"sentences": "max", "sentence_floor": 20.0, "second_share": 0.7},
    "stacked": {"sentences": "stacked"},
    "stacked-floor15": {"sentences": "stacked", "sentence_floor": 15.0},
    "char-ngrams": {"vectorizer": CaseVectorizer(char_ngrams=(4, 5))},
}
PREDICT_TIME = ("sentences", "sentence_floor", "second_share", "neighbour_share")
PARAPHRASE_TRAIN = "w20-parafrase-multimotivos-treino-mt-ms"
_fitted: dict[str, tuple] = {}


def fitted(key: str, cases: list[dict], params: dict) -> tuple:
    """(model, seconds its fit took): the model of `params` fitted on `cases`, fitted once per set
    of fit-time parameters (`key` names the cases); prediction-time parameters are set on a copy."""
    # The second stage ("stacked") is fitted on out-of-fold sentence scores: a fit-time variant.
    later = () if params.get("sentences") == "stacked" else PREDICT_TIME
    fit_params = {k: v for k, v in params.items() if k not in later}
    name = f"{key}:{sorted(fit_params.items(), key=str)!r}"
    if name not in _fitted:
        started = time.perf_counter()
        _fitted[name] = (fit_model(cases, **fit_params), time.perf_counter() - started)
    model, seconds = _fitted[name]
    return copy.copy(model).set_params(**{k: params[k] for k in later if k in params}), seconds


def out_of_fold(cases: list[dict], params: dict, folds: int = 5) -> dict[str, np.ndarray]:
    """Out-of-fold probabilities and decisions for the full cases, their cuts, and the short notes."""
    groups = np.array(writer_groups(cases), dtype=object)
    n, labels = len(cases), 31
    full = [i for i, c in enumerate(cases) if not is_short_note(c)]
    proba = np.zeros((n, labels))
    decided = np.zeros((n, labels), dtype=bool)
    cut_proba = {cut: np.zeros((n, labels)) for cut in CUTS}
    cut_decided = {cut: np.zeros((n, labels), dtype=bool) for cut in CUTS}
    for k, (train, held) in enumerate(GroupKFold(folds).split(cases, groups=groups)):
        model, _ = fitted(f"fold{k}", [cases[i] for i in train], params)
        held_cases = [cases[i] for i in held]
        proba[held] = model.predict_proba(held_cases)
        d = model.decide(proba[held])
        decided[held] = np.column_stack([d.suggested, d.flagged])
        held_full = [i for i in held if not is_short_note(cases[i])]
        for cut in CUTS:
            p = model.predict_proba([truncate_case(cases[i], cut) for i in held_full])
            cut_proba[cut][held_full] = p
            d = model.decide(p)
            cut_decided[cut][held_full] = np.column_stack([d.suggested, d.flagged])
    return {
        "full": np.array(full),
        "proba": proba,
        "decided": decided,
        "cut_proba": cut_proba,
        "cut_decided": cut_decided,
    }


def summarize(cases: list[dict], oof: dict) -> dict:
    codes = load_taxonomy().reason_codes
    Y = label_matrix(cases, codes)
    full = oof["full"]
    short = np.array([i for i, c in enumerate(cases) if is_short_note(c)])
    P, D = oof["proba"], oof["decided"]
    # Headline figures at each fold model's own decisions.
    Yr, Pr, Dr = Y[full, :-1], P[full, :-1], D[full, :-1].astype(int)
    y, flagged = Y[full, -1], D[full, -1]
    out = {
        "full": {
            "top1": round(top_k_hit_rate(Yr, Pr, 1), 4),
            "top3": round(top_k_hit_rate(Yr, Pr, 3), 4),
            "micro_f1": round(float(f1_score(Yr, Dr, average="micro", zero_division=0)), 4),
            "macro_f1": round(float(f1_score(Yr, Dr, average="macro", zero_division=0)), 4),
            "flag_precision": round(float((flagged & (y == 1)).sum() / max(flagged.sum(), 1)), 4),
            "flag_recall": round(float((flagged & (y == 1)).sum() / max(y.sum(), 1)), 4),
        },
        "typing": {
            f"{cut:.2f}": typing_cut_metrics(
                Y[full],
                oof["cut_proba"][cut][full, :-1],
                oof["cut_decided"][cut][full, :-1],
                oof["cut_decided"][cut][full, -1],
            )
            for cut in CUTS
        },
    }
    full_cases = [cases[i] for i in full]
    out["full"]["second_reason_recall"] = round(second_reason_recall(full_cases, Dr, codes), 4)
    paraphrase = [k for k, c in enumerate(full_cases) if c.get("batch") == PARAPHRASE_TRAIN]
    if paraphrase:
        out["paraphrase_train"] = {
            "cases": len(paraphrase),
            "macro_f1": round(
                float(f1_score(Yr[paraphrase], Dr[paraphrase], average="macro", zero_division=0)), 4
            ),
            "micro_f1": round(
                float(f1_score(Yr[paraphrase], Dr[paraphrase], average="micro", zero_division=0)), 4
            ),
            "second_reason_recall": round(
                second_reason_recall([full_cases[k] for k in paraphrase], Dr[paraphrase], codes), 4
            ),
        }
    if len(short):
        out["short_notes"] = short_note_metrics(Y[short], P[short, :-1], D[short, :-1], D[short, -1])
    return out


def test_figures(train: list[dict], test: list[dict], params: dict) -> dict:
    """The variant fitted on the whole train split, on the test split: older batches, sets, short notes."""
    codes = load_taxonomy().reason_codes
    model, seconds = fitted("train", train, params)
    sets = {batch for members in BATCH_SETS.values() for batch in members}
    older = [c for c in test if not is_short_note(c) and c.get("batch") not in sets]
    notes = [c for c in test if is_short_note(c)]
    out: dict = {"training_seconds": round(seconds, 1)}

    def decided(cases: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        P = model.predict_proba(cases)
        d = model.decide(P)
        return label_matrix(cases, codes), P, np.column_stack([d.suggested, d.flagged]).astype(int)

    Y, P, D = decided(older)
    # The metrics suggest at thresholds: the model's decisions (second_share included) go in as
    # 0/1 scores at 0.5; rankings (top-1) come from the probabilities.
    m = evaluate_predictions(Y, D.astype(float), np.full(Y.shape[1], 0.5), codes)
    out["older_test"] = {
        "cases": len(older),
        "top1": round(top_k_hit_rate(Y[:, :-1], P[:, :-1], 1), 4),
        "macro_f1": m["macro_f1"],
        "micro_f1": m["micro_f1"],
        "flag_precision": m["flag"]["precision"],
        "flag_recall": m["flag"]["recall"],
    }
    for name, members in BATCH_SETS.items():
        members_cases = [c for c in test if c.get("batch") in members]
        Y, P, D = decided(members_cases)
        m = set_metrics(members_cases, Y, np.where(D == 1, 1.0, 0.0), np.full(Y.shape[1], 0.5), codes)
        out[name] = {
            "top1": round(top_k_hit_rate(Y[:, :-1], P[:, :-1], 1), 4),
            "macro_f1": m["macro_f1"],
            "macro_f1_ci": m["macro_f1_ci"],
            "second_reason_recall": m["second_reason_recall"],
            "flag_precision": m["flag"]["precision"],
            "flag_recall": m["flag"]["recall"],
            "f1": {
                code: m["per_label"][code]["f1"]
                for code in ("valores", "falta_de_reajuste", "baixa_procura")
                if code in m["per_label"]
            },
        }
    if notes:
        Y, P, D = decided(notes)
        out["short_notes"] = short_note_metrics(Y, P[:, :-1], D[:, :-1], D[:, -1])
    return out


def without_agent_clauses() -> None:
    """The tokenizer as before agent clauses: only chat turns are in the operator's voice."""
    import re

    from model import agent_speech, tokens

    agent_speech._AGENT_CLAUSE = re.compile(r"(?!x)x")
    tokens.field_tokens.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--test", action="store_true", help="Also fit on the whole train split and score the test split."
    )
    parser.add_argument("--no-agent-clauses", action="store_true", help="Only chat turns are the agent's.")
    args = parser.parse_args()
    if args.no_agent_clauses:
        without_agent_clauses()
    cases = load_split("train")
    results = {}
    for name in args.variants:
        started = time.perf_counter()
        results[name] = summarize(cases, out_of_fold(cases, VARIANTS[name]))
        if args.test:
            results[name]["test"] = test_figures(cases, load_split("test"), VARIANTS[name])
        results[name]["seconds"] = round(time.perf_counter() - started, 1)
        print(name, json.dumps(results[name]), flush=True)
    print()
    print(
        f"{'variant':28s} {'top1':>6s} {'macroF1':>7s} {'flagR':>6s} | typing 25/50/75: prec  recall  conf/100 | short: top1 sugg silent prec conf flagP flagR"
    )
    for name, r in results.items():
        t = r["typing"]
        s = r.get("short_notes", {})
        print(
            f"{name:28s} {r['full']['top1']:6.3f} {r['full']['macro_f1']:7.3f} {r['full']['flag_recall']:6.3f} | "
            + " ".join(
                f"{t[c]['precision']:.3f}/{t[c]['recall']:.3f}/{t[c]['confident_false_per_100']:.2f}"
                for c in t
            )
            + (
                f" | {s['top1_where_stated']:.3f} {s['suggested_where_stated']:.3f} {s['silent_where_none']:.3f} "
                f"{s['precision']:.3f} {s['confident_false_per_100']:.2f} {s['flag_precision']:.3f} {s['flag_recall']:.3f}"
                if s
                else ""
            )
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
