"""Turning a case's notes into TF-IDF features, remembering which tokens each feature came from."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from sys import getsizeof
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from model.bounded_cache import ByteBoundedCache
from model.cases import text_fields
from model.fitted import require_fitted
from model.masking import names_in
from model.normalize import fold
from model.tokens import LEMMATIZERS, Token, case_tokens, field_tokens

# A word's feature prefix by (in the operator's turn, negated).
_PREFIXES = {False: {False: "", True: "neg:"}, True: {False: "ag:", True: "ag:neg:"}}
_FEATURE_PARTS = re.compile(r"[=_:]")
_WORD = re.compile(r"[^\W\d_]+")
# Each vectorizer's cache of its fields' feature occurrences (per worker, bounded in bytes).
OCCURRENCE_CACHE_BYTES = 8 << 20


@dataclass(frozen=True)
class FeatureSpec:
    """Which features a token sequence yields."""

    char_ngrams: tuple[int, int] | None = None
    bigrams: bool = True
    roles: bool = True

    def features(self, tokens: Sequence[Token]) -> list[tuple[str, int, int]]:
        """(feature, first token, last token + 1) for every feature occurrence."""
        out: list[tuple[str, int, int]] = []
        append = out.append
        previous: int | None = None
        roles, bigrams = self.roles, self.bigrams
        low, high = self.char_ngrams or (0, -1)
        for i, token in enumerate(tokens):
            if not token.is_word:
                if token.word.startswith("0") or token.word in ("<", ">"):
                    continue  # number shapes and placeholder brackets say nothing about the reason
                previous = None
                continue
            lemma = token.lemma
            append((f"w={_PREFIXES[roles and token.agent][token.negated]}{lemma}", i, i + 1))
            if bigrams and previous is not None and tokens[previous].field == token.field:
                append((f"b={tokens[previous].lemma}_{lemma}", previous, i + 1))
            previous = i
            if high > 0 and len(token.word) >= low:
                padded = f" {token.word} "
                for n in range(low, high + 1):
                    for k in range(len(padded) - n + 1):
                        append((f"c={padded[k : k + n]}", i, i + 1))
        return out

    def __call__(self, tokens: Sequence[Token]) -> list[str]:
        return [feature for feature, _, _ in self.features(tokens)]


def person_names(cases: Sequence[Any]) -> set[str]:
    """Folded words seen as a person's name after a title or role, and written capitalised more often
    than not ("Sorriso" in "Dr. Sorriso" is a clinic; "sorriso" is mostly a word)."""
    seen: set[str] = set()
    capitalised: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for case in cases:
        for text in text_fields(case):
            seen.update(fold(word) for word in names_in(text))
            for word in _WORD.findall(text):
                (capitalised if word[0].isupper() else lower)[fold(word)] += 1
    return {word for word in seen if lower[word] < capitalised[word]}


class CaseVectorizer(TransformerMixin, BaseEstimator):
    """Cases (dicts with observations/general_note, or strings) -> L2-normalised TF-IDF rows."""

    def __init__(
        self,
        lemmatizer: str = "simplemma",
        char_ngrams: tuple[int, int] | None = None,
        bigrams: bool = True,
        roles: bool = True,
        min_df: int = 2,
        sublinear_tf: bool = True,
        norm_floor: float = 30.0,
    ):
        self.lemmatizer = lemmatizer
        self.char_ngrams = char_ngrams
        self.bigrams = bigrams
        self.roles = roles
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.norm_floor = norm_floor

    def _spec(self) -> FeatureSpec:
        return FeatureSpec(tuple(self.char_ngrams) if self.char_ngrams else None, self.bigrams, self.roles)

    def tokens(self, case: Any) -> list[Token]:
        return case_tokens(text_fields(case), self.lemmatizer)

    def analyze_case(self, case: Any) -> tuple[list[Token], Occurrences]:
        """`tokens(case)` and `encode` of them, each field's occurrences cached: an agent's page
        resends every field on each pause, and only the one being typed in changes (features never
        cross fields, so a case's occurrences are its fields' put end to end)."""
        tokens: list[Token] = []
        parts: list[Occurrences] = []
        for index, text in enumerate(text_fields(case)):
            field = field_tokens(text, index, self.lemmatizer)
            parts.append(self._field_occurrences(text, index, field).shifted(len(tokens)))
            tokens.extend(field)
        return tokens, Occurrences.joined(parts, len(tokens))

    def _field_occurrences(self, text: str, index: int, field: Sequence[Token]) -> Occurrences:
        cache = self.__dict__.get("_occurrence_cache")
        if cache is None:
            cache = self.__dict__.setdefault("_occurrence_cache", ByteBoundedCache(OCCURRENCE_CACHE_BYTES))
        key = (text, index)
        occurrences = cache.get(key)
        if occurrences is None:
            occurrences = self.encode(field)
            cache.put(key, occurrences, getsizeof(text) + 24 * len(occurrences.columns) + 400)
        return occurrences

    def __getstate__(self) -> dict[str, Any]:
        # The cache of a serving worker is not part of the fitted model.
        state = super().__getstate__()
        state.pop("_occurrence_cache", None)
        return state

    def fit(self, X: Iterable[Any], y: Any = None) -> CaseVectorizer:
        if self.lemmatizer not in LEMMATIZERS:
            raise ValueError(f"lemmatizer must be one of {LEMMATIZERS}, not {self.lemmatizer!r}")
        cases = list(X)
        token_lists = [self.tokens(case) for case in cases]
        tfidf = TfidfVectorizer(
            analyzer=self._spec(), min_df=self.min_df, sublinear_tf=self.sublinear_tf, dtype=np.float32
        )
        tfidf.fit(token_lists)
        # People's names stay out of the shipped vocabulary: every word seen as a name anywhere in
        # the training texts (the names themselves are not kept in the model).
        names = person_names(cases)
        vocabulary = [f for f in tfidf.get_feature_names_out() if names.isdisjoint(_FEATURE_PARTS.split(f))]
        if len(vocabulary) < len(tfidf.vocabulary_):
            tfidf = TfidfVectorizer(
                analyzer=self._spec(), vocabulary=vocabulary, sublinear_tf=self.sublinear_tf, dtype=np.float32
            )
            tfidf.fit(token_lists)
        self.tfidf_ = tfidf
        self.feature_names_out_ = self.tfidf_.get_feature_names_out()
        return self

    def transform(self, X: Iterable[Any]) -> sp.csr_matrix:
        check_is_fitted(self, "tfidf_")
        return self.transform_tokens([self.tokens(case) for case in X])

    def encode(self, tokens: Sequence[Token]) -> Occurrences:
        """The case's feature occurrences that are in the vocabulary: column and token span of each."""
        require_fitted(self, "tfidf_")
        column_of = self.tfidf_.vocabulary_.get
        columns: list[int] = []
        starts: list[int] = []
        ends: list[int] = []
        for feature, a, b in self._spec().features(tokens):
            column = column_of(feature)
            if column is not None:
                columns.append(column)
                starts.append(a)
                ends.append(b)
        return Occurrences(
            np.array(columns, dtype=np.int64),
            np.array(starts, dtype=np.int64),
            np.array(ends, dtype=np.int64),
            len(tokens),
        )

    def rows(self, encoded: Sequence[Occurrences], norm_floor: float | None = None) -> sp.csr_matrix:
        """TF-IDF rows (sublinear tf, idf, L2 norm), as `TfidfVectorizer.transform` computes them.

        Computed from the occurrences directly: sklearn's transform costs ~0.6 ms per call for
        a single case, and the occurrences are needed for the evidence anyway. `norm_floor`
        (default: the vectorizer's) is the least norm a row is divided by.
        """
        idf = self.tfidf_.idf_
        floor = self.norm_floor if norm_floor is None else norm_floor
        indptr, indices, data = [0], [], []
        for occurrences in encoded:
            columns, _, counts = occurrences.grouped
            values = (np.log(counts) + 1.0 if self.sublinear_tf else counts.astype(float)) * idf[columns]
            # A row shorter than `norm_floor` is not stretched to unit length: a note of five words
            # should not weigh each of them as much as a full case weighs its strongest words.
            norm = max(float(np.sqrt(values @ values)), floor)
            indices.append(columns)
            data.append(values / norm if norm > 0 else values)
            indptr.append(indptr[-1] + len(columns))
        shape = (len(encoded), len(idf))
        if not indices:
            return sp.csr_matrix(shape, dtype=np.float32)
        return sp.csr_matrix(
            (np.concatenate(data).astype(np.float32), np.concatenate(indices), np.array(indptr)), shape=shape
        )

    def transform_tokens(self, token_lists: Sequence[Sequence[Token]]) -> sp.csr_matrix:
        return self.rows([self.encode(tokens) for tokens in token_lists])

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "tfidf_")
        return self.feature_names_out_


@dataclass(frozen=True)
class Occurrences:
    """Every in-vocabulary feature occurrence of one case: its column and the tokens [start, end) it covers."""

    columns: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    n_tokens: int

    def shifted(self, offset: int) -> Occurrences:
        """The same occurrences with their token spans moved `offset` tokens on."""
        if not offset:
            return self
        return Occurrences(self.columns, self.starts + offset, self.ends + offset, self.n_tokens + offset)

    @staticmethod
    def joined(parts: Sequence[Occurrences], n_tokens: int) -> Occurrences:
        """Consecutive fields' occurrences (already shifted) as one case's."""
        if len(parts) == 1:
            return Occurrences(parts[0].columns, parts[0].starts, parts[0].ends, n_tokens)
        return Occurrences(
            np.concatenate([p.columns for p in parts]),
            np.concatenate([p.starts for p in parts]),
            np.concatenate([p.ends for p in parts]),
            n_tokens,
        )

    @cached_property
    def grouped(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(distinct columns, each occurrence's index among them, each one's count)."""
        return np.unique(self.columns, return_inverse=True, return_counts=True)

    def contributions(
        self, row_indices: np.ndarray, row_values: np.ndarray, weights: np.ndarray
    ) -> np.ndarray:
        """(tokens x labels): each token's share of each label's linear score x . w.

        `row_indices`/`row_values` are the case's TF-IDF row (sorted columns, as CSR keeps
        them); `weights` is (labels x the case's distinct columns, `grouped[0]`): a label's
        60,000 weights need not be copied to read the few hundred the case has. A feature seen
        k times, each occurrence
        covering n tokens, gives each covered token 1/(k*n) of its term, so the tokens' shares
        add up to the score. Plain numpy: building scipy matrices here cost more than the rest.
        """
        out = np.zeros((self.n_tokens, len(weights)))
        if not len(self.columns):
            return out
        unique, local, counts = self.grouped
        values = np.zeros(len(unique))
        found = np.searchsorted(row_indices, unique).clip(max=max(len(row_indices) - 1, 0))
        present = row_indices[found] == unique if len(row_indices) else np.zeros(len(unique), dtype=bool)
        values[present] = row_values[found[present]]
        lengths = self.ends - self.starts
        per_occurrence = values[local] / (counts[local] * lengths)
        terms = weights[:, local].T * per_occurrence[:, None]
        tokens = np.repeat(self.starts, lengths) + (
            np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        )
        np.add.at(out, tokens, np.repeat(terms, lengths, axis=0))
        return out
