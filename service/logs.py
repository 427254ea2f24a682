"""JSON log lines, each with the request id of the request that wrote it."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from flask import g, has_request_context

from model.masking import mask

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# Extras that can quote what a user wrote or typed (a form number can be a CPF); the others are
# identifiers the service made, codes and numbers.
_FREE_TEXT = {"error", "detail", "form_id", "request_id"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            # Messages and extras may quote user text: mask personal data on the way out.
            "message": mask(record.getMessage()),
        }
        if has_request_context() and "request_id" in g:
            entry["request_id"] = mask(g.request_id)
        for key, value in record.__dict__.items():
            if key not in _STANDARD:
                entry[key] = mask(value) if key in _FREE_TEXT and isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("motivo")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
