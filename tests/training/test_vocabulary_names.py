"""People's names are kept out of the shipped model's vocabulary."""

from __future__ import annotations

import re

from model.cases import text_fields
from model.masking import names_in
from model.normalize import fold
from training.corpus import load_split


def test_no_word_seen_as_a_name_in_the_training_texts_is_a_feature(trained):
    names = {
        fold(word)
        for case in load_split("train", trained["data"])
        for text in text_fields(case)
        for word in names_in(text)
    }
    assert len(names) > 50  # the corpus does name people: the check below means something
    features = trained["model"].vectorizer_.get_feature_names_out()
    leaked = [f for f in features if names & set(re.split(r"[=_:]", f))]
    assert leaked == []
