"""Training from the corpus: thresholds and calibration come from folds that keep each writer whole."""

from __future__ import annotations

from training.train import writer_groups


def test_each_case_is_grouped_by_its_batch_and_an_unbatched_case_stands_alone():
    cases = [{"batch": "w01"}, {"batch": "w02"}, {}, {"batch": "w01"}, {"batch": ""}]
    groups = writer_groups(cases)
    assert groups[0] == groups[3] != groups[1]
    assert len({groups[2], groups[4], groups[0], groups[1]}) == 4


def test_a_corpus_model_tunes_on_folds_that_keep_each_writer_whole(trained):
    assert trained["manifest"]["oof_folds"] == "writer"
    assert trained["model"].oof_folds == "writer"
