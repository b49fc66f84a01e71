"""Scheduled list work: close objection windows, expire listings, confirm dates, detect behaviour 4."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from piccolo.columns import Column

from credit import db
from credit.accounts.roles import Principal
from credit.accounts.system import system_principal
from credit.audit import service as audit
from credit.errors import IllegalTransition, ProcedureRefused
from credit.listings import rules, service
from credit.listings.behaviours import BEHAVIOURS, COURT_DEBTOR, FIRE_HAZARD
from credit.listings.schemas import DetectedProposal
from credit.listings.tables import ListingEntry
from credit.records.tables import MajorHazard

FIRE_CATEGORY = "fire"  # 重大火灾隐患: the only hazard that is listing behaviour 4


@dataclass(frozen=True, slots=True)
class Waiting:
    """An entry whose objection deadline is a guess (no holiday notice for its year yet): not listed."""

    id: int
    deadline: date
    lists_from: date  # if the notice has still not arrived by then


@dataclass
class AdvanceResult:
    listed: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    confirmed: list[int] = field(default_factory=list)
    proposed: list[int] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)  # listed too early by the real calendar: under review


async def advance_list(on: date, by: Principal | None = None) -> AdvanceResult:
    """Bring every entry up to date on `on`; each entry moves in its own transaction.

    Never lists on an unconfirmed deadline: such an entry waits (result.waiting) until its year's data
    confirms the deadline or the policy's margin of further working days has passed.
    """
    by = by or system_principal("scheduler")
    result = AdvanceResult()
    await recompute_deadlines(on, result, by)
    closing = (
        await ListingEntry.select()
        .where((ListingEntry.status == rules.NOTIFIED) & (ListingEntry.objection_deadline < on))
        .order_by(ListingEntry.id)
        .run()
    )
    for entry in closing:
        listed_on = rules.list_from(
            entry["objection_deadline"], entry["objection_deadline_confirmed"], entry["notified_on"], service.calendar()
        )
        if listed_on > on:
            result.waiting.append(Waiting(entry["id"], entry["objection_deadline"], listed_on))
            continue
        why = "objection window closed without objection" + (
            ""
            if entry["objection_deadline_confirmed"]
            else " (deadline counted without the year's holiday notice; listed after the policy's margin)"
        )
        async with db.transaction():
            try:
                await service.move(
                    entry, rules.LISTED, listed_on, by, why, **rules.listing_dates(listed_on, entry["behaviour"])
                )
                result.listed.append(entry["id"])
            except IllegalTransition:
                continue  # a person moved it meanwhile
    expiring = (
        await ListingEntry.select()
        .where(
            (ListingEntry.status == rules.LISTED)
            & (ListingEntry.expires_on <= on)
            & (ListingEntry.behaviour != COURT_DEBTOR)
        )
        .run()
    )  # a court's designation ends with the court's removal
    for entry in expiring:
        async with db.transaction():
            try:
                await service.move(
                    entry,
                    rules.REMOVED,
                    entry["expires_on"],
                    by,
                    "listing period ended",
                    removed_on=entry["expires_on"],
                    removal_reason="expired",
                )
                result.expired.append(entry["id"])
            except IllegalTransition:
                continue
    return result


async def recompute_deadlines(
    on: date, result: AdvanceResult | None = None, by: Principal | None = None
) -> AdvanceResult:
    """Recompute deadlines counted without official calendar data, once the data is there.

    An entry not yet listed gets the real deadline. An entry already listed on or before the real deadline
    (the notice moved it later) is flagged for a regulator's review: its objection window is reopened, from
    `on`, for the working days the subject lost, and the entry shows so until then.
    """
    result = result or AdvanceResult()
    by = by or system_principal("scheduler")
    calendar = service.calendar()
    unconfirmed = (
        await ListingEntry.select()
        .where(
            ListingEntry.status.is_in([rules.NOTIFIED, rules.OBJECTED, rules.LISTED])
            & ListingEntry.objection_deadline_confirmed.eq(False)
        )
        .order_by(ListingEntry.id)
        .run()
    )
    for entry in unconfirmed:
        deadline = rules.objection_deadline(entry["notified_on"], calendar)
        if not deadline.confirmed:
            continue
        values: dict[Column | str, Any] = {
            ListingEntry.objection_deadline: deadline.day,
            ListingEntry.objection_deadline_confirmed: True,
        }
        listed_early = entry["status"] == rules.LISTED and entry["listed_on"] <= deadline.day
        if listed_early:
            lost = calendar.working_days_between(entry["listed_on"] - timedelta(days=1), deadline.day)
            until = calendar.add_working_days(on, lost).day
            note = (
                f"listed on {entry['listed_on']} before the objection deadline of the official calendar "
                f"({deadline.day}, counted at first as {entry['objection_deadline']}); the objection window "
                f"is reopened for the {lost} working day(s) lost, until {until}"
            )
            values |= {ListingEntry.calendar_review_until: until, ListingEntry.calendar_review_note: note}
        async with db.transaction():
            updated = (
                await ListingEntry.update(values)
                .where((ListingEntry.id == entry["id"]) & (ListingEntry.version == entry["version"]))
                .returning(ListingEntry.id)
                .run()
            )
            if not updated:
                continue  # a person moved it meanwhile; the next run sees it again
            await audit.record(
                by.username,
                "listing.deadline_recomputed",
                "listing",
                entry["id"],
                {"was": entry["objection_deadline"], "now": deadline.day, "flagged": listed_early},
            )
        (result.flagged if listed_early else result.confirmed).append(entry["id"])
    return result


async def detect_unrectified_fire_hazards(on: date) -> list[int]:
    """Propose behaviour 4 for each institution with a major **fire** hazard (重大火灾隐患, category `fire`)
    past its rectify-by date, for a regulator to confirm. Other major accident hazards (a missing licence,
    a management failure) are not behaviour 4 and propose nothing. Returns the new entries' ids."""
    overdue = (
        await MajorHazard.select(
            MajorHazard.id, MajorHazard.institution, MajorHazard.rectify_by, MajorHazard.description
        )
        .where(
            MajorHazard.rectified_on.is_null() & (MajorHazard.rectify_by < on) & (MajorHazard.category == FIRE_CATEGORY)
        )
        .run()
    )
    proposed = []
    by = system_principal("fire-hazard-check")
    for institution_id in sorted({h["institution"] for h in overdue}):
        hazards = [h for h in overdue if h["institution"] == institution_id]
        facts = "；".join(
            f"重大火灾隐患（{h['description'] or h['id']}）应于{h['rectify_by']}前整改，逾期未整改" for h in hazards
        )
        try:
            entry = await service.propose_detected(
                DetectedProposal(
                    institution_id=institution_id, facts=facts, basis=BEHAVIOURS[FIRE_HAZARD].citation, on=on
                ),
                by,
            )
        except ProcedureRefused:
            continue  # already has an active behaviour-4 entry
        proposed.append(entry["id"])
    return proposed
