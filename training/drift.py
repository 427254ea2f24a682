"""Drift of live texts against the training texts: length, out-of-vocabulary share, and how well a
classifier tells them apart (a domain classifier's AUC: 0.5 is no drift, 1.0 two different worlds).

Both sides go through the model's text path (model.normalize: masked, lower case, abbreviations
spelled out), so masking itself (stored confirmations are masked) is no difference to find.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from model.cases import case_text
from model.normalize import normalize

_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_TEXTS = 20  # fewer live texts than this: no AUC (5 folds of 4 would be noise)
SAMPLE = 400  # texts per side: enough for a stable AUC, little enough to answer within a request


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(text).text)


def vocabulary(texts: Sequence[str]) -> set[str]:
    return {word for text in texts for word in words(text)}


def oov_share(texts: Sequence[str], known: set[str]) -> float | None:
    """Share of the words of `texts` never seen in the training texts."""
    all_words = [word for text in texts for word in words(text)]
    return round(sum(word not in known for word in all_words) / len(all_words), 4) if all_words else None


def domain_auc(live: Sequence[str], training: Sequence[str], seed: int = 0) -> float | None:
    """Cross-validated ROC AUC of a TF-IDF logistic regression telling live from training texts."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    if len(live) < MIN_TEXTS or len(training) < MIN_TEXTS:
        return None
    rng = random.Random(seed)
    live = rng.sample(list(live), min(SAMPLE, len(live)))
    training = rng.sample(list(training), min(SAMPLE, len(training)))
    texts = [normalize(t).text for t in [*live, *training]]
    target = np.array([1] * len(live) + [0] * len(training))
    classifier = make_pipeline(
        TfidfVectorizer(min_df=2, ngram_range=(1, 2)), LogisticRegression(max_iter=1000)
    )
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    scores = cross_val_predict(classifier, texts, target, cv=folds, method="predict_proba")[:, 1]
    return round(float(roc_auc_score(target, scores)), 4)


def drift(live_cases: Sequence[dict[str, Any]], training_cases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Length, OOV share and domain AUC of live cases against training cases."""
    live = [case_text(c) for c in live_cases]
    training = [case_text(c) for c in training_cases]

    def mean_chars(texts: Sequence[str]) -> float | None:
        return round(sum(map(len, texts)) / len(texts), 1) if texts else None

    return {
        "live_texts": len(live),
        "mean_chars": mean_chars(live),
        "training_mean_chars": mean_chars(training),
        "oov_share": oov_share(live, vocabulary(training)),
        "domain_auc": domain_auc(live, training),
    }
