"""The one CSV writer of the system: every CSV we hand out goes through it.

A spreadsheet program runs a cell that starts with =, +, -, @, a tab or a carriage return as a formula
(CSV formula injection). Such a cell is written with a leading apostrophe, which spreadsheets show as text;
the value a reader sees is otherwise unchanged. Files are UTF-8 with a BOM so Excel reads the Chinese.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: Any) -> str:
    """The cell's text, with a leading ' when it would otherwise start a formula (None is empty)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class SafeCsv:
    """Rows in, CSV text out, one row at a time (for streaming)."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer)

    def row(self, cells: Iterable[Any]) -> str:
        """Write one row and return its CSV text."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow([safe_cell(c) for c in cells])
        return self._buffer.getvalue()


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]], bom: bool = True) -> str:
    """A whole CSV file as text: the header row, then every row, each cell through safe_cell."""
    writer = SafeCsv()
    parts = [BOM] if bom else []
    parts.append(writer.row(header))
    parts += [writer.row(r) for r in rows]
    return "".join(parts)
