"""Import institutions or penalties from a file: check every row first, then write all in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from credit import changes, db
from credit.errors import FieldError
from credit.importer.layouts import INSTITUTIONS, OWNER_TYPE_WORDS, SEVERITY_WORDS, SUBJECT_KIND_WORDS
from credit.importer.reader import Sheet, read_sheet
from credit.reasons import Reason
from credit.records.service import check_penalty, insert_penalty
from credit.records.tables import Penalty
from credit.registry.service import check_institution, insert_institution
from credit.registry.tables import Institution

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    column: str
    value: Any
    reason: str


@dataclass
class ImportReport:
    kind: str
    rows: int
    written: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _translate(field_name: str, value: Any) -> Any:
    words = {"owner_type": OWNER_TYPE_WORDS, "subject_kind": SUBJECT_KIND_WORDS, "severity": SEVERITY_WORDS}
    if field_name in words and isinstance(value, str):
        return words[field_name].get(value.strip(), value)
    if field_name in {"uscc", "decision_number", "district_code"} and isinstance(value, (int, float)):
        return str(int(value))  # Excel turns digit-only codes into numbers
    if field_name == "fine_yuan" and isinstance(value, float):
        # A number cell: its shortest repr is what the spreadsheet showed, written out in digits (1e30 too).
        return format(Decimal(repr(value)), "f")
    return value


def _record(sheet: Sheet, cells: list[Any]) -> dict[str, Any]:
    return {
        name: _translate(name, cells[index] if index < len(cells) else None) for name, index in sheet.columns.items()
    }


def _problems(sheet: Sheet, number: int, errors: list[FieldError]) -> list[RowProblem]:
    return [
        RowProblem(
            number,
            sheet.headers.get(e.field, sheet.layout.header_of(e.field)) if e.field in sheet.layout.columns else e.field,
            e.value,
            e.reason,
        )
        for e in errors
    ]


async def import_file(path: Path, actor: str, progress: Progress | None = None) -> ImportReport:
    """Import `path`. Returns the report; when it lists problems nothing was written.

    Raises reader.UnreadableFile when the file cannot be read or has no known header row.
    """
    sheet = read_sheet(path)
    report = ImportReport(kind=sheet.layout.kind, rows=len(sheet.rows))
    is_institutions = sheet.layout is INSTITUTIONS
    key_field = "uscc" if is_institutions else "decision_number"
    seen: dict[str, int] = {}
    checked: list[dict[str, Any]] = []
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        record = _record(sheet, cells)
        if is_institutions:
            clean, check = check_institution(record)
        else:
            clean, check = check_penalty(record, fine_scale=sheet.layout.fine_scale)
        key = clean.get(key_field)
        if key and key in seen:
            check.fail(key_field, Reason("repeated_row", row=seen[key]), key)
        elif key:
            seen[key] = number
        report.problems += _problems(sheet, number, check.errors)
        checked.append({"row": number, **clean})
        if progress:
            progress("checking", done, report.rows)
    report.problems += await _already_stored(sheet, checked, key_field)
    if report.problems:
        report.problems.sort(key=lambda p: p.row)
        return report
    async with db.transaction(), changes.deferred():  # each touched home's public row rebuilt once, at the end
        for done, values in enumerate(checked, start=1):
            values = {k: v for k, v in values.items() if k != "row"}
            if is_institutions:
                await insert_institution(values, actor)
            else:
                await insert_penalty(values, actor)
            if progress:
                progress("writing", done, report.rows)
    report.written = len(checked)
    return report


async def _already_stored(sheet: Sheet, checked: list[dict[str, Any]], key_field: str) -> list[RowProblem]:
    keys = [row[key_field] for row in checked if row.get(key_field)]
    if not keys:
        return []
    table, column = (Institution, Institution.uscc) if key_field == "uscc" else (Penalty, Penalty.decision_number)
    stored: set[str] = set()
    for start in range(0, len(keys), 500):
        query = table.select(column).where(column.is_in(keys[start : start + 500]))
        if table is Penalty:
            query = query.where(Penalty.reporting_agency == "")
        stored |= {r[key_field] for r in await query.run()}
    header = sheet.headers[key_field]
    return [
        RowProblem(row["row"], header, row[key_field], "is already stored")
        for row in checked
        if row.get(key_field) in stored
    ]
