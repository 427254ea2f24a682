"""Model variants compared on out-of-fold predictions of the TRAIN split only (never the test batches).

Each variant is fitted five times, each time without one fifth of the training writers (their
batches kept whole), and judged on the cases it did not see: full cases, the same cases cut at
25/50/75 % of their words (the typing simulation), and the training short notes.

    .venv/bin/python tests/benchmarks/compare_variants.py                 # every variant
    .venv/bin/python tests/benchmarks/compare_variants.py default no-floor  # some of them
    .venv/bin/python tests/benchmarks/compare_variants.py --json out.json

Prints one block per variant and a summary table; takes a few minutes per variant on 2 cores.
"""

from __future__ import annotations

import argparse
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
from training.corpus import load_split
from training.metrics import top_k_hit_rate
from training.partial_notes import CUTS, short_note_metrics, typing_cut_metrics
from training.train import fit_model, writer_groups

PREFIXES = (0.25, 0.5, 0.75)
# The shipped default is a TF-IDF norm floor of 30 with Platt calibration ("default"); the others
# are what it was chosen against (README, "Choosing the model").
VARIANTS: dict[str, dict] = {
    "default": {},
    "no-floor": {"vectorizer": CaseVectorizer(norm_floor=0.0)},
    "no-floor+prefixes": {"vectorizer": CaseVectorizer(norm_floor=0.0), "prefix_cuts": PREFIXES},
    "no-floor+evidence": {"vectorizer": CaseVectorizer(norm_floor=0.0), "calibration": "evidence"},
    "floor20": {"vectorizer": CaseVectorizer(norm_floor=20.0)},
    "floor40": {"vectorizer": CaseVectorizer(norm_floor=40.0)},
    "evidence": {"calibration": "evidence"},
    "evidence+prefixes": {"calibration": "evidence", "prefix_cuts": PREFIXES},
}


def out_of_fold(cases: list[dict], params: dict, folds: int = 5) -> dict[str, np.ndarray]:
    """Out-of-fold probabilities and decisions for the full cases, their cuts, and the short notes."""
    groups = np.array(writer_groups(cases), dtype=object)
    n, labels = len(cases), 31
    full = [i for i, c in enumerate(cases) if not is_short_note(c)]
    proba = np.zeros((n, labels))
    decided = np.zeros((n, labels), dtype=bool)
    cut_proba = {cut: np.zeros((n, labels)) for cut in CUTS}
    cut_decided = {cut: np.zeros((n, labels), dtype=bool) for cut in CUTS}
    for train, held in GroupKFold(folds).split(cases, groups=groups):
        model = fit_model([cases[i] for i in train], **params)
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
    if len(short):
        out["short_notes"] = short_note_metrics(Y[short], P[short, :-1], D[short, :-1], D[short, -1])
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
    parser.add_argument("--no-agent-clauses", action="store_true", help="Only chat turns are the agent's.")
    args = parser.parse_args()
    if args.no_agent_clauses:
        without_agent_clauses()
    cases = load_split("train")
    results = {}
    for name in args.variants:
        started = time.perf_counter()
        results[name] = summarize(cases, out_of_fold(cases, VARIANTS[name]))
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
