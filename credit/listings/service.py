"""The joint-punishment list procedure: one service function per transition, one transaction each."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from credit import db
from credit.accounts.roles import AGENCY, AGENCY_OFFICER, Principal, require_scope

AGENCY_ROLES = (AGENCY_OFFICER, AGENCY)
from credit.audit import service as audit
from credit.errors import FieldError, Forbidden, IllegalTransition, NotFound, ProcedureRefused, ValidationFailed
from credit.listings import rules
from credit.listings.calendar import WorkingCalendar
from credit.listings.tables import ListingBasis, ListingEntry, ListingTransition, RemovalApplication
from credit.records.tables import Penalty
from credit.registry.tables import Institution, Practitioner
from credit.sharing import feed
from credit.sharing.tables import Agency
from credit.timeutil import now_utc, today
from credit.validation import Checker

CIVIL_AFFAIRS = "civil_affairs"


_calendar: WorkingCalendar | None = None


def calendar() -> WorkingCalendar:
    global _calendar
    if _calendar is None:
        _calendar = WorkingCalendar()
    return _calendar


def _on(check: Checker) -> date:
    """The day a step happens: `on` if given (never in the future), else today."""
    return check.day("on", required=False, not_after=today()) or today()


async def _entry(entry_id: int) -> dict[str, Any]:
    row = await ListingEntry.select().where(ListingEntry.id == entry_id).first().run()
    if row is None:
        raise NotFound(f"list entry {entry_id}")
    return row


async def _entry_in_scope(entry_id: int, by: Principal) -> dict[str, Any]:
    """Civil-affairs decisions: regulators in the subject's district (agency officers only propose)."""
    row = await _entry(entry_id)
    if by.role in AGENCY_ROLES:
        raise Forbidden("civil affairs decides on the list; agencies propose through their penalty reports")
    institution = await Institution.select(Institution.district_code).where(
        Institution.id == row["institution"]).first().run()
    require_scope(by, institution["district_code"])
    return row


async def move(entry: dict[str, Any], to: str, on: date, by: Principal, reason: str = "",
                **values: Any) -> dict[str, Any]:
    """Move `entry` to state `to` if it is still in the state and version read; record step, event and audit.

    Must run inside the caller's transaction. Raises IllegalTransition naming the current state when the
    move is not allowed, or when a concurrent step changed the entry first.
    """
    if to not in rules.TRANSITIONS[entry["status"]]:
        raise IllegalTransition(entry["id"], entry["status"], to)
    updated = await ListingEntry.update({
        ListingEntry.status: to, ListingEntry.version: entry["version"] + 1, ListingEntry.updated_at: now_utc(),
        **{getattr(ListingEntry, k): v for k, v in values.items()},
    }).where((ListingEntry.id == entry["id"]) & (ListingEntry.status == entry["status"])
             & (ListingEntry.version == entry["version"])).returning(ListingEntry.id).run()
    if not updated:
        current = await _entry(entry["id"])
        raise IllegalTransition(entry["id"], current["status"], to)
    await ListingTransition(entry=entry["id"], from_status=entry["status"], to_status=to, on=on,
                            actor=by.username, reason=reason, at=now_utc()).save().run()
    await Institution.update({Institution.needs_rescore: True}).where(Institution.id == entry["institution"]).run()
    after = await entry_detail(entry["id"])
    await feed.emit("listing", to, entry["id"], public_entry(after))
    await audit.record(by.username, f"listing.{to}", "listing", entry["id"],
                       {"from": entry["status"], "to": to, "on": on, "reason": reason, **values})
    return after


async def propose(data: Mapping[str, Any], by: Principal) -> dict[str, Any]:
    """Propose a subject for the list (proposed), or for a court's dishonest-debtor designation, straight
    to notified.

    `data`: institution_id, optional practitioner_id, behaviour ("1".."9" | "court_debtor"), penalty_ids
    (the basis; required except for behaviour 4 detected from a hazard and court designations), facts, basis.
    Returns the entry. Raises ValidationFailed, NotFound, Forbidden, or ProcedureRefused when the subject
    already has an active entry for the behaviour.
    """
    check = Checker(data)
    behaviour = check.choice("behaviour", rules.BEHAVIOURS)
    facts = check.text("facts", max_length=4000)
    basis = check.text("basis", max_length=2000)
    institution_id = check.integer("institution_id", minimum=1)
    practitioner_id = check.integer("practitioner_id", minimum=1, required=False)
    penalty_ids = data.get("penalty_ids") or []
    if not isinstance(penalty_ids, list) or not all(isinstance(p, int) for p in penalty_ids):
        check.fail("penalty_ids", "must be a list of penalty ids", penalty_ids)
        penalty_ids = []
    if behaviour and behaviour not in ("4", "court_debtor") and not penalty_ids and not data.get("auto_detected"):
        check.fail("penalty_ids", "name at least one penalty decision behind the entry")
    on = _on(check)
    check.done()
    async with db.transaction():
        institution = await Institution.select().where(Institution.id == institution_id).first().run()
        if institution is None:
            raise NotFound(f"institution {institution_id}")
        if by.role not in AGENCY_ROLES:
            require_scope(by, institution["district_code"])
        if practitioner_id is not None and not await Practitioner.exists().where(
                (Practitioner.id == practitioner_id) & (Practitioner.institution == institution_id)).run():
            raise ValidationFailed([FieldError("practitioner_id", "is not a practitioner of this institution",
                                               practitioner_id)])
        await _check_basis(penalty_ids, institution_id)
        await _refuse_duplicate(institution_id, practitioner_id, behaviour)
        agency_code = by.agency_code if by.role in AGENCY_ROLES else CIVIL_AFFAIRS
        agency = await Agency.select(Agency.id).where(Agency.code == agency_code).first().run()
        at = now_utc()
        entry = ListingEntry(
            subject_kind="practitioner" if practitioner_id else "institution", institution=institution_id,
            practitioner=practitioner_id, behaviour=behaviour, status=rules.PROPOSED, facts=facts, basis=basis,
            proposing_agency=agency["id"] if agency else None, proposed_on=on,
            auto_detected=bool(data.get("auto_detected")), created_at=at, updated_at=at, version=1)
        await entry.save().run()
        if penalty_ids:
            await ListingBasis.insert(*[ListingBasis(entry=entry.id, penalty=p) for p in penalty_ids]).run()
        await ListingTransition(entry=entry.id, from_status="", to_status=rules.PROPOSED, on=on,
                                actor=by.username, reason=facts[:200], at=at).save().run()
        await audit.record(by.username, "listing.proposed", "listing", entry.id,
                           {"behaviour": behaviour, "penalties": penalty_ids, "subject": institution_id})
        if behaviour == "court_debtor":
            return await _notify(await _entry(entry.id), on, by)
        detail = await entry_detail(entry.id)
        await feed.emit("listing", rules.PROPOSED, entry.id, public_entry(detail))
        return detail


async def _check_basis(penalty_ids: list[int], institution_id: int) -> None:
    if not penalty_ids:
        return
    rows = await Penalty.select(Penalty.id, Penalty.institution, Penalty.revoked).where(
        Penalty.id.is_in(penalty_ids)).run()
    found = {r["id"]: r for r in rows}
    errors = []
    for penalty_id in penalty_ids:
        row = found.get(penalty_id)
        if row is None:
            errors.append(FieldError("penalty_ids", f"penalty {penalty_id} does not exist", penalty_id))
        elif row["institution"] != institution_id:
            errors.append(FieldError("penalty_ids", f"penalty {penalty_id} is not against this institution",
                                     penalty_id))
        elif row["revoked"]:
            errors.append(FieldError("penalty_ids", f"penalty {penalty_id} was revoked", penalty_id))
    if errors:
        raise ValidationFailed(errors)


async def _refuse_duplicate(institution_id: int, practitioner_id: int | None, behaviour: str) -> None:
    query = ListingEntry.exists().where(
        (ListingEntry.institution == institution_id) & (ListingEntry.behaviour == behaviour)
        & ListingEntry.status.is_in(list(rules.ACTIVE_STATES)))
    query = query.where(ListingEntry.practitioner == practitioner_id) if practitioner_id else query.where(
        ListingEntry.practitioner.is_null())
    if await query.run():
        raise ProcedureRefused("behaviour", "the subject already has an active list entry for this behaviour")


async def _notify(entry: dict[str, Any], on: date, by: Principal) -> dict[str, Any]:
    deadline = rules.objection_deadline(on, calendar())
    return await move(entry, rules.NOTIFIED, on, by, "notice served", notified_on=on,
                       objection_deadline=deadline.day, objection_deadline_confirmed=deadline.confirmed)


async def notify(entry_id: int, data: Mapping[str, Any], by: Principal) -> dict[str, Any]:
    """Serve the notice (告知): proposed -> notified, with the objection deadline in working days."""
    check = Checker(data)
    on = _on(check)
    check.done()
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        if entry["status"] != rules.PROPOSED:
            raise IllegalTransition(entry_id, entry["status"], rules.NOTIFIED)
        return await _notify(entry, on, by)


async def object_to(entry_id: int, data: Mapping[str, Any], by: Principal) -> dict[str, Any]:
    """Record the subject's objection (异议): notified -> objected, only within the objection window."""
    check = Checker(data)
    on = _on(check)
    text = check.text("text", max_length=4000)
    check.done()
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        if entry["status"] == rules.NOTIFIED and on > entry["objection_deadline"]:
            raise ProcedureRefused("on", f"the objection window closed on {entry['objection_deadline']}")
        return await move(entry, rules.OBJECTED, on, by, text[:200], objected_on=on, objection_text=text)


async def decide(entry_id: int, data: Mapping[str, Any], by: Principal) -> dict[str, Any]:
    """Decide an objection after review (复核): upheld -> listed, withdrawn -> withdrawn."""
    check = Checker(data)
    on = _on(check)
    outcome = check.choice("outcome", ("upheld", "withdrawn"))
    reasons = check.text("reasons", max_length=4000)
    check.done()
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        if entry["status"] != rules.OBJECTED:
            raise IllegalTransition(entry_id, entry["status"], "reviewed")
        if outcome == "upheld":
            return await move(entry, rules.LISTED, on, by, reasons, reviewed_on=on, review_outcome=outcome,
                               **rules.listing_dates(on))
        return await move(entry, rules.WITHDRAWN, on, by, reasons, reviewed_on=on, review_outcome=outcome)


async def withdraw(entry_id: int, data: Mapping[str, Any], by: Principal) -> dict[str, Any]:
    """Drop an entry before it is listed (e.g. a proposal that does not hold up)."""
    check = Checker(data)
    on = _on(check)
    reasons = check.text("reasons", max_length=4000)
    check.done()
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        return await move(entry, rules.WITHDRAWN, on, by, reasons)


async def remove(entry_id: int, data: Mapping[str, Any], by: Principal) -> dict[str, Any]:
    """Remove a listed entry: expired (after the listing period), revoked_basis, or error.
    Early removal (repaired) goes through an application; see decide_early_removal."""
    check = Checker(data)
    on = _on(check)
    reason = check.choice("reason", ("expired", "revoked_basis", "error"))
    text = check.text("reasons", required=False, max_length=4000)
    check.done()
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        if reason == "expired" and entry["expires_on"] and on < entry["expires_on"]:
            raise ProcedureRefused("reason", f"the listing runs until {entry['expires_on']}")
        return await move(entry, rules.REMOVED, on, by, text or reason, removed_on=on, removal_reason=reason)


async def apply_early_removal(entry_id: int, data: Mapping[str, Any], by: Principal) -> dict[str, Any]:
    """Record the subject's application for early removal (信用修复), allowed after two full years listed."""
    check = Checker(data)
    on = _on(check)
    statement = check.text("statement", max_length=4000)
    check.done()
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        if entry["status"] != rules.LISTED:
            raise IllegalTransition(entry_id, entry["status"], "applied for early removal")
        if on < entry["early_removal_from"]:
            raise ProcedureRefused("on", f"early removal may be applied for from {entry['early_removal_from']}")
        if await RemovalApplication.exists().where((RemovalApplication.entry == entry_id)
                                                   & (RemovalApplication.decision == "pending")).run():
            raise ProcedureRefused("entry", "an application is already waiting for a decision")
        application = RemovalApplication(entry=entry_id, applied_on=on, statement=statement)
        await application.save().run()
        await audit.record(by.username, "listing.early_removal_applied", "listing", entry_id,
                           {"application": application.id, "on": on})
    return await entry_detail(entry_id)


async def decide_early_removal(entry_id: int, data: Mapping[str, Any], by: Principal) -> dict[str, Any]:
    """Approve (-> removed, reason repaired) or reject the pending early-removal application, with reasons."""
    check = Checker(data)
    on = _on(check)
    decision = check.choice("decision", ("approved", "rejected"))
    reasons = check.text("reasons", max_length=4000)
    check.done()
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        pending = await RemovalApplication.select().where((RemovalApplication.entry == entry_id)
                                                          & (RemovalApplication.decision == "pending")).first().run()
        if pending is None:
            raise ProcedureRefused("entry", "there is no pending early-removal application")
        decided = await RemovalApplication.update({
            RemovalApplication.decision: decision, RemovalApplication.decided_on: on,
            RemovalApplication.decided_by: by.username, RemovalApplication.reasons: reasons,
        }).where((RemovalApplication.id == pending["id"]) & (RemovalApplication.decision == "pending")).returning(
            RemovalApplication.id).run()
        if not decided:
            raise IllegalTransition(entry_id, entry["status"], "decided again")
        if decision == "approved":
            return await move(entry, rules.REMOVED, on, by, reasons, removed_on=on, removal_reason="repaired")
        await audit.record(by.username, "listing.early_removal_rejected", "listing", entry_id,
                           {"application": pending["id"], "reasons": reasons})
    return await entry_detail(entry_id)


async def on_penalty_revoked(penalty_id: int, on: date, by: Principal) -> None:
    """Inside the revocation's transaction: entries resting on the penalty end (removed or withdrawn)."""
    entry_ids = [r["entry"] for r in await ListingBasis.select(ListingBasis.entry).where(
        ListingBasis.penalty == penalty_id).run()]
    if not entry_ids:
        return
    for entry in await ListingEntry.select().where(ListingEntry.id.is_in(entry_ids)
                                                   & ListingEntry.status.is_in(list(rules.ACTIVE_STATES))).run():
        reason = f"basis penalty {penalty_id} revoked"
        if entry["status"] == rules.LISTED:
            await move(entry, rules.REMOVED, on, by, reason, removed_on=on, removal_reason="revoked_basis")
        else:
            await move(entry, rules.WITHDRAWN, on, by, reason)


def public_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """What the public and the feed see of an entry (no objection text, subject persons masked)."""
    keys = ("id", "subject_kind", "institution", "uscc", "institution_name", "practitioner_name", "behaviour",
            "behaviour_label", "status", "listed_on", "expires_on", "removed_on", "removal_reason", "basis",
            "penalty_numbers")
    return {k: entry.get(k) for k in keys}


async def entry_detail(entry_id: int) -> dict[str, Any]:
    """The entry with its subject, basis penalties, steps and applications (internal view)."""
    from credit.registry.identifiers import mask_name

    entry = await _entry(entry_id)
    institution = await Institution.select(Institution.uscc, Institution.name, Institution.district_code).where(
        Institution.id == entry["institution"]).first().run()
    practitioner = None
    if entry["practitioner"]:
        practitioner = await Practitioner.select(Practitioner.name, Practitioner.id_masked).where(
            Practitioner.id == entry["practitioner"]).first().run()
    basis = await ListingBasis.select(ListingBasis.penalty.id, ListingBasis.penalty.decision_number).where(
        ListingBasis.entry == entry_id).run()
    steps = await ListingTransition.select(ListingTransition.from_status, ListingTransition.to_status,
                                           ListingTransition.on, ListingTransition.actor,
                                           ListingTransition.reason).where(
        ListingTransition.entry == entry_id).order_by(ListingTransition.id).run()
    applications = await RemovalApplication.select().where(RemovalApplication.entry == entry_id).order_by(
        RemovalApplication.id).run()
    return {
        **{k: v for k, v in entry.items() if k not in ("created_at", "updated_at")},
        "uscc": institution["uscc"], "institution_name": institution["name"],
        "district_code": institution["district_code"],
        "practitioner_name": mask_name(practitioner["name"]) if practitioner else "",
        "practitioner_id_masked": practitioner["id_masked"] if practitioner else "",
        "behaviour_label": rules.BEHAVIOURS[entry["behaviour"]][0],
        "behaviour_label_en": rules.BEHAVIOURS[entry["behaviour"]][1],
        "penalty_ids": [b["penalty.id"] for b in basis],
        "penalty_numbers": [b["penalty.decision_number"] for b in basis],
        "steps": steps, "applications": applications,
    }
