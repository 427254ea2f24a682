"""Turning a case's notes into TF-IDF features, remembering which tokens each feature came from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from model.tokens import LEMMATIZERS, Token, case_tokens


def case_fields(case: Any) -> list[str]:
    """A case's text fields: the contact notes then the general note (a bare string is one field)."""
    if isinstance(case, str):
        return [case]
    return [*case.get("observations", []), case.get("general_note", "")]


@dataclass(frozen=True)
class FeatureSpec:
    """Which features a token sequence yields."""

    char_ngrams: tuple[int, int] | None = (3, 5)
    bigrams: bool = True
    roles: bool = True

    def features(self, tokens: Sequence[Token]) -> list[tuple[str, int, int]]:
        """(feature, first token, last token + 1) for every feature occurrence."""
        out: list[tuple[str, int, int]] = []
        previous: int | None = None
        low, high = self.char_ngrams or (0, -1)
        for i, token in enumerate(tokens):
            if not token.is_word:
                if token.word.startswith("0") or token.word in ("<", ">"):
                    continue  # number shapes and placeholder brackets say nothing about the reason
                previous = None
                continue
            prefix = ("ag:" if self.roles and token.agent else "") + ("neg:" if token.negated else "")
            out.append((f"w={prefix}{token.lemma}", i, i + 1))
            if self.bigrams and previous is not None and tokens[previous].field == token.field:
                out.append((f"b={tokens[previous].lemma}_{token.lemma}", previous, i + 1))
            previous = i
            if high and len(token.word) >= low:
                padded = f" {token.word} "
                for n in range(low, high + 1):
                    for k in range(len(padded) - n + 1):
                        out.append((f"c={padded[k : k + n]}", i, i + 1))
        return out

    def __call__(self, tokens: Sequence[Token]) -> list[str]:
        return [feature for feature, _, _ in self.features(tokens)]


class CaseVectorizer(TransformerMixin, BaseEstimator):
    """Cases (dicts with observations/general_note, or strings) -> L2-normalised TF-IDF rows."""

    def __init__(
        self,
        lemmatizer: str = "simplemma",
        char_ngrams: tuple[int, int] | None = (3, 5),
        bigrams: bool = True,
        roles: bool = True,
        min_df: int = 2,
        sublinear_tf: bool = True,
    ):
        self.lemmatizer = lemmatizer
        self.char_ngrams = char_ngrams
        self.bigrams = bigrams
        self.roles = roles
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf

    def _spec(self) -> FeatureSpec:
        return FeatureSpec(tuple(self.char_ngrams) if self.char_ngrams else None, self.bigrams, self.roles)

    def tokens(self, case: Any) -> list[Token]:
        return case_tokens(case_fields(case), self.lemmatizer)

    def fit(self, X: Iterable[Any], y: Any = None) -> CaseVectorizer:
        if self.lemmatizer not in LEMMATIZERS:
            raise ValueError(f"lemmatizer must be one of {LEMMATIZERS}, not {self.lemmatizer!r}")
        self.tfidf_ = TfidfVectorizer(
            analyzer=self._spec(), min_df=self.min_df, sublinear_tf=self.sublinear_tf, dtype=np.float32
        )
        self.tfidf_.fit([self.tokens(case) for case in X])
        self.feature_names_out_ = self.tfidf_.get_feature_names_out()
        return self

    def transform(self, X: Iterable[Any]) -> sp.csr_matrix:
        check_is_fitted(self, "tfidf_")
        return self.transform_tokens([self.tokens(case) for case in X])

    def transform_tokens(self, token_lists: Sequence[Sequence[Token]]) -> sp.csr_matrix:
        return self.tfidf_.transform(token_lists)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "tfidf_")
        return self.feature_names_out_

    def token_attribution(self, tokens: Sequence[Token]) -> sp.csr_matrix:
        """(tokens x features): how much of each feature's value each token accounts for.

        A feature seen k times, each covering m tokens, gives every covered token 1/(k*m) of it,
        so a row of x (the case's features) spread this way sums back to x.
        """
        check_is_fitted(self, "tfidf_")
        vocabulary = self.tfidf_.vocabulary_
        occurrences = [(vocabulary[f], a, b) for f, a, b in self._spec().features(tokens) if f in vocabulary]
        if not occurrences:
            return sp.csr_matrix((len(tokens), len(vocabulary)), dtype=np.float32)
        columns = np.array([c for c, _, _ in occurrences])
        counts = np.bincount(columns, minlength=len(vocabulary))
        rows, cols, values = [], [], []
        for column, a, b in occurrences:
            share = 1.0 / (counts[column] * (b - a))
            for t in range(a, b):
                rows.append(t)
                cols.append(column)
                values.append(share)
        return sp.csr_matrix((values, (rows, cols)), shape=(len(tokens), len(vocabulary)), dtype=np.float32)
