"""JSON responses: written by orjson, read as the same JSON the standard library would write."""

import json
from datetime import UTC, datetime

from flask import Flask, jsonify

from service.json_provider import OrjsonProvider


def _app() -> Flask:
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    return app


def test_a_response_is_the_json_of_the_standard_library_with_sorted_keys_and_utf8():
    value = {"z": [1, 2.5, None, True], "a": {"text": "Retenção — não", "n": 0.1234}, 7: "int key"}
    with _app().app_context():
        body = jsonify(value).get_data()
    assert body.endswith(b"\n")
    assert json.loads(body) == json.loads(json.dumps(value))
    assert "Retenção — não".encode() in body  # UTF-8, not \\u escapes
    assert body.index(b'"7"') < body.index(b'"a"') < body.index(b'"z"')


def test_dates_are_http_dates_as_flask_writes_them():
    moment = datetime(2026, 12, 7, 19, 30, tzinfo=UTC)
    with _app().app_context():
        assert json.loads(jsonify({"at": moment}).get_data()) == {"at": "Mon, 07 Dec 2026 19:30:00 GMT"}


def test_what_orjson_refuses_is_written_by_the_standard_library():
    huge = 2**70
    with _app().app_context():
        assert json.loads(jsonify({"n": huge}).get_data()) == {"n": huge}


def test_debug_mode_indents():
    app = _app()
    app.debug = True
    with app.app_context():
        assert b'\n  "a": 1' in jsonify({"a": 1}).get_data()


def test_a_nan_metric_is_written_as_null_which_every_json_parser_reads():
    with _app().app_context():
        body = jsonify({"roc_auc": float("nan"), "recall": float("inf")}).get_data()
    assert json.loads(body) == {"roc_auc": None, "recall": None}
