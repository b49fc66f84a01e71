"""Read-only listing queries for the regulator workspace (no writes, so they can run on a read replica)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count

from credit.listings.rules import STATES
from credit.listings.tables import ListingEntry
from credit.search.match import institution_of_row_matches
from credit.timeutil import today

OBJECTION_WARNING_DAYS = 5


async def objection_windows_closing(
    district: str = "", within_days: int = OBJECTION_WARNING_DAYS, on: date | None = None
) -> list[dict[str, Any]]:
    """Notified entries whose objection deadline falls within the next `within_days` days (today included),
    soonest first: {id, institution, institution_name, district_code, behaviour, objection_deadline,
    objection_deadline_confirmed}. `district` limits them to one district's institutions."""
    on = on or today()
    query = ListingEntry.select(
        ListingEntry.id,
        ListingEntry.institution,
        ListingEntry.institution.name.as_alias("institution_name"),
        ListingEntry.institution.district_code.as_alias("district_code"),
        ListingEntry.behaviour,
        ListingEntry.objection_deadline,
        ListingEntry.objection_deadline_confirmed,
    ).where(
        (ListingEntry.status == "notified")
        & (ListingEntry.objection_deadline >= on)
        & (ListingEntry.objection_deadline <= on + timedelta(days=within_days))
    )
    if district:
        query = query.where(ListingEntry.institution.district_code == district)
    return await query.order_by(ListingEntry.objection_deadline).order_by(ListingEntry.id).run()


async def calendar_holds(district: str = "", on: date | None = None) -> list[dict[str, Any]]:
    """Entries the official calendar holds up, oldest deadline first: notified entries past a deadline counted
    without the year's holiday notice (the list waits), and listed entries flagged for review because the
    notice moved the deadline later (reopened window still running). Each: {id, institution,
    institution_name, district_code, behaviour, status, objection_deadline, calendar_review_until}."""
    on = on or today()
    query = ListingEntry.select(
        ListingEntry.id,
        ListingEntry.institution,
        ListingEntry.institution.name.as_alias("institution_name"),
        ListingEntry.institution.district_code.as_alias("district_code"),
        ListingEntry.behaviour,
        ListingEntry.status,
        ListingEntry.objection_deadline,
        ListingEntry.calendar_review_until,
    ).where(
        (
            (ListingEntry.status == "notified")
            & ListingEntry.objection_deadline_confirmed.eq(False)
            & (ListingEntry.objection_deadline < on)
        )
        | ((ListingEntry.status == "listed") & (ListingEntry.calendar_review_until >= on))
    )
    if district:
        query = query.where(ListingEntry.institution.district_code == district)
    return await query.order_by(ListingEntry.objection_deadline).order_by(ListingEntry.id).run()


async def count_listed(district: str = "") -> int:
    """How many entries are on the list now (status "listed")."""
    query = ListingEntry.count().where(ListingEntry.status == "listed")
    if district:
        query = query.where(ListingEntry.institution.district_code == district)
    return await query.run()


ENTRY_PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class EntryPage:
    items: list[dict[str, Any]]
    total: int
    page: int
    page_size: int


def _entry_filters(district: str, behaviour: str, q: str) -> list[Any]:
    where = []
    if district:
        where.append(ListingEntry.institution.district_code == district)
    if behaviour:
        where.append(ListingEntry.behaviour == behaviour)
    if q.strip():
        where.append(institution_of_row_matches(q, ListingEntry._meta.tablename))
    return where


async def search_entries(
    status: str = "",
    behaviour: str = "",
    q: str = "",
    district: str = "",
    page: int = 1,
    page_size: int = ENTRY_PAGE_SIZE,
) -> EntryPage:
    """List entries matching every given filter (`q`: part of the institution's name or the start of its
    USCC; `district`: one district's institutions), newest first, one page of them, with the total.
    Items: {id, subject_kind, institution, institution_name, uscc, district_code, practitioner_name, behaviour,
    status, proposed_on, notified_on, objection_deadline, objection_deadline_confirmed, listed_on, expires_on,
    removed_on}."""
    where = _entry_filters(district, behaviour, q)
    if status:
        where.append(ListingEntry.status == status)
    query = ListingEntry.select(
        ListingEntry.id,
        ListingEntry.subject_kind,
        ListingEntry.institution,
        ListingEntry.institution.name.as_alias("institution_name"),
        ListingEntry.institution.uscc.as_alias("uscc"),
        ListingEntry.institution.district_code.as_alias("district_code"),
        ListingEntry.practitioner.name.as_alias("practitioner_name"),
        ListingEntry.behaviour,
        ListingEntry.status,
        ListingEntry.proposed_on,
        ListingEntry.notified_on,
        ListingEntry.objection_deadline,
        ListingEntry.objection_deadline_confirmed,
        ListingEntry.listed_on,
        ListingEntry.expires_on,
        ListingEntry.removed_on,
    )
    count = ListingEntry.count()
    for condition in where:
        query, count = query.where(condition), count.where(condition)
    page = max(page, 1)
    rows = await query.order_by(ListingEntry.id, ascending=False).limit(page_size).offset((page - 1) * page_size).run()
    return EntryPage(rows, await count.run(), page, page_size)


async def count_entries_by_state(behaviour: str = "", q: str = "", district: str = "") -> dict[str, int]:
    """How many entries are in each state (every state named, zero included), under the same filters as
    `search_entries` except the state."""
    query = ListingEntry.select(ListingEntry.status, Count(ListingEntry.id, alias="n")).group_by(ListingEntry.status)
    for condition in _entry_filters(district, behaviour, q):
        query = query.where(condition)
    found = {row["status"]: row["n"] for row in await query.run()}
    return {state: found.get(state, 0) for state in STATES}
