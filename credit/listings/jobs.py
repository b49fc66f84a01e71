"""Scheduled list work: close objection windows, expire listings, confirm dates, detect behaviour 4."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from credit import db
from credit.accounts.roles import Principal
from credit.accounts.system import system_principal
from credit.errors import IllegalTransition, ProcedureRefused
from credit.listings import rules, service
from credit.listings.behaviours import BEHAVIOURS, FIRE_HAZARD
from credit.listings.tables import ListingEntry
from credit.records.tables import MajorHazard

FIRE_CATEGORY = "fire"  # 重大火灾隐患: the only hazard that is listing behaviour 4


@dataclass
class AdvanceResult:
    listed: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    confirmed: list[int] = field(default_factory=list)
    proposed: list[int] = field(default_factory=list)


async def advance_list(on: date, by: Principal | None = None) -> AdvanceResult:
    """Bring every entry up to date on `on`; each entry moves in its own transaction."""
    by = by or system_principal("scheduler")
    result = AdvanceResult()
    await _confirm_deadlines(result)
    closing = await ListingEntry.select().where(  # never list on an unconfirmed (guessed) deadline
        (ListingEntry.status == rules.NOTIFIED) & (ListingEntry.objection_deadline < on)
        & (ListingEntry.objection_deadline_confirmed == True)).run()  # noqa: E712
    for entry in closing:
        listed_on = entry["objection_deadline"] + timedelta(days=1)
        async with db.transaction():
            try:
                await service.move(entry, rules.LISTED, listed_on, by, "objection window closed without objection",
                                    **rules.listing_dates(listed_on))
                result.listed.append(entry["id"])
            except IllegalTransition:
                continue  # a person moved it meanwhile
    expiring = await ListingEntry.select().where((ListingEntry.status == rules.LISTED)
                                                 & (ListingEntry.expires_on <= on)).run()
    for entry in expiring:
        async with db.transaction():
            try:
                await service.move(entry, rules.REMOVED, entry["expires_on"], by, "listing period ended",
                                    removed_on=entry["expires_on"], removal_reason="expired")
                result.expired.append(entry["id"])
            except IllegalTransition:
                continue
    return result


async def _confirm_deadlines(result: AdvanceResult) -> None:
    """Recompute deadlines counted without official calendar data, once the data is there."""
    unconfirmed = await ListingEntry.select().where((ListingEntry.status == rules.NOTIFIED)
                                                    & (ListingEntry.objection_deadline_confirmed == False)).run()  # noqa: E712
    for entry in unconfirmed:
        deadline = rules.objection_deadline(entry["notified_on"], service.calendar())
        if deadline.confirmed:
            await ListingEntry.update({ListingEntry.objection_deadline: deadline.day,
                                       ListingEntry.objection_deadline_confirmed: True}).where(
                ListingEntry.id == entry["id"]).run()
            result.confirmed.append(entry["id"])


async def detect_unrectified_fire_hazards(on: date) -> list[int]:
    """Propose behaviour 4 for each institution with a major **fire** hazard (重大火灾隐患, category `fire`)
    past its rectify-by date, for a regulator to confirm. Other major accident hazards (a missing licence,
    a management failure) are not behaviour 4 and propose nothing. Returns the new entries' ids."""
    overdue = await MajorHazard.select(MajorHazard.id, MajorHazard.institution, MajorHazard.rectify_by,
                                       MajorHazard.description).where(
        MajorHazard.rectified_on.is_null() & (MajorHazard.rectify_by < on)
        & (MajorHazard.category == FIRE_CATEGORY)).run()
    proposed = []
    by = system_principal("fire-hazard-check")
    for institution_id in sorted({h["institution"] for h in overdue}):
        hazards = [h for h in overdue if h["institution"] == institution_id]
        facts = "；".join(f"重大火灾隐患（{h['description'] or h['id']}）应于{h['rectify_by']}前整改，逾期未整改"
                         for h in hazards)
        try:
            entry = await service.propose_detected({
                "institution_id": institution_id, "facts": facts,
                "basis": BEHAVIOURS[FIRE_HAZARD].citation, "on": on.isoformat()}, by)
        except ProcedureRefused:
            continue  # already has an active behaviour-4 entry
        proposed.append(entry["id"])
    return proposed
