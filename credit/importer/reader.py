"""Read rows from .csv or .xlsx, finding the header row under any title rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from credit.importer.layouts import LAYOUTS, Layout

HEADER_SEARCH_ROWS = 10


class UnreadableFile(Exception):
    """The file is not a readable .csv/.xlsx, or no known header row was found in it."""


@dataclass(frozen=True, slots=True)
class Sheet:
    layout: Layout
    header_row: int  # 1-based row number of the header
    columns: dict[str, int]  # field -> 0-based column index
    headers: dict[str, str]  # field -> the header text as written in the file
    rows: list[tuple[int, list[Any]]]  # (1-based row number, cell values)


def _raw_rows(path: Path) -> Iterator[list[Any]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UnreadableFile("the CSV file is neither UTF-8 nor GB18030 text")
        yield from csv.reader(io.StringIO(text))
    elif suffix in {".xlsx", ".xlsm"}:
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise UnreadableFile(f"cannot open the workbook: {error}") from error
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                yield list(row)
        finally:
            workbook.close()
    else:
        raise UnreadableFile(f"unsupported file type {suffix!r}: use .xlsx or .csv")


def _normalise_header(value: Any) -> str:
    return "" if value is None else str(value).strip().replace(" ", "").replace("\u3000", "")


def _match_layout(cells: list[Any]) -> tuple[Layout, dict[str, int], dict[str, str]] | None:
    headers = [_normalise_header(c) for c in cells]
    for layout in LAYOUTS:
        columns, written = {}, {}
        for field, spellings in layout.columns.items():
            for index, header in enumerate(headers):
                if header in spellings:
                    columns[field], written[field] = index, header
                    break
        if all(field in columns for field in layout.required_headers):
            return layout, columns, written
    return None


def read_sheet(path: Path) -> Sheet:
    """Read the file's first sheet. Raises UnreadableFile with a plain reason."""
    if not path.exists():
        raise UnreadableFile(f"{path} does not exist")
    rows = _raw_rows(path)
    for number, cells in enumerate(rows, start=1):
        match = _match_layout(cells)
        if match:
            layout, columns, headers = match
            body = [(n, r) for n, r in enumerate(rows, start=number + 1) if any(c not in (None, "") for c in r)]
            return Sheet(layout, number, columns, headers, body)
        if number >= HEADER_SEARCH_ROWS:
            break
    known = " / ".join(
        f"{layout.kind}: {', '.join(layout.header_of(f) for f in layout.required_headers)}" for layout in LAYOUTS
    )
    raise UnreadableFile(f"no header row found in the first {HEADER_SEARCH_ROWS} rows (expected {known})")
