"""Read-only listing queries for the regulator workspace (no writes, so they can run on a read replica)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from credit.listings.tables import ListingEntry
from credit.timeutil import today

OBJECTION_WARNING_DAYS = 5


async def objection_windows_closing(district: str = "", within_days: int = OBJECTION_WARNING_DAYS,
                                    on: date | None = None) -> list[dict[str, Any]]:
    """Notified entries whose objection deadline falls within the next `within_days` days (today included),
    soonest first: {id, institution, institution_name, district_code, behaviour, objection_deadline,
    objection_deadline_confirmed}. `district` limits them to one district's institutions."""
    on = on or today()
    query = ListingEntry.select(
        ListingEntry.id, ListingEntry.institution, ListingEntry.institution.name.as_alias("institution_name"),
        ListingEntry.institution.district_code.as_alias("district_code"), ListingEntry.behaviour,
        ListingEntry.objection_deadline, ListingEntry.objection_deadline_confirmed,
    ).where((ListingEntry.status == "notified") & (ListingEntry.objection_deadline >= on)
            & (ListingEntry.objection_deadline <= on + timedelta(days=within_days)))
    if district:
        query = query.where(ListingEntry.institution.district_code == district)
    return await query.order_by(ListingEntry.objection_deadline).order_by(ListingEntry.id).run()


async def count_listed(district: str = "") -> int:
    """How many entries are on the list now (status "listed")."""
    query = ListingEntry.count().where(ListingEntry.status == "listed")
    if district:
        query = query.where(ListingEntry.institution.district_code == district)
    return await query.run()
