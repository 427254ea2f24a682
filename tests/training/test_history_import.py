"""Past forms become history records: masked, versioned, dated; unmarked forms stay unlabeled."""

from __future__ import annotations

from datetime import date

import pytest

from model.taxonomy import load_taxonomy
from training.audit.inputs import AuditRow
from training.history_import import form_version_of, parse_form_date, to_record
from training.known_labels import newer_only_codes, unknown_codes


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("09/10/2024", date(2024, 10, 9)),
        ("9/10/24 11:06", date(2024, 10, 9)),
        ("2024-10-09", date(2024, 10, 9)),
        ("2024-10-09T13:00:00", date(2024, 10, 9)),
        ("", None),
        (None, None),
    ],
)
def test_the_forms_own_date_is_read_as_written_in_brazil_or_iso(written, expected):
    assert parse_form_date(written) == expected


@pytest.mark.parametrize("written", ["31/02/2024", "ontem", "2024-13-01"])
def test_a_date_that_is_not_one_is_named(written):
    with pytest.raises(ValueError, match="date"):
        parse_form_date(written)


def test_the_newer_only_boxes_are_migracao_outros_and_falta_de_reajuste():
    assert set(newer_only_codes()) == {"migracao", "outros", "falta_de_reajuste"}


def test_form_version_comes_from_the_input_then_the_option_then_a_newer_only_tick():
    assert form_version_of("V1", ["glosas"], "v2") == "v1"
    assert form_version_of("2", [], None) == "v2"
    assert form_version_of(None, ["glosas"], "v1") == "v1"
    assert form_version_of(None, ["migracao"], None) == "v2"
    assert form_version_of(None, ["glosas"], None) is None
    with pytest.raises(ValueError, match="not v1 or v2"):
        form_version_of("v3", [], None)


def test_an_older_form_case_cannot_speak_for_the_boxes_it_does_not_print():
    older = {"source": "history", "form_version": "v1", "reasons": ["glosas"]}
    unknown_version = {"source": "history", "form_version": None, "reasons": ["outros"]}
    assert set(unknown_codes(older)) == {"migracao", "outros", "falta_de_reajuste"}
    assert set(unknown_codes(unknown_version)) == {"migracao", "falta_de_reajuste"}
    assert unknown_codes({"source": "history", "form_version": "v2", "reasons": []}) == ()
    assert unknown_codes({"source": "agent", "reasons": []}) == ()
    assert set(unknown_codes({"source": "agent", "form_version": "v1", "reasons": []})) == set(
        newer_only_codes()
    )


def _row(reasons, version=None, date_written=None, **case):
    base = {
        "id": "F-1",
        "observations": ["Falei com a Dra. Helena Souza, CPF 529.982.247-25, tel (11) 98765-4321"],
        "general_note": "ligar de novo",
        "reasons": reasons,
        "judicializacao": None if reasons is None else False,
        "status": None,
    }
    return AuditRow({**base, **case}, "export.csv:2", None, version, date_written)


def test_a_record_is_masked_and_keeps_its_provenance_version_and_date():
    record = to_record(_row(["glosas"], "v1", "05/06/2019"), None, load_taxonomy())
    text = " ".join(record.observations)
    assert "529.982.247-25" not in text and "98765-4321" not in text and "Helena" not in text
    assert "<CPF>" in text and "<PHONE>" in text
    assert (record.origin, record.form_id, record.form_version) == ("export.csv:2", "F-1", "v1")
    assert record.form_date == date(2019, 6, 5) and record.labeled


def test_a_form_without_marks_is_unlabeled_not_empty():
    record = to_record(_row(None), "v2", load_taxonomy())
    assert not record.labeled and record.reasons is None and record.judicializacao is None


def test_a_box_the_older_form_does_not_print_is_an_error_not_a_label():
    with pytest.raises(ValueError, match="does not print"):
        to_record(_row(["migracao"], "v1"), None, load_taxonomy())


def test_the_same_text_gets_the_same_fingerprint_whatever_its_spacing_or_personal_data():
    taxonomy = load_taxonomy()
    one = to_record(_row(["glosas"]), None, taxonomy)
    other = to_record(
        _row(
            ["glosas"],
            observations=["Falei  com a Dra. Maria Lima, CPF 111.444.777-35, tel (21) 99876-5432"],
            general_note="ligar de novo",
        ),
        None,
        taxonomy,
    )
    assert one.text_sha256 == other.text_sha256
