"""Credit repair of penalty information (信用修复, NDRC Order No. 36): apply, decide, withdraw.

The subject applies once the shortest publication period has passed (minor information: once its duties are
met), stating that the conduct is corrected and the obligations met, with evidence and a public credit
commitment (信用承诺). A civil-affairs regulator in scope records the application on the subject's behalf, or the
home's own user (机构端) applies for a penalty of its home from the portal, agreeing to the commitment text and
attaching evidence files (credit.evidence); the home may also withdraw its open application. Civil affairs in scope
accepts or rejects with reasons within the policy's working days. An accepted application sets the penalty's
`repaired_on`: from that day it leaves every public and agency output (credit.public.view) and stops
counting in the score (scoring.penalties), and stays in the internal history. One transaction per call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from credit import db
from credit.accounts.roles import INSTITUTION, Principal, can_write_institution
from credit.changes import Audit, Event, record_changed
from credit.errors import FieldError, Forbidden, NotFound, ProcedureRefused, StaleVersion, ValidationFailed
from credit.evidence import service as evidence
from credit.evidence.commitment import AGREE_FIELD, COMMITMENT_ZH, NOT_AGREED
from credit.listings.service import calendar, require_civil_affairs
from credit.reasons import Reason
from credit.records.tables import Penalty, RepairApplication
from credit.registry.service import institution_in_scope
from credit.timeutil import now_utc, today
from credit.validation import Checker
from scoring import Penalty as PenaltyFacts, policy_for, repairable_from

if TYPE_CHECKING:  # the schemas name this module's constants: imported for the signatures only
    from credit.records.schemas import (
        HomeRepairApplicationIn,
        RepairApplicationIn,
        RepairDecisionIn,
        RepairWithdrawalIn,
    )

APPLIED, ACCEPTED, REJECTED, WITHDRAWN = "applied", "accepted", "rejected", "withdrawn"
STATUSES = (APPLIED, ACCEPTED, REJECTED, WITHDRAWN)
DECISIONS = {"accept": ACCEPTED, "reject": REJECTED}
NO_INSTITUTION = "a penalty not matched to an institution is in no regulator's scope for repair: match it first"


def _facts(row: Mapping[str, Any]) -> PenaltyFacts:
    return PenaltyFacts(
        id=row["id"],
        severity=row["severity"],
        decision_date=row["decision_date"],
        is_fire_safety=bool(row["is_fire_safety"]),
        publication_end=row["publication_end"],
    )


async def _penalty_in_scope(penalty_id: int, by: Principal) -> dict[str, Any]:
    """The penalty if `by` is a civil-affairs regulator whose scope holds its institution.
    Raises NotFound or Forbidden (also for a penalty with no institution: no scope rule passes on it)."""
    require_civil_affairs(by)
    row = await Penalty.select().where(Penalty.id == penalty_id).first().run()
    if row is None:
        raise NotFound(f"penalty {penalty_id}")
    if row["institution"] is None:
        raise Forbidden(NO_INSTITUTION)
    await institution_in_scope(row["institution"], by)
    return row


async def _penalty_for_applicant(penalty_id: int, by: Principal) -> dict[str, Any]:
    """The penalty for one who speaks for the subject: the home's own user for a penalty of its home (any other
    penalty, unmatched ones included, is NotFound to it), otherwise civil affairs in scope."""
    if by.role != INSTITUTION:
        return await _penalty_in_scope(penalty_id, by)
    row = (
        await Penalty.select(*Penalty.all_columns(), Penalty.institution.uscc.as_alias("home_uscc"))
        .where(Penalty.id == penalty_id)
        .first()
        .run()
    )
    if row is None or row["institution"] is None or not by.institution_uscc or row["home_uscc"] != by.institution_uscc:
        raise NotFound(f"penalty {penalty_id}")
    return {k: v for k, v in row.items() if k != "home_uscc"}


async def _application(application_id: int, penalty_id: int) -> dict[str, Any]:
    row = (
        await RepairApplication.select()
        .where((RepairApplication.id == application_id) & (RepairApplication.penalty == penalty_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound(f"repair application {application_id} of penalty {penalty_id}")
    return row


def repair_open_from(penalty: Mapping[str, Any]) -> date:
    """The first day a repair application for the penalty may be made (its shortest publication period passed;
    minor information: at once)."""
    return repairable_from(_facts(penalty), policy_for(penalty["decision_date"]))


def check_application(
    data: RepairApplicationIn | HomeRepairApplicationIn,
    penalty: Mapping[str, Any],
    also: Sequence[FieldError] = (),
    as_home: bool = False,
) -> dict[str, Any]:
    """Check an application's fields and that repair is open for the penalty on the day applied; `also` are
    problems found before (the evidence files), reported with the fields' own. `as_home`: the home applies
    today with the commitment text it was shown (its own `applied_on` and `commitment`, if any, are not read).

    Raises ValidationFailed naming the field, or ProcedureRefused (revoked, already repaired, too early).
    """
    check = Checker(data)
    for problem in also:
        check.errors.append(problem)
    clean: dict[str, Any] = {
        "applicant_name": check.text("applicant_name", max_length=100),
        "applicant_contact": check.text("applicant_contact", max_length=100),
        "statement": check.text("statement", max_length=4000),
        "obligations_met_on": check.day("obligations_met_on", not_after=today()),
        "evidence": check.text("evidence", max_length=4000),
        "commitment": COMMITMENT_ZH if as_home else check.text("commitment", max_length=4000),
        "applied_on": today() if as_home else check.day("applied_on", required=False, not_after=today()) or today(),
    }
    met = clean["obligations_met_on"]
    if met and met < penalty["decision_date"]:
        check.fail("obligations_met_on", Reason("before_decision_date"), data.obligations_met_on)
    if met and met > clean["applied_on"]:
        check.fail("obligations_met_on", Reason("after_application_day"), data.obligations_met_on)
    if clean["applied_on"] < penalty["decision_date"]:
        check.fail("applied_on", Reason("before_decision_date"), getattr(data, "applied_on", None))
    check.done()
    if penalty["revoked"]:
        raise ProcedureRefused("penalty", Reason("penalty_revoked"))
    if penalty["repaired_on"] is not None:
        raise ProcedureRefused("penalty", Reason("already_repaired", date=penalty["repaired_on"].isoformat()))
    opens = repair_open_from(penalty)
    if clean["applied_on"] < opens:
        raise ProcedureRefused(
            "applied_on", Reason("repair_not_open", date=opens.isoformat(), severity=penalty["severity"])
        )
    return clean


def _home_problems(data: RepairApplicationIn | HomeRepairApplicationIn, by: Principal) -> list[FieldError]:
    """A home applies only once it ticked `agree` (a form's checkbox text or the JSON flag); others never do."""
    if by.role != INSTITUTION:
        return []
    agreed = str(getattr(data, AGREE_FIELD, "")).strip().lower() in {"1", "true", "on", "yes"}
    return [] if agreed else [FieldError(AGREE_FIELD, NOT_AGREED)]


async def apply(
    penalty_id: int,
    data: RepairApplicationIn | HomeRepairApplicationIn,
    by: Principal,
    uploads: Sequence[evidence.Upload] = (),
) -> dict[str, Any]:
    """Record a repair application for the penalty, with its evidence files (`uploads`, checked by
    credit.evidence). Civil affairs in scope records it for the subject (RepairApplicationIn); the home's own
    user applies for a penalty of its home (HomeRepairApplicationIn; the home API's RepairFiling carries its files
    too, read into `uploads`), dated today, agreeing (`agree`) to the commitment text (credit.evidence.commitment).

    Returns the stored application (with its due date: applied_on + the policy's working days) and its
    `files`. Raises NotFound, Forbidden, ValidationFailed (fields and files together), or ProcedureRefused
    (revoked, already repaired, before the shortest period, or an application is already open). A refused
    application leaves no row and no file."""
    problems = _home_problems(data, by)
    files: list[evidence.Checked] = []
    try:
        files = evidence.check(uploads)
    except ValidationFailed as error:
        problems += error.errors
    try:
        async with evidence.kept(files) as keys:
            return await _apply(penalty_id, data, by, problems, files, keys)
    except Exception as error:
        if db.is_unique_violation(error):
            raise ProcedureRefused("penalty", Reason("repair_open_already")) from None
        raise


async def _apply(
    penalty_id: int,
    data: RepairApplicationIn | HomeRepairApplicationIn,
    by: Principal,
    problems: list[FieldError],
    files: Sequence[evidence.Checked],
    keys: Sequence[str],
) -> dict[str, Any]:
    async with db.transaction():
        penalty = await _penalty_for_applicant(penalty_id, by)
        clean = check_application(data, penalty, problems, as_home=by.role == INSTITUTION)
        if (
            await RepairApplication.exists()
            .where((RepairApplication.penalty == penalty_id) & (RepairApplication.status == APPLIED))
            .run()
        ):
            raise ProcedureRefused("penalty", Reason("repair_open_already"))
        days = _decision_days(clean["applied_on"])
        due = calendar().add_working_days(clean["applied_on"], days)
        row = RepairApplication(
            penalty=penalty_id,
            **clean,
            status=APPLIED,
            due_on=due.day,
            due_confirmed=due.confirmed,
            recorded_by=by.username,
            created_at=now_utc(),
            version=1,
        )
        await row.save().run()
        stored = _out(row.to_dict())
        attached = await evidence.record(files, keys, "repair", row.id, penalty["institution"], by.username)
        # the profile shows the commitment while the application runs
        await record_changed(
            audit=Audit(
                by.username,
                "repair.apply",
                "repair_application",
                row.id,
                {"after": stored, **({"files": attached} if attached else {})},
            ),
            institutions=[penalty["institution"]],
        )
    return {**stored, "files": attached}


def _decision_days(applied_on: date) -> int:
    rules = policy_for(applied_on).order36 or policy_for(today()).order36
    if rules is None:
        raise ProcedureRefused("applied_on", Reason("repair_no_policy"))
    return rules.repair_decision_working_days


async def decide(penalty_id: int, application_id: int, data: RepairDecisionIn, by: Principal) -> dict[str, Any]:
    """Accept or reject an open application with reasons (`decision`: accept | reject, `reasons`, `version`).

    Accepting repairs the penalty from the decision day: the institution is rescored and a `penalty`/`repaired`
    feed event tells the agencies. Raises NotFound, Forbidden, ValidationFailed, ProcedureRefused (not open)
    or StaleVersion.
    """
    check = Checker(data)
    decision = check.choice("decision", tuple(DECISIONS))
    reasons = check.text("reasons", max_length=4000)
    version = check.integer("version", minimum=1)
    check.done()
    assert version is not None  # required: check.done() raised otherwise
    async with db.transaction():
        on, status = today(), DECISIONS[decision]
        penalty, stored = await _close(penalty_id, application_id, version, status, reasons, by, _penalty_in_scope)
        if status == ACCEPTED:
            await (
                Penalty.update({Penalty.repaired_on: on, Penalty.version: Penalty.version + 1})
                .where(Penalty.id == penalty_id)
                .run()
            )
        await record_changed(
            audit=Audit(
                by.username,
                f"repair.{decision}",
                "repair_application",
                application_id,
                {"changes": {"status": [APPLIED, status], "reasons": reasons}},
            ),
            institutions=[penalty["institution"]],
        )
        if status == ACCEPTED:
            await record_changed(
                Event(
                    "penalty",
                    "repaired",
                    penalty_id,
                    {
                        "id": penalty_id,
                        "institution": penalty["institution"],
                        "uscc": penalty["uscc"],
                        "decision_number": penalty["decision_number"],
                        "repaired_on": on,
                    },
                ),
                Audit(
                    by.username,
                    "penalty.repair",
                    "penalty",
                    penalty_id,
                    {"changes": {"repaired_on": [None, on]}, "application": application_id},
                ),
                institutions=[penalty["institution"]],
            )
    return stored


async def withdraw(penalty_id: int, application_id: int, data: RepairWithdrawalIn, by: Principal) -> dict[str, Any]:
    """Withdraw an open application on the applicant's request (`reasons`, `version`): civil affairs in scope
    records it, or the home's own user withdraws an application for a penalty of its home. Raises NotFound,
    Forbidden, ValidationFailed, ProcedureRefused (not open, e.g. already decided) or StaleVersion."""
    check = Checker(data)
    reasons = check.text("reasons", max_length=4000)
    version = check.integer("version", minimum=1)
    check.done()
    assert version is not None  # required: check.done() raised otherwise
    async with db.transaction():
        penalty, stored = await _close(
            penalty_id, application_id, version, WITHDRAWN, reasons, by, _penalty_for_applicant
        )
        await record_changed(
            audit=Audit(
                by.username,
                "repair.withdraw",
                "repair_application",
                application_id,
                {"changes": {"status": [APPLIED, WITHDRAWN], "reasons": reasons}},
            ),
            institutions=[penalty["institution"]],
        )
    return stored


async def _close(
    penalty_id: int,
    application_id: int,
    version: int,
    status: str,
    reasons: str,
    by: Principal,
    penalty_of: Callable[[int, Principal], Awaitable[dict[str, Any]]],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Close an open application with `status` and reasons, dated today: (the penalty, the stored application).
    `penalty_of` says who may (civil affairs in scope; for a withdrawal also the home). Inside the caller's
    transaction."""
    penalty = await penalty_of(penalty_id, by)
    current = await _application(application_id, penalty_id)
    _require_open(current)
    stored = await _move(
        current,
        version,
        {
            RepairApplication.status: status,
            RepairApplication.decided_by: by.username,
            RepairApplication.decided_on: today(),
            RepairApplication.reasons: reasons,
        },
    )
    return penalty, stored


def _require_open(application: Mapping[str, Any]) -> None:
    if application["status"] != APPLIED:
        raise ProcedureRefused("status", Reason("application_closed", status=application["status"]))


async def _move(current: Mapping[str, Any], version: int, values: dict) -> dict[str, Any]:
    updated = (
        await RepairApplication.update({**values, RepairApplication.version: version + 1})
        .where((RepairApplication.id == current["id"]) & (RepairApplication.version == version))
        .returning(RepairApplication.id)
        .run()
    )
    if not updated:
        raise StaleVersion(_out(current))
    row = await RepairApplication.select().where(RepairApplication.id == current["id"]).first().run()
    return _out(db.found(row, "repair application"))


def _out(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "created_at"}


async def applications_of(penalty_id: int, by: Principal) -> list[dict[str, Any]]:
    """Every repair application of the penalty, oldest first, each with its evidence `files` (internal: names
    and contacts in clear): for civil affairs in scope and for the home's own users. Raises NotFound or
    Forbidden."""
    await _penalty_for_applicant(penalty_id, by)
    rows = (
        await RepairApplication.select()
        .where(RepairApplication.penalty == penalty_id)
        .order_by(RepairApplication.id)
        .run()
    )
    files = await evidence.files_of("repair", (r["id"] for r in rows))
    return [{**_out(r), "files": files.get(r["id"], [])} for r in rows]


async def penalty_for_home(penalty_id: int, by: Principal) -> dict[str, Any]:
    """The penalty as the home's own user may read it (a penalty of its home). Raises NotFound."""
    if by.role != INSTITUTION:
        raise Forbidden("only the home's own users")
    return await _penalty_for_applicant(penalty_id, by)


async def get_application(penalty_id: int, application_id: int, by: Principal) -> dict[str, Any]:
    await _penalty_in_scope(penalty_id, by)
    return _out(await _application(application_id, penalty_id))


async def open_applications(by: Principal, on: date | None = None) -> list[dict[str, Any]]:
    """The open applications of the institutions in `by`'s scope, oldest due first, each with `overdue`
    (its due date has passed on `on`), the penalty's decision number and the institution's name."""
    require_civil_affairs(by)
    on = on or today()
    rows = (
        await RepairApplication.select(
            *RepairApplication.all_columns(),
            RepairApplication.penalty.decision_number.as_alias("decision_number"),
            RepairApplication.penalty.institution.as_alias("institution"),
            RepairApplication.penalty._.institution._.name.as_alias("institution_name"),
            RepairApplication.penalty._.institution._.district_code.as_alias("district_code"),
        )
        .where(RepairApplication.status == APPLIED)
        .order_by(RepairApplication.due_on)
        .order_by(RepairApplication.id)
        .run()
    )
    return [
        {**_out(r), "overdue": r["due_on"] < on}
        for r in rows
        if r["institution"] is not None and can_write_institution(by, r["district_code"])
    ]
