"""JSON lines: objects, and every other line named with its problem."""

from __future__ import annotations

from model.jsonl import json_objects


def test_each_non_blank_line_is_an_object_or_a_problem():
    lines = ['{"id": 1}', "", "   ", "[1, 2]", "{broken", '"text"']
    assert list(json_objects(lines)) == [
        (1, {"id": 1}, None),
        (4, None, "not a JSON object but a list"),
        (5, None, "not JSON: Expecting property name enclosed in double quotes at column 2"),
        (6, None, "not a JSON object but a str"),
    ]
