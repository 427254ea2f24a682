"""JSON responses written by orjson (`jsonify`; `dumps`, used by templates, stays the standard library's).

A suggestion is 30 reasons with their evidence: the standard library's encoder took ~6 % of a
`/v1/suggest` request, orjson a fraction of that. The output is the same JSON: keys sorted,
UTF-8 rather than escapes, dates as HTTP dates (Flask's rule), compact unless in debug mode.
What orjson refuses (an integer past 64 bits, a numpy float64) is written by the standard library
as before. One difference: a NaN or infinite number (a metric of a registry manifest may be NaN)
is written `null`, where the standard library wrote `NaN`, which is not JSON and which a
browser's `JSON.parse` refuses.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


class OrjsonProvider(DefaultJSONProvider):
    ensure_ascii = False

    def _encode(self, obj: Any, indent: bool = False) -> bytes | None:
        try:
            return orjson.dumps(
                obj, default=self.default, option=_OPTIONS | (orjson.OPT_INDENT_2 if indent else 0)
            )
        except orjson.JSONEncodeError:
            return None

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        indent = (self.compact is None and self._app.debug) or self.compact is False
        encoded = self._encode(obj, indent)
        if encoded is None:
            return super().response(obj)
        return self._app.response_class(encoded + b"\n", mimetype=self.mimetype)
