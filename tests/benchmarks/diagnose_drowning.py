"""Why a reason said in few words drowns beside a threat (issue 20): prints the numbers.

    .venv/bin/python tests/benchmarks/diagnose_drowning.py            # the CURRENT model
    .venv/bin/python tests/benchmarks/diagnose_drowning.py VERSION

For a weak sentence alone, after a threat, and after a neutral sentence of the same length: the
row's TF-IDF norm (and the floor), the reason's raw score split into the weak sentence's words,
the other words and the intercept, the calibrated probability against the threshold; then how
threats co-occur with each reason in the train split, and the thresholds of the lesser reasons.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[2]))

from model.motivo_model import label_matrix
from training import registry
from training.corpus import load_split

WEAK = "Quer sair da rede pelos valores."
THREAT = "Dr. disse que se continuar assim isso vai parar na mão do meu advogado."
NEUTRAL = "Dr. atendeu a ligação na recepção da clínica depois do almoço e conversou com calma."
REASON = "valores"


def explain(model, text: str, reason: str) -> None:
    case = {"observations": [text], "general_note": ""}
    analysis = model.analyze([case])
    column = list(model.reason_codes).index(reason)
    indices, values = analysis.row(0)
    idf = model.vectorizer_.tfidf_.idf_
    occurrences = analysis.occurrences[0]
    unique, _, counts = occurrences.grouped
    raw = (np.log(counts) + 1.0) * idf[unique]
    norm = float(np.sqrt(raw @ raw))
    weights, intercept = model.coefficients(column)
    contributions = occurrences.contributions(indices, values, weights[None, unique])[:, 0]
    weak_start = len(analysis.tokens[0]) - len(model.vectorizer_.tokens({"observations": [WEAK]}))
    weak_part = float(contributions[weak_start:].sum()) if text.endswith(WEAK) else float(contributions.sum())
    other = float(contributions.sum()) - weak_part
    flag = analysis.proba[0, -1]
    print(
        f"  {text[:60]!r:64s} features {len(unique):3d} norm {norm:5.1f} (divided by {max(norm, model.vectorizer_.norm_floor):5.1f}) | "
        f"{reason} score: weak sentence {weak_part:+.2f} other words {other:+.2f} intercept {intercept:+.2f} "
        f"-> p {analysis.proba[0, column]:.3f} (threshold {model.thresholds_[column]:.3f}) | flag p {flag:.3f}"
    )


def main() -> None:
    loaded = registry.load(sys.argv[1] if len(sys.argv) > 1 else None)
    model = loaded.model
    print(f"model {loaded.version}, norm floor {model.vectorizer_.norm_floor}")
    for text in (WEAK, f"{THREAT} {WEAK}", f"{NEUTRAL} {WEAK}", THREAT):
        explain(model, text, REASON)
    codes = list(model.reason_codes)
    cases = [c for c in load_split("train") if c.get("kind") != "short_note"]
    Y = label_matrix(cases, codes)
    threat = Y[:, -1] == 1
    reasons_per_case = Y[:, :-1].sum(axis=1)
    print(
        f"\ntrain split: {len(cases)} full cases, {threat.sum()} threats; reasons per case "
        f"{reasons_per_case[threat].mean():.2f} with a threat, {reasons_per_case[~threat].mean():.2f} without"
    )
    print(
        f"{'reason':38s} {'cases':>5s} {'P(threat|reason)':>16s} {'P(reason|threat)':>16s} {'threshold':>9s}"
    )
    for j in np.argsort(-Y[:, :-1].sum(axis=0)):
        n = int(Y[:, j].sum())
        print(
            f"{codes[j]:38s} {n:5d} {Y[Y[:, j] == 1, -1].mean():16.3f} {Y[threat, j].mean():16.3f} "
            f"{model.thresholds_[j]:9.3f}"
        )
    print(f"overall threat rate {threat.mean():.3f}")
    lesser_reasons_oof(model, load_split("train"), codes)


def lesser_reasons_oof(model, train: list[dict], codes: list[str]) -> None:
    """Where the second reasons of multi-reason training cases land, on the model's own
    out-of-fold probabilities (writers kept whole), against their thresholds; and the norms."""
    oof = model.oof_proba_
    first, lesser = [], []
    for i, case in enumerate(train):
        if case.get("kind") == "short_note" or len(case["reasons"]) < 2:
            continue
        columns = [codes.index(c) for c in case["reasons"]]
        first.append(oof[i, columns[0]] / model.thresholds_[columns[0]])
        lesser += [oof[i, j] / model.thresholds_[j] for j in columns[1:]]
    for name, ratios in (("first reasons", np.array(first)), ("second reasons", np.array(lesser))):
        print(
            f"{name:15s} {len(ratios):5d}: suggested {np.mean(ratios >= 1):.3f}, possible (>= half the "
            f"threshold) {np.mean((ratios >= 0.5) & (ratios < 1)):.3f}, under half {np.mean(ratios < 0.5):.3f}; "
            f"median probability/threshold {np.median(ratios):.2f}"
        )
    full = [c for c in train if c.get("kind") != "short_note"][:400]
    occurrences = [model.vectorizer_.encode(model.vectorizer_.tokens(c)) for c in full]
    idf = model.vectorizer_.tfidf_.idf_
    norms = []
    for occ in occurrences:
        unique, _, counts = occ.grouped
        raw = (np.log(counts) + 1.0) * idf[unique]
        norms.append(float(np.sqrt(raw @ raw)))
    print(
        f"row norm of full cases: median {np.median(norms):.1f}, 10-90% {np.percentile(norms, 10):.1f}-{np.percentile(norms, 90):.1f}"
    )


if __name__ == "__main__":
    main()
