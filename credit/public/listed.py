"""The public joint-punishment list: only entries in force, persons masked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credit.db import read
from credit.identifiers import mask_free_text, mask_name
from credit.listings.tables import BEHAVIOURS, LISTED, REMOVED, ListingBasis, ListingEntry
from credit.public.view import public_decision_numbers, public_entry
from credit.timeutil import today

PAGE_SIZE = 50
# The header of the public list as CSV (the portal's /listings.csv; credit.opendata describes its columns).
CSV_HEADER = (
    "机构名称 institution",
    "统一社会信用代码 uscc",
    "列入对象 subject",
    "失信行为 behaviour",
    "依据 basis",
    "列入日期 listed on",
    "到期日期 expires on",
)


@dataclass(frozen=True, slots=True)
class ListPage:
    items: list[dict[str, Any]]
    total: int
    page: int


async def listed_entries(
    page: int = 1,
    page_size: int = PAGE_SIZE,
    after_id: int | None = None,
    institution_id: int | None = None,
    institution_ids: list[int] | None = None,
    on=None,
) -> list[dict[str, Any]]:
    """Entries in state listed with their subject and basis, in three queries whatever the page size.

    Ordered most recently listed first, or by id after `after_id` when walking the whole list;
    `institution_id` keeps one institution's entries (itself or its people). The basis penalties are named
    only while they are public themselves (credit.public.view); the basis text is masked.
    """
    query = _entries().where(ListingEntry.status == LISTED)
    if institution_id is not None:
        query = query.where(ListingEntry.institution == institution_id)
    if institution_ids is not None:
        query = query.where(ListingEntry.institution.is_in(institution_ids or [0]))
    if after_id is not None:
        query = query.where(ListingEntry.id > after_id).order_by(ListingEntry.id)
    else:
        query = (
            query.order_by(ListingEntry.listed_on, ascending=False)
            .order_by(ListingEntry.id)
            .offset((page - 1) * page_size)
        )
    return await _public_rows(await read(query.limit(page_size)), on or today())


async def removed_entries(limit: int = PAGE_SIZE, institution_id: int | None = None, on=None) -> list[dict[str, Any]]:
    """Entries removed from the list, most recently removed first (`institution_id`: one institution's,
    itself or its people). A removal is public as an event (it leaves the list and the pages, and the feeds
    say so); nothing of an entry that was never listed is. Same public form as listed_entries."""
    query = _entries().where((ListingEntry.status == REMOVED) & ListingEntry.listed_on.is_not_null())
    if institution_id is not None:
        query = query.where(ListingEntry.institution == institution_id)
    query = query.order_by(ListingEntry.removed_on, ascending=False).order_by(ListingEntry.id, ascending=False)
    return await _public_rows(await read(query.limit(limit)), on or today())


def _entries():
    """The columns of an entry the public form is made of (subject, behaviour, dates, basis)."""
    return ListingEntry.select(
        ListingEntry.id,
        ListingEntry.subject_kind,
        ListingEntry.institution,
        ListingEntry.behaviour,
        ListingEntry.status,
        ListingEntry.listed_on,
        ListingEntry.expires_on,
        ListingEntry.removed_on,
        ListingEntry.removal_reason,
        ListingEntry.basis,
        ListingEntry.institution.uscc.as_alias("uscc"),
        ListingEntry.institution.name.as_alias("institution_name"),
        ListingEntry.practitioner.name.as_alias("practitioner_full_name"),
        ListingEntry.practitioner.id_masked.as_alias("practitioner_id_masked"),
    )


async def _public_rows(rows: list[dict[str, Any]], on) -> list[dict[str, Any]]:
    """The rows in public form: basis penalties named only while public themselves, basis text and persons
    masked."""
    numbers: dict[int, list[str]] = {r["id"]: [] for r in rows}
    if rows:
        links = await read(
            ListingBasis.select(ListingBasis.entry, ListingBasis.penalty)
            .where(ListingBasis.entry.is_in(list(numbers)))
            .order_by(ListingBasis.id)
        )
        public = await public_decision_numbers([link["penalty"] for link in links], on)
        for link in links:
            if link["penalty"] in public:
                numbers[link["entry"]].append(public[link["penalty"]])
    for row in rows:
        row["basis"] = mask_free_text(row["basis"] or "")
        row["practitioner_name"] = mask_name(row.pop("practitioner_full_name") or "")
        row["practitioner_id_masked"] = row["practitioner_id_masked"] or ""
        row["behaviour_label"] = BEHAVIOURS[row["behaviour"]][0]
        row["penalty_numbers"] = numbers[row["id"]]
    return rows


async def current_list(page: int = 1, page_size: int = PAGE_SIZE) -> ListPage:
    """One page of the entries in force, as the public sees them."""
    rows = await listed_entries(page, page_size)
    total = await read(ListingEntry.count().where(ListingEntry.status == LISTED))
    return ListPage([public_entry(r) for r in rows], total, page)
