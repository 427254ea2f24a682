"""Log lines are JSON, carry the request id, and never carry personal data."""

from __future__ import annotations

import json
import logging

from service.logs import JsonFormatter


def record(message: str, **extra) -> logging.LogRecord:
    entry = logging.makeLogRecord({"name": "motivo.test", "levelno": 20, "levelname": "INFO", "msg": message})
    entry.__dict__.update(extra)
    return entry


def test_personal_data_in_messages_and_errors_is_masked():
    line = json.loads(
        JsonFormatter().format(record("note from 21 98765-4321", error="CPF 529.982.247-25 bad"))
    )
    assert line["message"] == "note from <PHONE>"
    assert line["error"] == "CPF <CPF> bad"


def test_identifiers_are_logged_as_they_are():
    line = json.loads(JsonFormatter().format(record("model loaded", version="20261122-132100", status=200)))
    assert line["version"] == "20261122-132100" and line["status"] == 200


def test_request_lines_carry_the_request_id(client, auth, caplog):
    formatter = JsonFormatter()
    lines = []
    handler = logging.Handler()
    handler.emit = lambda r: lines.append(json.loads(formatter.format(r)))
    logging.getLogger("motivo").addHandler(handler)
    try:
        client.post(
            "/v1/suggest",
            json={"observations": ["tel 21 98765-4321"]},
            headers={**auth, "X-Request-ID": "r-1"},
        )
    finally:
        logging.getLogger("motivo").removeHandler(handler)
    request_line = next(line for line in lines if line["message"] == "request")
    assert request_line["request_id"] == "r-1" and request_line["status"] == 200
    assert "98765" not in json.dumps(lines)
