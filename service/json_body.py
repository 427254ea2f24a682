"""Reading a request body as a JSON object, within limits: no body gets to a 500 by its shape.

Depth and number size are bounded (400), and strings that no database can store, NUL and
lone UTF-16 surrogates (422 naming the field), are refused before any schema validation.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Request

MAX_DEPTH = 16  # the deepest request schema has 3 levels
MAX_NUMBER_CHARS = 40  # a JSON number literal longer than this is no value any endpoint takes
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # what no database stores: NUL, lone surrogates


class BodyError(ValueError):
    """A body refused before validation: the HTTP status, the message, the field when there is one."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def _number(literal: str) -> str:
    if len(literal) > MAX_NUMBER_CHARS:
        raise BodyError(400, f"body holds a number of {len(literal)} characters; at most {MAX_NUMBER_CHARS}")
    return literal


def _parse_int(literal: str) -> int:
    return int(_number(literal))


def _parse_float(literal: str) -> float:
    return float(_number(literal))


def _constant(name: str) -> None:
    raise BodyError(400, f"body is not JSON: {name} is not a JSON value")


_DECODER = json.JSONDecoder(parse_int=_parse_int, parse_float=_parse_float, parse_constant=_constant)


def _path(parent: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    key = _UNSTORABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", key)  # the path is echoed back
    return f"{parent}.{key}" if parent else key


def _unstorable_problem(value: str) -> str | None:
    # str methods in C, not a regular expression: this runs on every string of every body.
    if "\x00" in value:
        return f"contains a NUL character (\\u0000) at position {value.index(chr(0))}, which cannot be stored"
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as problem:
        code = ord(value[problem.start])
        return (
            f"contains a lone surrogate (\\u{code:04x}) at position {problem.start}, which cannot be stored"
        )
    return None


def _clean(document: Any) -> bool:
    """True when the document is within depth and holds only storable strings (the common case, fast)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _unstorable_problem(value):
                return False
        elif isinstance(value, dict):
            if depth > MAX_DEPTH or any(_unstorable_problem(key) for key in value):
                return False
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            if depth > MAX_DEPTH:
                return False
            stack.extend((child, depth + 1) for child in value)
    return True


def _check_tree(document: Any) -> None:
    """Depth and strings of the whole document, walked without recursion; the error names the field."""
    if _clean(document):
        return
    stack: list[tuple[Any, int, str]] = [(document, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, str):
            problem = _unstorable_problem(value)
            if problem:
                raise BodyError(422, problem, path or "body")
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise BodyError(400, f"body is nested deeper than {MAX_DEPTH} levels (at {path})")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in items:
            child_path = _path(path, key)
            if isinstance(key, str) and (problem := _unstorable_problem(key)):
                raise BodyError(422, f"the key {problem}", child_path)
            stack.append((child, depth + 1, child_path))


def parse_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or BodyError naming why not."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise BodyError(
            400, f"body is not valid UTF-8: byte 0x{raw[problem.start]:02x} at offset {problem.start}"
        ) from None
    try:
        parsed = _DECODER.decode(text)
    except json.JSONDecodeError as problem:
        raise BodyError(
            400, f"body is not JSON: {problem.msg} at line {problem.lineno} column {problem.colno}"
        ) from None
    except RecursionError:
        raise BodyError(400, f"body is nested deeper than {MAX_DEPTH} levels") from None
    if not isinstance(parsed, dict):
        raise BodyError(400, f"body must be a JSON object, not {type(parsed).__name__}")
    _check_tree(parsed)
    return parsed


class _BoundedJson:
    """The `json_module` of requests: bodies are read by `parse_object`, within its limits."""

    @staticmethod
    def loads(data: bytes | str, **_: Any) -> dict[str, Any]:
        return parse_object(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))

    dumps = staticmethod(json.dumps)


class BodyRequest(Request):
    """A request whose JSON body is parsed once, by `parse_object`, and cached for every reader
    (the body check before the endpoint, then the schema validation)."""

    # Flask assigns the app's JSON provider to each request as it starts; request bodies are read
    # by parse_object whatever is assigned (responses still use the app's provider).
    @property
    def json_module(self) -> Any:
        return _BoundedJson

    @json_module.setter
    def json_module(self, _provider: Any) -> None:
        pass

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if isinstance(e, BodyError):
            raise e
        return super().on_json_loading_failed(e)
