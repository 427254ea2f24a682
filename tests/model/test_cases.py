"""Cases: short notes are told apart, and a case can be cut to the share of its words typed so far."""

from __future__ import annotations

import copy
import itertools

import pytest

from model.cases import is_short_note, truncate_case

# Eight words: three in the first contact note, two in the second, three in the general note.
CASE = {
    "id": "c1",
    "reasons": ["glosas"],
    "judicializacao": False,
    "status": "desligamento",
    "observations": ["Tentei contato, sem", "retorno. Dr."],
    "general_note": "reclamou das glosas",
}


def words(case: dict) -> list[str]:
    return [w for text in [*case["observations"], case["general_note"]] for w in text.split()]


def test_a_short_note_is_a_case_of_kind_short_note():
    assert is_short_note({"kind": "short_note", "observations": ["Dr vai se aposentar"]})
    assert not is_short_note({"observations": ["Dr vai se aposentar"]})
    assert not is_short_note({"kind": "case", "observations": ["Dr vai se aposentar"]})


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        # ceil(share x 8 words), at least one word.
        (0.0, {"observations": ["Tentei", ""], "general_note": ""}),
        (0.1, {"observations": ["Tentei", ""], "general_note": ""}),
        (0.25, {"observations": ["Tentei contato,", ""], "general_note": ""}),
        (0.5, {"observations": ["Tentei contato, sem", "retorno."], "general_note": ""}),
        (0.75, {"observations": ["Tentei contato, sem", "retorno. Dr."], "general_note": "reclamou"}),
        (
            1.0,
            {"observations": ["Tentei contato, sem", "retorno. Dr."], "general_note": "reclamou das glosas"},
        ),
    ],
)
def test_a_case_is_cut_at_a_share_of_its_words_contact_notes_first_then_the_general_note(share, expected):
    cut = truncate_case(CASE, share)
    assert {"observations": cut["observations"], "general_note": cut["general_note"]} == expected


def test_the_cut_keeps_the_number_of_contact_notes_and_everything_but_the_text():
    cut = truncate_case(CASE, 0.25)
    assert len(cut["observations"]) == len(CASE["observations"])
    for key in ("id", "reasons", "judicializacao", "status"):
        assert cut[key] == CASE[key]


def test_cutting_leaves_the_original_case_untouched():
    before = copy.deepcopy(CASE)
    truncate_case(CASE, 0.5)
    assert before == CASE


def test_each_cut_is_what_was_typed_before_the_next_one():
    """The typing simulation: every longer cut starts with every shorter one, field by field."""
    cuts = [truncate_case(CASE, share) for share in (0.25, 0.5, 0.75, 1.0)]
    for shorter, longer in itertools.pairwise(cuts):
        assert len(words(shorter)) < len(words(longer))
        for a, b in zip(
            [*shorter["observations"], shorter["general_note"]],
            [*longer["observations"], longer["general_note"]],
            strict=True,
        ):
            assert b.startswith(a)


def test_the_cut_ends_at_a_word_and_drops_the_whitespace_after_it():
    cut = truncate_case({"observations": ["  Dr.   vai   se  aposentar.  "], "general_note": ""}, 0.5)
    assert cut["observations"] == ["  Dr.   vai"]


def test_a_case_without_general_note_or_without_words_comes_back_whole():
    assert truncate_case({"observations": ["a b c d"]}, 0.5) == {"observations": ["a b"], "general_note": ""}
    empty = {"id": "e", "observations": ["  ", ""], "general_note": "\n"}
    assert truncate_case(empty, 0.5) == empty
    assert truncate_case(empty, 0.5) is not empty


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_a_share_outside_0_to_1_is_refused_by_name(share):
    with pytest.raises(ValueError, match="share"):
        truncate_case({"observations": ["um dois três"], "general_note": ""}, share)


def test_the_number_of_words_kept_does_not_drift_with_floating_point():
    case = {"observations": [" ".join(f"w{i}" for i in range(100))], "general_note": ""}
    assert len(truncate_case(case, 0.07)["observations"][0].split()) == 7
