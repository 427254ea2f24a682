"""CSV files that a spreadsheet opens as data: no cell is read as a formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

# Excel, LibreOffice and Google Sheets start a formula (or a DDE call) with these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would evaluate, prefixed with a quote; numbers are left alone."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose text cells are neutralised."""

    def __init__(self, handle: TextIO):
        self._writer = csv.writer(handle)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(value) for value in row])
