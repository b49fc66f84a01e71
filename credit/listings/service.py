"""The joint-punishment list procedure: one service function per transition, one transaction each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from credit import db, settings as configuration
from credit.accounts.roles import AGENCY, AGENCY_OFFICER, REGULATORS, Principal, require_scope
from credit.changes import Audit, Event, record_changed
from credit.errors import FieldError, Forbidden, IllegalTransition, NotFound, ProcedureRefused, ValidationFailed
from credit.listings import rules
from credit.listings.behaviours import COURT_DEBTOR
from credit.listings.calendar import WorkingCalendar
from credit.listings.schemas import (
    DecisionIn,
    DetectedProposal,
    EarlyRemovalDecisionIn,
    EarlyRemovalIn,
    ObjectionIn,
    ProposalIn,
    RemovalIn,
    ReportProposal,
    StepIn,
    WithdrawalIn,
)
from credit.listings.tables import ListingBasis, ListingEntry, ListingTransition, RemovalApplication
from credit.public.view import public_entry
from credit.reasons import Reason
from credit.records.tables import Penalty
from credit.registry.service import get_institution_by_uscc
from credit.registry.tables import Institution, Practitioner
from credit.sharing.tables import Agency
from credit.timeutil import now_utc, today
from credit.validation import Checker

AGENCY_ROLES = (AGENCY_OFFICER, AGENCY)
CIVIL_AFFAIRS = "civil_affairs"
CIVIL_AFFAIRS_ONLY = "civil affairs decides on the list; agencies propose through their serious penalty reports"
COURT_FOLLOWS = Reason("court_follows")


_calendar: WorkingCalendar | None = None


def calendar() -> WorkingCalendar:
    global _calendar
    if _calendar is None:
        _calendar = WorkingCalendar()
    return _calendar


@dataclass(frozen=True, slots=True)
class StepDay:
    """The day a step happens and, when that is before today, the reason it is recorded late."""

    on: date
    backdate_reason: str = ""


def _on(check: Checker, day: date | None = None) -> StepDay:
    """`on` if given (never after `day`, the day it is: default today), else that day; an earlier day needs
    `backdate_reason`."""
    current = day or today()
    on = check.day("on", required=False, not_after=current) or current
    reason = check.text("backdate_reason", required=False, max_length=500)
    if on < current and not reason:
        check.fail("on", Reason("backdate_reason_needed", today=current.isoformat()), on.isoformat())
    return StepDay(on, reason if on < current else "")


def require_civil_affairs(by: Principal | None) -> Principal:
    """Raise Forbidden unless `by` is a civil-affairs regulator (admin, city or district regulator)."""
    if by is None or by.role not in REGULATORS:
        raise Forbidden(CIVIL_AFFAIRS_ONLY)
    return by


async def proposer_of(entry_id: int) -> str:
    """Who proposed the entry: the actor of its first step."""
    first = (
        await ListingTransition.select(ListingTransition.actor)
        .where((ListingTransition.entry == entry_id) & (ListingTransition.from_status == ""))
        .first()
        .run()
    )
    return first["actor"] if first else ""


async def _refuse_self_review(entry: Mapping[str, Any], by: Principal, what: str) -> None:
    """Separation of duties (LIST_SEPARATION_OF_DUTIES, on by default): the proposer does not decide."""
    if configuration.settings.list_separation_of_duties and await proposer_of(entry["id"]) == by.username:
        raise Forbidden(
            f"you proposed list entry {entry['id']}; another regulator must decide {what} (separation of duties)"
        )


async def _entry(entry_id: int) -> dict[str, Any]:
    row = await ListingEntry.select().where(ListingEntry.id == entry_id).first().run()
    if row is None:
        raise NotFound(f"list entry {entry_id}")
    return row


async def _entry_in_scope(entry_id: int, by: Principal) -> dict[str, Any]:
    """Civil-affairs decisions: regulators in the subject's district (agency officers only propose)."""
    require_civil_affairs(by)
    row = await _entry(entry_id)
    institution = db.found(
        await Institution.select(Institution.district_code).where(Institution.id == row["institution"]).first().run(),
        "institution",
    )
    require_scope(by, institution["district_code"])
    return row


async def move(
    entry: dict[str, Any], to: str, on: date, by: Principal, reason: str = "", backdate_reason: str = "", **values: Any
) -> dict[str, Any]:
    """Move `entry` to state `to` if it is still in the state and version read; record step, event and audit.

    Must run inside the caller's transaction. Raises IllegalTransition naming the current state when the
    move is not allowed, or when a concurrent step changed the entry first.
    """
    if to not in rules.TRANSITIONS[entry["status"]]:
        raise IllegalTransition(entry["id"], entry["status"], to)
    updated = (
        await ListingEntry.update(
            {
                ListingEntry.status: to,
                ListingEntry.version: entry["version"] + 1,
                ListingEntry.updated_at: now_utc(),
                **{getattr(ListingEntry, k): v for k, v in values.items()},
            }
        )
        .where(
            (ListingEntry.id == entry["id"])
            & (ListingEntry.status == entry["status"])
            & (ListingEntry.version == entry["version"])
        )
        .returning(ListingEntry.id)
        .run()
    )
    if not updated:
        current = await _entry(entry["id"])
        raise IllegalTransition(entry["id"], current["status"], to)
    await (
        ListingTransition(
            entry=entry["id"],
            from_status=entry["status"],
            to_status=to,
            on=on,
            actor=by.username,
            reason=reason,
            backdate_reason=backdate_reason,
            at=now_utc(),
        )
        .save()
        .run()
    )
    after = await entry_detail(entry["id"])
    await record_changed(
        Event("listing", to, entry["id"], public_entry(after)),
        Audit(
            by.username,
            f"listing.{to}",
            "listing",
            entry["id"],
            {
                "from": entry["status"],
                "to": to,
                "on": on,
                "reason": reason,
                **({"backdate_reason": backdate_reason} if backdate_reason else {}),
                **values,
            },
        ),
        institutions=[entry["institution"]],
    )
    return after


async def propose(data: ProposalIn, by: Principal, *, day: date | None = None) -> dict[str, Any]:
    """A civil-affairs regulator proposes a subject of its district for the list (proposed), or for a
    court's dishonest-debtor designation, straight to notified.

    `data`: the institution's uscc, optional practitioner_id, behaviour ("1".."9" | "court_debtor"), penalty_ids
    (the basis, penalties against the institution; required except for behaviour 4 and court designations),
    facts, basis, on (+ backdate_reason when before today). An entry proposed here is never auto_detected.
    Raises NotFound (no institution has the uscc), Forbidden (agencies, other districts), ValidationFailed, or
    ProcedureRefused (409) when the subject already has an active entry for the behaviour.
    """
    institution = await get_institution_by_uscc(data.uscc)
    require_civil_affairs(by)
    return await _create(data, institution["id"], by, agency_code=CIVIL_AFFAIRS, auto_detected=False, day=day)


async def propose_from_report(data: ReportProposal, by: Principal) -> dict[str, Any]:
    """An agency's serious penalty report naming a listing behaviour proposes the subject (proposed only, dated
    today); every basis penalty must be one the agency itself reported."""
    if by.role not in AGENCY_ROLES or not by.agency_code:
        raise Forbidden("only an agency's own penalty report proposes through this path")
    return await _create(
        data,
        data.institution_id,
        by,
        agency_code=by.agency_code,
        auto_detected=False,
        basis_agency=by.agency_code,
    )


async def propose_detected(data: DetectedProposal, by: Principal) -> dict[str, Any]:
    """The detection job proposes behaviour 4 for an overdue major fire hazard (marked auto_detected)."""
    return await _create(
        data, data.institution_id, by, agency_code=CIVIL_AFFAIRS, auto_detected=True, machine=True, fixed_behaviour="4"
    )


async def _create(
    data: ProposalIn | ReportProposal | DetectedProposal,
    institution_id: int,
    by: Principal,
    *,
    agency_code: str,
    auto_detected: bool,
    basis_agency: str | None = None,
    machine: bool = False,
    day: date | None = None,
    fixed_behaviour: str = "",
) -> dict[str, Any]:
    """Check the proposal and insert the entry for `institution_id`: of `fixed_behaviour` when the caller sets it
    (the detection job's behaviour 4), else of the proposal's behaviour, checked."""
    check = Checker(data)
    behaviour = fixed_behaviour or check.choice("behaviour", rules.BEHAVIOURS)
    facts = check.text("facts", max_length=4000)
    basis = check.text("basis", max_length=2000)
    practitioner_id = check.integer("practitioner_id", minimum=1, required=False)
    penalty_ids = check.raw("penalty_ids") or []  # a detected proposal has none
    if not isinstance(penalty_ids, list) or not all(isinstance(p, int) for p in penalty_ids):
        check.fail("penalty_ids", Reason("penalty_ids_list"), penalty_ids)
        penalty_ids = []
    if behaviour and behaviour not in ("4", "court_debtor") and not penalty_ids:
        check.fail("penalty_ids", Reason("penalty_ids_empty"))
    if machine:
        step = StepDay(check.day("on", required=False) or today(), "detected by the scheduled check")
    else:
        step = _on(check, day)
    check.done()

    async def insert() -> dict[str, Any]:
        return await _insert_entry(
            by,
            institution_id=institution_id,
            practitioner_id=practitioner_id,
            behaviour=behaviour,
            facts=facts,
            basis=basis,
            penalty_ids=penalty_ids,
            step=step,
            agency_code=agency_code,
            auto_detected=auto_detected,
            basis_agency=basis_agency,
            check_scope=not machine,
        )

    try:
        return await _in_own_savepoint(insert)
    except Exception as error:
        if db.is_unique_violation(error):  # a concurrent twin won the partial unique index
            raise ProcedureRefused("behaviour", Reason("entry_active_already")) from None
        raise


async def _in_own_savepoint(work: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """Run `work` in a transaction of its own or, inside the caller's (a penalty report), in a savepoint,
    so that a refused insert leaves the caller's transaction usable on PostgreSQL."""
    transaction = db.current_engine().current_transaction.get()
    if transaction is None:
        async with db.transaction():
            return await work()
    savepoint = await transaction.savepoint()
    try:
        result = await work()
    except Exception:
        await savepoint.rollback_to()
        raise
    await savepoint.release()
    return result


async def _insert_entry(
    by: Principal,
    *,
    institution_id: int,
    practitioner_id: int | None,
    behaviour: str,
    facts: str,
    basis: str,
    penalty_ids: list[int],
    step: StepDay,
    agency_code: str,
    auto_detected: bool,
    basis_agency: str | None,
    check_scope: bool,
) -> dict[str, Any]:
    on = step.on
    institution = await Institution.select().where(Institution.id == institution_id).first().run()
    if institution is None:
        raise NotFound(f"institution {institution_id}")
    if check_scope and by.role not in AGENCY_ROLES:
        require_scope(by, institution["district_code"])
    if (
        practitioner_id is not None
        and not await Practitioner.exists()
        .where((Practitioner.id == practitioner_id) & (Practitioner.institution == institution_id))
        .run()
    ):
        raise ValidationFailed([FieldError("practitioner_id", Reason("not_practitioner_here"), practitioner_id)])
    await _check_basis(penalty_ids, institution_id, basis_agency)
    await _refuse_duplicate(institution_id, practitioner_id, behaviour)
    agency = await Agency.select(Agency.id).where(Agency.code == agency_code).first().run()
    at = now_utc()
    entry = ListingEntry(
        subject_kind="practitioner" if practitioner_id else "institution",
        institution=institution_id,
        practitioner=practitioner_id,
        behaviour=behaviour,
        status=rules.PROPOSED,
        facts=facts,
        basis=basis,
        proposing_agency=agency["id"] if agency else None,
        proposed_on=on,
        auto_detected=auto_detected,
        created_at=at,
        updated_at=at,
        version=1,
    )
    await entry.save().run()
    if penalty_ids:
        await ListingBasis.insert(*[ListingBasis(entry=entry.id, penalty=p) for p in penalty_ids]).run()
    await (
        ListingTransition(
            entry=entry.id,
            from_status="",
            to_status=rules.PROPOSED,
            on=on,
            actor=by.username,
            reason=facts[:200],
            backdate_reason=step.backdate_reason,
            at=at,
        )
        .save()
        .run()
    )
    proposed = Audit(
        by.username,
        "listing.proposed",
        "listing",
        entry.id,
        {
            "behaviour": behaviour,
            "penalties": penalty_ids,
            "subject": institution_id,
            **({"backdate_reason": step.backdate_reason} if step.backdate_reason else {}),
        },
    )
    if behaviour == "court_debtor":
        await record_changed(audit=proposed)
        return await _notify(await _entry(entry.id), step, by)
    detail = await entry_detail(entry.id)
    await record_changed(
        Event("listing", rules.PROPOSED, entry.id, public_entry(detail)), proposed, institutions=[institution_id]
    )
    return detail


async def _check_basis(penalty_ids: list[int], institution_id: int, agency_code: str | None = None) -> None:
    """Every basis penalty exists, is against the institution, is not revoked and, for an agency's
    proposal, was reported by that agency."""
    if not penalty_ids:
        return
    rows = (
        await Penalty.select(Penalty.id, Penalty.institution, Penalty.revoked, Penalty.reporting_agency)
        .where(Penalty.id.is_in(penalty_ids))
        .run()
    )
    found = {r["id"]: r for r in rows}
    errors = []
    for penalty_id in penalty_ids:
        row = found.get(penalty_id)
        if row is None:
            errors.append(FieldError("penalty_ids", Reason("penalty_missing", penalty_id=penalty_id), penalty_id))
        elif row["institution"] != institution_id:
            errors.append(
                FieldError("penalty_ids", Reason("penalty_other_institution", penalty_id=penalty_id), penalty_id)
            )
        elif row["revoked"]:
            errors.append(FieldError("penalty_ids", Reason("penalty_id_revoked", penalty_id=penalty_id), penalty_id))
        elif agency_code is not None and row["reporting_agency"] != agency_code:
            errors.append(FieldError("penalty_ids", Reason("penalty_other_agency", penalty_id=penalty_id), penalty_id))
    if errors:
        raise ValidationFailed(errors)


async def _refuse_duplicate(institution_id: int, practitioner_id: int | None, behaviour: str) -> None:
    query = ListingEntry.exists().where(
        (ListingEntry.institution == institution_id)
        & (ListingEntry.behaviour == behaviour)
        & ListingEntry.status.is_in(list(rules.ACTIVE_STATES))
    )
    query = (
        query.where(ListingEntry.practitioner == practitioner_id)
        if practitioner_id
        else query.where(ListingEntry.practitioner.is_null())
    )
    if await query.run():
        raise ProcedureRefused("behaviour", Reason("entry_active_already"))


async def _notify(entry: dict[str, Any], step: StepDay, by: Principal) -> dict[str, Any]:
    on = step.on
    deadline = rules.objection_deadline(on, calendar())
    return await move(
        entry,
        rules.NOTIFIED,
        on,
        by,
        "notice served",
        step.backdate_reason,
        notified_on=on,
        objection_deadline=deadline.day,
        objection_deadline_confirmed=deadline.confirmed,
    )


async def notify(entry_id: int, data: StepIn, by: Principal, *, day: date | None = None) -> dict[str, Any]:
    """Serve the notice (告知): proposed -> notified, with the objection deadline in working days."""
    check = Checker(data)
    step = _on(check, day)
    check.done()
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        if entry["status"] != rules.PROPOSED:
            raise IllegalTransition(entry_id, entry["status"], rules.NOTIFIED)
        return await _notify(entry, step, by)


async def object_to(entry_id: int, data: ObjectionIn, by: Principal, *, day: date | None = None) -> dict[str, Any]:
    """Record the subject's objection (异议): notified -> objected, only within the objection window."""
    check = Checker(data)
    step = _on(check, day)
    on = step.on
    text = check.text("text", max_length=4000)
    check.done()
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        if entry["status"] == rules.NOTIFIED and on > entry["objection_deadline"]:
            raise ProcedureRefused("on", Reason("objection_window_closed", date=str(entry["objection_deadline"])))
        if entry["status"] == rules.LISTED:  # only in a window the official calendar reopened
            until = entry["calendar_review_until"]
            if until is None:
                raise IllegalTransition(entry_id, entry["status"], rules.OBJECTED)
            if on > until:
                raise ProcedureRefused("on", Reason("reopened_window_closed", date=str(until)))
        return await move(
            entry, rules.OBJECTED, on, by, text[:200], step.backdate_reason, objected_on=on, objection_text=text
        )


async def decide(entry_id: int, data: DecisionIn, by: Principal, *, day: date | None = None) -> dict[str, Any]:
    """Decide an objection after review (复核): upheld -> listed, withdrawn -> withdrawn."""
    check = Checker(data)
    step = _on(check, day)
    on = step.on
    outcome = check.choice("outcome", rules.REVIEW_OUTCOMES)
    reasons = check.text("reasons", max_length=4000)
    check.done()
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        if entry["status"] != rules.OBJECTED:
            raise IllegalTransition(entry_id, entry["status"], "reviewed")
        await _refuse_self_review(entry, by, "the review of the objection")
        if outcome == "withdrawn" and entry["behaviour"] == COURT_DEBTOR:
            raise ProcedureRefused("outcome", COURT_FOLLOWS)
        if outcome == "upheld":
            return await move(
                entry,
                rules.LISTED,
                on,
                by,
                reasons,
                step.backdate_reason,
                reviewed_on=on,
                review_outcome=outcome,
                calendar_review_until=None,
                **rules.listing_dates(on, entry["behaviour"]),
            )
        return await move(
            entry, rules.WITHDRAWN, on, by, reasons, step.backdate_reason, reviewed_on=on, review_outcome=outcome
        )


async def withdraw(entry_id: int, data: WithdrawalIn, by: Principal, *, day: date | None = None) -> dict[str, Any]:
    """Drop an entry before it is listed (e.g. a proposal that does not hold up)."""
    check = Checker(data)
    step = _on(check, day)
    on = step.on
    reasons = check.text("reasons", max_length=4000)
    check.done()
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        if entry["behaviour"] == COURT_DEBTOR:
            raise ProcedureRefused("entry", COURT_FOLLOWS)
        return await move(entry, rules.WITHDRAWN, on, by, reasons, step.backdate_reason)


async def remove(entry_id: int, data: RemovalIn, by: Principal, *, day: date | None = None) -> dict[str, Any]:
    """Remove a listed entry: expired (after the listing period), revoked_basis, error, or court_removed
    (a court's dishonest-debtor designation, once the court removed the subject from its list; before
    listing, the entry is withdrawn). Early removal (repaired) goes through an application; see
    decide_early_removal."""
    check = Checker(data)
    step = _on(check, day)
    on = step.on
    reason = check.choice("reason", rules.REMOVAL_STEPS)
    text = check.text("reasons", required=False, max_length=4000)
    check.done()
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        court = entry["behaviour"] == COURT_DEBTOR
        if reason == "court_removed" and not court:
            raise ProcedureRefused("reason", Reason("court_removal_only"))
        if reason == "expired" and court:
            raise ProcedureRefused("reason", COURT_FOLLOWS)
        if reason == "court_removed" and entry["status"] in (rules.NOTIFIED, rules.OBJECTED):
            return await move(
                entry,
                rules.WITHDRAWN,
                on,
                by,
                text or "the court removed the subject from its list",
                step.backdate_reason,
            )
        if reason == "expired" and entry["expires_on"] and on < entry["expires_on"]:
            raise ProcedureRefused("reason", Reason("listing_runs_until", date=str(entry["expires_on"])))
        return await move(
            entry, rules.REMOVED, on, by, text or reason, step.backdate_reason, removed_on=on, removal_reason=reason
        )


async def apply_early_removal(
    entry_id: int, data: EarlyRemovalIn, by: Principal, *, day: date | None = None
) -> dict[str, Any]:
    """Record the subject's application for early removal (信用修复), allowed after two full years listed."""
    check = Checker(data)
    step = _on(check, day)
    statement = check.text("statement", max_length=4000)
    check.done()
    try:
        await _record_application(entry_id, step, statement, by)
    except Exception as error:
        if db.is_unique_violation(error):  # a concurrent application won the partial unique index
            raise ProcedureRefused("entry", Reason("application_waiting")) from None
        raise
    return await entry_detail(entry_id)


async def _record_application(entry_id: int, step: StepDay, statement: str, by: Principal) -> None:
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        await record_removal_application(entry, step, statement, by)


async def record_removal_application(
    entry: Mapping[str, Any],
    step: StepDay,
    statement: str,
    by: Principal,
    *,
    commitment: str = "",
    attach: Callable[[int], Awaitable[list[dict[str, Any]]]] | None = None,
) -> int:
    """Inside the caller's transaction, for an entry the caller may apply for (civil affairs in scope, or the
    home itself): record a pending early-removal application and audit it. `attach(application_id)` stores its
    evidence files and returns them for the audit entry. Returns the application's id.

    Raises IllegalTransition (not listed), ProcedureRefused (a court designation, before `early_removal_from`,
    or an application already pending)."""
    on, entry_id = step.on, entry["id"]
    if entry["status"] != rules.LISTED:
        raise IllegalTransition(entry_id, entry["status"], "applied for early removal")
    if entry["early_removal_from"] is None:
        raise ProcedureRefused("entry", COURT_FOLLOWS)
    if on < entry["early_removal_from"]:
        raise ProcedureRefused("on", Reason("early_removal_from", date=str(entry["early_removal_from"])))
    if (
        await RemovalApplication.exists()
        .where((RemovalApplication.entry == entry_id) & (RemovalApplication.decision == "pending"))
        .run()
    ):
        raise ProcedureRefused("entry", Reason("application_waiting"))
    application = RemovalApplication(
        entry=entry_id, applied_on=on, statement=statement, commitment=commitment, applied_by=by.username
    )
    await application.save().run()
    files = await attach(application.id) if attach else []
    await record_changed(
        audit=Audit(
            by.username,
            "listing.early_removal_applied",
            "listing",
            entry_id,
            {
                "application": application.id,
                "on": on,
                **({"backdate_reason": step.backdate_reason} if step.backdate_reason else {}),
                **({"commitment": commitment} if commitment else {}),
                **({"files": files} if files else {}),
            },
        )
    )
    return application.id


async def withdraw_removal_application(entry: Mapping[str, Any], by: Principal) -> int:
    """Inside the caller's transaction: the applicant withdraws the entry's pending early-removal application
    (decision `withdrawn`, dated today) and it is audited. Returns its id. Raises ProcedureRefused when none
    is pending (decided already, or never made)."""
    withdrawn = (
        await RemovalApplication.update(
            {
                RemovalApplication.decision: rules.WITHDRAWN_APPLICATION,
                RemovalApplication.decided_on: today(),
                RemovalApplication.decided_by: by.username,
            }
        )
        .where((RemovalApplication.entry == entry["id"]) & (RemovalApplication.decision == "pending"))
        .returning(RemovalApplication.id)
        .run()
    )
    if not withdrawn:
        raise ProcedureRefused("entry", Reason("no_pending_to_withdraw"))
    application_id = withdrawn[0]["id"]
    await record_changed(
        audit=Audit(
            by.username,
            "listing.early_removal_withdrawn",
            "listing",
            entry["id"],
            {"application": application_id, "decision": ["pending", rules.WITHDRAWN_APPLICATION]},
        )
    )
    return application_id


async def decide_early_removal(
    entry_id: int, data: EarlyRemovalDecisionIn, by: Principal, *, day: date | None = None
) -> dict[str, Any]:
    """Approve (-> removed, reason repaired) or reject the pending early-removal application, with reasons."""
    check = Checker(data)
    step = _on(check, day)
    on = step.on
    decision = check.choice("decision", rules.EARLY_REMOVAL_DECISIONS)
    reasons = check.text("reasons", max_length=4000)
    check.done()
    async with db.transaction():
        entry = await _entry_in_scope(entry_id, by)
        await _refuse_self_review(entry, by, "the early-removal application")
        pending = (
            await RemovalApplication.select()
            .where((RemovalApplication.entry == entry_id) & (RemovalApplication.decision == "pending"))
            .first()
            .run()
        )
        if pending is None:
            raise ProcedureRefused("entry", Reason("no_pending_application"))
        decided = (
            await RemovalApplication.update(
                {
                    RemovalApplication.decision: decision,
                    RemovalApplication.decided_on: on,
                    RemovalApplication.decided_by: by.username,
                    RemovalApplication.reasons: reasons,
                }
            )
            .where((RemovalApplication.id == pending["id"]) & (RemovalApplication.decision == "pending"))
            .returning(RemovalApplication.id)
            .run()
        )
        if not decided:
            raise IllegalTransition(entry_id, entry["status"], "decided again")
        if decision == "approved":
            return await move(
                entry, rules.REMOVED, on, by, reasons, step.backdate_reason, removed_on=on, removal_reason="repaired"
            )
        await record_changed(
            audit=Audit(
                by.username,
                "listing.early_removal_rejected",
                "listing",
                entry_id,
                {"application": pending["id"], "reasons": reasons},
            )
        )
    return await entry_detail(entry_id)


async def on_penalty_revoked(penalty_id: int, on: date, by: Principal) -> None:
    """Inside the revocation's transaction: entries resting on the penalty end (removed or withdrawn)."""
    entry_ids = [
        r["entry"]
        for r in await ListingBasis.select(ListingBasis.entry).where(ListingBasis.penalty == penalty_id).run()
    ]
    if not entry_ids:
        return
    for entry in (
        await ListingEntry.select()
        .where(ListingEntry.id.is_in(entry_ids) & ListingEntry.status.is_in(list(rules.ACTIVE_STATES)))
        .run()
    ):
        reason = f"basis penalty {penalty_id} revoked"
        if entry["status"] == rules.LISTED:
            await move(entry, rules.REMOVED, on, by, reason, removed_on=on, removal_reason="revoked_basis")
        else:
            await move(entry, rules.WITHDRAWN, on, by, reason)


async def entry_detail(entry_id: int) -> dict[str, Any]:
    """The entry with its subject, basis penalties, steps and applications (internal view)."""
    from credit.identifiers import mask_name

    entry = await _entry(entry_id)
    institution = db.found(
        await Institution.select(Institution.uscc, Institution.name, Institution.district_code)
        .where(Institution.id == entry["institution"])
        .first()
        .run(),
        "institution",
    )
    practitioner = None
    if entry["practitioner"]:
        practitioner = (
            await Practitioner.select(Practitioner.name, Practitioner.id_masked)
            .where(Practitioner.id == entry["practitioner"])
            .first()
            .run()
        )
    basis = (
        await ListingBasis.select(ListingBasis.penalty.id, ListingBasis.penalty.decision_number)
        .where(ListingBasis.entry == entry_id)
        .run()
    )
    steps = (
        await ListingTransition.select(
            ListingTransition.from_status,
            ListingTransition.to_status,
            ListingTransition.on,
            ListingTransition.actor,
            ListingTransition.reason,
        )
        .where(ListingTransition.entry == entry_id)
        .order_by(ListingTransition.id)
        .run()
    )
    applications = (
        await RemovalApplication.select()
        .where(RemovalApplication.entry == entry_id)
        .order_by(RemovalApplication.id)
        .run()
    )
    return {
        **{k: v for k, v in entry.items() if k not in ("created_at", "updated_at")},
        "uscc": institution["uscc"],
        "institution_name": institution["name"],
        "district_code": institution["district_code"],
        "practitioner_name": mask_name(practitioner["name"]) if practitioner else "",
        "practitioner_id_masked": practitioner["id_masked"] if practitioner else "",
        "behaviour_label": rules.BEHAVIOURS[entry["behaviour"]][0],
        "behaviour_label_en": rules.BEHAVIOURS[entry["behaviour"]][1],
        "penalty_ids": [b["penalty.id"] for b in basis],
        "penalty_numbers": [b["penalty.decision_number"] for b in basis],
        "steps": steps,
        "applications": applications,
    }
