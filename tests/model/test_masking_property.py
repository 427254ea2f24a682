"""Generated personal data, in many spellings, never survives masking."""

from __future__ import annotations

import re

from hypothesis import given, settings

from model.masking import mask
from tests.pii import personal_data

PREFIX = "O dentista passou o contato "
SUFFIX = " e pediu retorno amanhã."


@settings(max_examples=1000, deadline=None)
@given(personal_data)
def test_no_generated_personal_data_survives_masking(value):
    masked = mask(PREFIX + value + SUFFIX)
    assert re.fullmatch(
        re.escape(PREFIX) + r"<(?:CPF|CNPJ|PHONE|EMAIL|NUMBER)>" + re.escape(SUFFIX), masked
    ), (
        value,
        masked,
    )
