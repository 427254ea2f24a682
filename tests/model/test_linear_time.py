"""Every regular expression that reads client or imported text takes time linear in it.

Each input below made one of the patterns backtrack (quadratic or worse): at 100,000
characters a quadratic pattern takes minutes, a linear one milliseconds, so the bound of one
second says which one runs without depending on the machine's speed.
"""

from __future__ import annotations

import time

import pytest

from model.forms.parse import parse_form
from model.masking import mask
from model.normalize import normalize
from model.segments import cut_points
from model.tokenizer import bounded_chunks
from model.whatsapp import split_turns

N = 100_000
PATHOLOGICAL = {
    "local part without domain": "a" * N + "@",
    "domain without dot": "a@" + "b-" * (N // 2),
    "dotted local part": "a." * (N // 2) + "@x",
    "spaces after CRO": "CRO" + " " * N,
    "spaces after a guide keyword": "guia n " + " " * N + "x",
    "spaces after a protocol keyword": "protocolo" + " " * N,
    "dotted digits": "1." * (N // 2) + "a",
    "digits glued to a word": "1" * N + "a",
    "plus signs": "+" * N,
    "blank lines": "\n" * N,
    "spaces": " " * N,
    "asterisks": "*" * N,
    "spaces after a chat head": "[13:52, 9/10/2024]" + " " * N,
    "chat heads without speaker": "[1:11, 1/1/11]a" * (N // 15),
    "exported chat heads": "01/01/2024 13:52 - a " * (N // 21),
    "periods": "." * N,
    "sentence ends no part may follow": "Dr. " * (N // 4),
    "exclamations and spaces": "!? " * (N // 3),
}


def _seconds(function, text: str) -> float:
    started = time.process_time()
    function(text)
    return time.process_time() - started


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
@pytest.mark.parametrize("function", [mask, normalize, split_turns, cut_points], ids=lambda f: f.__name__)
def test_request_path_patterns_are_linear(function, text):
    assert _seconds(function, text) < 1.0


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_tokenizer_bounds_are_linear(text):
    assert _seconds(lambda t: bounded_chunks(normalize(t)), text) < 2.0


@pytest.mark.parametrize("filler", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_form_parsing_is_linear(seed_new_text, filler):
    # The filler inside a contact note and inside the "Ação Retenção" section.
    text = seed_new_text.replace("Obs.:", "Obs.: " + filler, 1)
    text = text.replace("OBRIGATÓRIO", filler + " OBRIGATÓRIO", 1).replace(
        "OBIGATÓRIO", filler + " OBIGATÓRIO", 1
    )
    assert _seconds(parse_form, text) < 2.0
