"""People's names are kept out of the shipped model's vocabulary; ordinary words stay in it."""

from __future__ import annotations

import re

from model.features import person_names
from training.corpus import load_split


def feature_words(model) -> set[str]:
    return {part for f in model.vectorizer_.get_feature_names_out() for part in re.split(r"[=_:]", f)}


def test_no_name_of_the_training_texts_is_a_feature_and_ordinary_words_stay(trained):
    names = person_names(load_split("train", trained["data"]))
    assert {"paulo", "priscila", "henrique", "renata"} <= names  # named after Dr./Dra. in the corpus
    assert not {"de", "clinica", "glosa", "valor"} & names  # capitalised after a title now and then
    words = feature_words(trained["model"])
    assert names.isdisjoint(words), sorted(names & words)[:10]
    assert {"glosa", "clinica", "aposentar"} <= words
