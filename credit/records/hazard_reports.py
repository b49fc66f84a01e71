"""Rectification of a major hazard reported by the home itself (隐患整改情况报告), confirmed by a regulator.

The home's user reports, for an open major hazard (重大事故隐患) of its own, the date the rectification was complete
and what was done; the hazard then shows "rectification reported, awaiting confirmation" to the home and in the
workspace. Only a civil-affairs regulator of the home's district decides: confirming records the rectification
through `rectify_hazard` (the one path that sets `rectified_on`, with its feed event, audit and public refresh);
refusing keeps the hazard open and gives the home the reasons. Until a confirmation the hazard is open everywhere,
the public side and the score included. At most one report awaits a decision per hazard (a partial unique index).

The report may carry evidence files (PDF/JPEG/PNG, credit.evidence, owner kind `hazard_report`) beside the optional
text description `evidence`; the home's users and civil-affairs regulators in scope read them. A refused filing
keeps no row and no file; the audit entry names each file's sha256.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from credit import db
from credit.accounts.roles import INSTITUTION, REGULATORS, Principal, can_write_institution, require_scope
from credit.changes import Audit, record_changed
from credit.errors import FieldError, Forbidden, NotFound, ProcedureRefused, ValidationFailed
from credit.evidence import service as evidence
from credit.reasons import Reason
from credit.records.schemas import HazardReportDecisionIn, HazardReportIn
from credit.records.service import rectify_hazard
from credit.records.tables import HazardReport, MajorHazard
from credit.registry.tables import Institution
from credit.timeutil import now_utc, today
from credit.validation import Checker

TEXT_MAX_LENGTH = 4000
EVIDENCE_MAX_LENGTH = 2000
REASONS_MAX_LENGTH = 2000
REPORTED, CONFIRMED, REFUSED = "reported", "confirmed", "refused"
STATUSES = (REPORTED, CONFIRMED, REFUSED)
DECISIONS = (CONFIRMED, REFUSED)
OWNER_KIND = "hazard_report"  # the evidence files' owner kind (credit.evidence.tables.OWNER_KINDS)


async def _home_id(by: Principal) -> int:
    if by.role != INSTITUTION or not by.institution_uscc:
        raise Forbidden("only the home's own users report the rectification of its hazards")
    row = await Institution.select(Institution.id).where(Institution.uscc == by.institution_uscc).first().run()
    if row is None:  # an account whose home is not registered sees nothing
        raise NotFound(f"institution {by.institution_uscc}")
    return row["id"]


async def _hazard(hazard_id: int) -> dict[str, Any]:
    row = await MajorHazard.select().where(MajorHazard.id == hazard_id).first().run()
    if row is None:
        raise NotFound(f"hazard {hazard_id}")
    return row


async def _own_hazard(hazard_id: int, by: Principal) -> dict[str, Any]:
    """The hazard if it belongs to the user's home; another home's is NotFound (numbers reveal nothing)."""
    home_id = await _home_id(by)
    hazard = await _hazard(hazard_id)
    if hazard["institution"] != home_id:
        raise NotFound(f"hazard {hazard_id}")
    return hazard


async def reports_of(hazard_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The reports of these hazards, oldest first, per hazard, each with its evidence `files` (without the
    regulator's login name)."""
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in hazard_ids}
    if not hazard_ids:
        return found
    rows = await HazardReport.select().where(HazardReport.hazard.is_in(hazard_ids)).order_by(HazardReport.id).run()
    files = await evidence.files_of(OWNER_KIND, (r["id"] for r in rows))
    for row in rows:
        found[row["hazard"]].append(
            {**{k: v for k, v in row.items() if k != "decided_by"}, "files": files.get(row["id"], [])}
        )
    return found


def awaiting(reports: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The report that awaits a regulator's decision, if any."""
    return next((r for r in reports if r["status"] == REPORTED), None)


async def hazards_of_home(by: Principal) -> list[dict[str, Any]]:
    """Every major hazard of the user's home, open ones first, each with its reports and `awaiting` (the report
    still to be decided, or None)."""
    rows = (
        await MajorHazard.select()
        .where(MajorHazard.institution == await _home_id(by))
        .order_by(MajorHazard.rectify_by)
        .order_by(MajorHazard.id)
        .run()
    )
    reports = await reports_of([r["id"] for r in rows])
    hazards = [
        {**{k: v for k, v in r.items() if k != "created_at"}, "reports": reports[r["id"]]}
        | {"awaiting": awaiting(reports[r["id"]])}
        for r in rows
    ]
    return sorted(hazards, key=lambda h: h["rectified_on"] is not None)


async def hazard_of_home(hazard_id: int, by: Principal) -> dict[str, Any]:
    """One hazard of the user's home with its reports. Raises NotFound (another home's) or Forbidden."""
    hazard = await _own_hazard(hazard_id, by)
    reports = (await reports_of([hazard_id]))[hazard_id]
    return {**{k: v for k, v in hazard.items() if k != "created_at"}, "reports": reports, "awaiting": awaiting(reports)}


async def report_rectification(
    hazard_id: int, data: HazardReportIn, by: Principal, uploads: Sequence[evidence.Upload] = ()
) -> dict[str, Any]:
    """The home reports that it rectified one of its open major hazards: `rectified_on` (not in the future, not
    before the hazard was found), `text` (what was done), optional `evidence` (a description) and evidence files
    (`uploads`, checked by credit.evidence). Returns the report with its `files`.

    Raises ValidationFailed (fields and files together), ProcedureRefused on `rectified_on` (the hazard is
    rectified already) or on `text` (a report awaits a decision already), NotFound (no such hazard of this home),
    Forbidden (not a home's user). A refused report leaves no row and no file.
    """
    check = Checker(data)
    rectified_on = check.day("rectified_on", not_after=today())
    text = check.text("text", max_length=TEXT_MAX_LENGTH)
    described = check.text("evidence", required=False, max_length=EVIDENCE_MAX_LENGTH)
    files: list[evidence.Checked] = []
    try:
        files = evidence.check(uploads)
    except ValidationFailed as error:
        check.errors.extend(error.errors)
    check.done()
    try:
        async with evidence.kept(files) as keys, db.transaction():
            hazard = await _own_hazard(hazard_id, by)
            if hazard["rectified_on"] is not None:
                raise ProcedureRefused("rectified_on", Reason("hazard_rectified", date=str(hazard["rectified_on"])))
            if rectified_on < hazard["found_on"]:
                raise ValidationFailed([FieldError("rectified_on", Reason("before_hazard_found"), str(rectified_on))])
            row = HazardReport(
                hazard=hazard_id,
                rectified_on=rectified_on,
                text=text,
                evidence=described,
                status=REPORTED,
                reported_by=by.username,
                reported_at=now_utc(),
            )
            await row.save().run()
            attached = await evidence.record(files, keys, OWNER_KIND, row.id, hazard["institution"], by.username)
            audit = {"report": row.id, "rectified_on": rectified_on, "institution": hazard["institution"]}
            await record_changed(
                None,
                Audit(
                    by.username,
                    "hazard.rectification_reported",
                    "hazard",
                    hazard_id,
                    {**audit, **({"files": attached} if attached else {})},  # each file with its sha256
                ),
            )
    except Exception as error:
        if db.is_unique_violation(error):  # one report awaiting a decision per hazard
            raise ProcedureRefused("text", Reason("hazard_report_waiting")) from error
        raise
    return {**await _report(row.id), "files": (await evidence.files_of(OWNER_KIND, [row.id])).get(row.id, [])}


async def _report(report_id: int) -> dict[str, Any]:
    row = await HazardReport.select().where(HazardReport.id == report_id).first().run()
    if row is None:
        raise NotFound(f"hazard report {report_id}")
    return row


def _require_regulator(by: Principal, district_code: str) -> None:
    if by.role not in REGULATORS:
        raise Forbidden("civil affairs confirms a home's report of rectification")
    require_scope(by, district_code)  # an empty district is in no district regulator's scope


async def pending_reports(by: Principal) -> list[dict[str, Any]]:
    """The reports awaiting a decision that `by` may decide, oldest first, each with its hazard and home."""
    if by.role not in REGULATORS:
        raise Forbidden("civil affairs confirms a home's report of rectification")
    home: Any = HazardReport.hazard.institution  # a join of two steps: Piccolo types the second one loosely
    rows = (
        await HazardReport.select(
            *HazardReport.all_columns(),
            HazardReport.hazard.category.as_alias("category"),
            HazardReport.hazard.description.as_alias("description"),
            HazardReport.hazard.found_on.as_alias("found_on"),
            HazardReport.hazard.rectify_by.as_alias("rectify_by"),
            home.id.as_alias("institution_id"),
            home.name.as_alias("institution_name"),
            home.district_code.as_alias("district_code"),
        )
        .where(HazardReport.status == REPORTED)
        .order_by(HazardReport.id)
        .run()
    )
    mine = [r for r in rows if can_write_institution(by, r["district_code"])]
    files = await evidence.files_of(OWNER_KIND, (r["id"] for r in mine))
    return [{**r, "files": files.get(r["id"], [])} for r in mine]


async def decide_report(report_id: int, data: HazardReportDecisionIn, by: Principal) -> dict[str, Any]:
    """A civil-affairs regulator of the home's district confirms the report (`decision=confirmed`: the hazard is
    rectified on the reported date through `rectify_hazard`, so the score, feed and public side follow) or refuses
    it (`decision=refused`, `reasons` required; the hazard stays open). One transaction.

    Raises ValidationFailed, NotFound, Forbidden, ProcedureRefused on `decision` (the report was decided already).
    """
    check = Checker(data)
    decision = check.choice("decision", DECISIONS)
    reasons = check.text("reasons", required=decision == REFUSED, max_length=REASONS_MAX_LENGTH)
    check.done()
    async with db.transaction():
        report = await _report(report_id)
        hazard = await _hazard(report["hazard"])
        home = (
            await Institution.select(Institution.district_code)
            .where(Institution.id == hazard["institution"])
            .first()
            .run()
        )
        _require_regulator(by, home["district_code"] if home else "")
        closed = (
            await HazardReport.update(
                {
                    HazardReport.status: decision,
                    HazardReport.decided_by: by.username,
                    HazardReport.decided_at: now_utc(),
                    HazardReport.reasons: reasons,
                }
            )
            .where((HazardReport.id == report_id) & (HazardReport.status == REPORTED))
            .returning(HazardReport.id)
            .run()
        )
        if not closed:
            current = await _report(report_id)
            raise ProcedureRefused("decision", Reason("hazard_report_decided", status=current["status"]))
        await record_changed(
            None,
            Audit(
                by.username,
                f"hazard.rectification_{decision}",
                "hazard",
                hazard["id"],
                {"report": report_id, "rectified_on": report["rectified_on"], "reasons": reasons},
            ),
        )
        if decision == CONFIRMED and hazard["rectified_on"] is None:
            await rectify_hazard(hazard["id"], report["rectified_on"].isoformat(), hazard["version"], by)
    return await _report(report_id)
