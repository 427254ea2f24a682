"""Personal data sent to the service, in many spellings, is in neither the database nor the logs."""

from __future__ import annotations

import json
import logging
import re
import uuid

from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from service import db
from service.logs import JsonFormatter
from tests.pii import personal_data


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _survives(value: str, text: str) -> bool:
    """The value, or (for a number) its digits, or (for an address) its user name, is in `text`."""
    if re.search(r"[A-Za-z]", value):  # an e-mail address (the numbers have no letters)
        user = re.split(r"[\s(\[@]", value, maxsplit=1)[0].lower()
        return user in text.lower()
    digits = _digits(value)
    return value in text or digits in text or digits in _digits_only_runs(text)


def _without_made_up_fields(line: str) -> str:
    """A log line without the fields the service makes up itself: its clock and, when the
    client's id looked like personal data, a fresh random hex id, in which a short e-mail user
    name ("a000") can turn up by chance. The client's own id is checked on the whole line."""
    record = json.loads(line)
    record.pop("time", None)
    if re.fullmatch(r"[0-9a-f]{32}", str(record.get("request_id", ""))):
        del record["request_id"]
    return json.dumps(record, ensure_ascii=False)


def _digits_only_runs(text: str) -> str:
    # Digits split by invisible or space characters, joined: what a reader of the log would see.
    return " ".join(
        re.sub(r"[\s\u200b\u2060.\-]", "", run) for run in re.findall(r"[\d\s\u200b\u2060.\-]{8,}", text)
    )


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=personal_data, general=personal_data, request_id=personal_data.map(_digits))
def test_confirmed_personal_data_is_stored_and_logged_masked(app, client, auth, note, general, request_id):
    form_id = f"F-{uuid.uuid4().hex[:12]}"
    lines: list[str] = []
    formatter = JsonFormatter()
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(formatter.format(record))
    logging.getLogger("motivo").addHandler(handler)
    try:
        response = client.post(
            "/v1/confirmations",
            json={
                "form_id": form_id,
                "observations": [f"Dentista informou o contato {note} e vai se descredenciar"],
                "general_note": f"Retornar para {general} amanhã",
                "suggested": {"model_version": "v", "reasons": ["valores"], "judicializacao": False},
                "confirmed": {"reasons": ["valores"], "judicializacao": False, "status": "desligamento"},
            },
            headers={**auth, "X-Request-ID": request_id},
        )
    finally:
        logging.getLogger("motivo").removeHandler(handler)
    assert response.status_code == 201, response.get_json()
    with app.extensions["motivo"].engine.connect() as connection:
        row = connection.execute(select(db.confirmations).where(db.confirmations.c.form_id == form_id)).one()
    stored = json.dumps([str(v) for v in row], ensure_ascii=False)
    assert "<" in stored
    for value in (note, general):
        assert not _survives(value, stored), (value, stored)
        for line in lines:
            assert not _survives(value, _without_made_up_fields(line)), (value, line)
    assert response.headers["X-Request-ID"] != request_id or len(request_id) < 8
    for line in lines:
        assert len(request_id) < 8 or request_id not in line, line
