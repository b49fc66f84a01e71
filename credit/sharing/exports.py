"""Bulk exports of the current list and the active penalties, streamed batch by batch (CSV or JSON Lines)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import date
from decimal import Decimal
from typing import Any

from credit.csv_safe import BOM, SafeCsv
from credit.importer.layouts import PENALTIES
from credit.public.listed import listed_entries
from credit.public.queries import documents_of_day
from credit.public.view import counts_publicly, public_entry, public_form
from credit.records.tables import Penalty
from scoring import policy_for

BATCH = 1000
WAN = Decimal(10000)
LISTING_COLUMNS = (
    "id",
    "uscc",
    "institution_name",
    "subject_kind",
    "practitioner_name",
    "behaviour",
    "behaviour_label",
    "status",
    "listed_on",
    "expires_on",
    "basis",
    "penalty_numbers",
)


async def listing_rows(masked: bool) -> AsyncIterator[dict[str, Any]]:
    last_id = 0
    while True:
        rows = await listed_entries(page_size=BATCH, after_id=last_id)
        if not rows:
            return
        last_id = rows[-1]["id"]
        for row in rows:
            out = public_entry(row)
            if not masked:
                out["practitioner_id_masked"] = row["practitioner_id_masked"]
            yield out


async def active_penalty_rows(masked: bool, on: date) -> AsyncIterator[dict[str, Any]]:
    """The penalties the public sees on `on` (credit.public.view), in their public form. The public export
    reads them from the public projection (the profile documents of the day, home by home, newest decision
    first), so it cannot disagree with the profiles; agencies also get the persons' names unmasked (ID and
    mobile numbers in the free text stay masked for them too), read through the public view, in id order."""
    if masked:
        async for doc in documents_of_day(on, BATCH):
            for shown in doc["penalties"]:
                yield {k: v for k, v in shown.items() if k != "repair"}
        return
    policy = policy_for(on)
    last_id = 0
    while True:
        rows = (
            await Penalty.select()
            .where((Penalty.id > last_id) & Penalty.revoked.eq(False) & Penalty.retired_on.is_null())
            .order_by(Penalty.id)
            .limit(BATCH)
            .run()
        )
        if not rows:
            return
        last_id = rows[-1]["id"]
        for row in rows:
            if counts_publicly(row, on, policy):
                out = public_form(row, policy)
                if not masked:
                    out.update(subject_name=row["subject_name"], legal_representative=row["legal_representative"])
                yield out


async def as_jsonl(rows: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    async for row in rows:
        yield (json.dumps(row, ensure_ascii=False, default=str) + "\n").encode()


async def as_csv(
    rows: AsyncIterator[dict[str, Any]], header: list[str], cells: Callable[[dict[str, Any]], list[Any]]
) -> AsyncIterator[bytes]:
    """UTF-8 with a BOM, so Excel opens the Chinese text correctly; cells through the shared safe writer."""
    writer = SafeCsv()
    yield (BOM + writer.row(header)).encode()
    async for row in rows:
        yield writer.row(cells(row)).encode()


def listing_csv(rows: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    return as_csv(
        rows,
        list(LISTING_COLUMNS),
        lambda r: [";".join(r[c]) if c == "penalty_numbers" else r[c] for c in LISTING_COLUMNS],
    )


PENALTY_CSV_FIELDS = (
    "subject_name",
    "subject_kind",
    "uscc",
    "legal_representative",
    "decision_number",
    "violation_type",
    "facts",
    "legal_basis",
    "penalty_kind",
    "content",
    "fine_yuan",
    "decision_date",
    "publication_end",
    "deciding_agency",
    "source_agency",
    "severity",
)


def penalty_csv(rows: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    """The 双公示 column layout; the fine goes back into ¥10,000 (万元), exactly."""

    def cells(row: dict[str, Any]) -> list[Any]:
        values = []
        for field_name in PENALTY_CSV_FIELDS:
            value = row.get(field_name)
            if field_name == "fine_yuan" and value is not None:
                value = (Decimal(value) / WAN).normalize()
                value = format(value, "f")
            values.append(value)
        return values

    return as_csv(rows, [PENALTIES.header_of(f) for f in PENALTY_CSV_FIELDS], cells)
