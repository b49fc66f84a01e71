"""Record operations: penalties, gradings and fire inspections (one transaction per public call)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from credit import db
from credit.accounts.roles import AGENCY, AGENCY_OFFICER, Principal, require_agency, require_unmatched_penalty
from credit.changes import Audit, Event, record_changed
from credit.errors import Duplicate, FieldError, Forbidden, NotFound, StaleVersion, ValidationFailed
from credit.identifiers import FREE_TEXT_FIELDS, check_uscc, keep_stored_free_text
from credit.listings.behaviours import CODES as BEHAVIOUR_CODES
from credit.listings.service import on_penalty_revoked
from credit.money import penalty_columns, penalty_values
from credit.public.facts import load_facts
from credit.public.view import PUBLIC_PENALTY_FIELDS, public_penalty  # noqa: F401  (re-exported)
from credit.reasons import Reason
from credit.records import classes
from credit.records.tables import FireChecklistItem, FireInspection, Grading, MajorHazard, Penalty
from credit.registry.service import institution_in_scope
from credit.registry.tables import Institution
from credit.timeutil import now_utc, today
from credit.validation import Checker
from scoring import (
    FIRE_AREAS,
    HAZARD_CATEGORIES,
    FireInspection as InspectionFacts,
    MajorHazard as HazardFacts,
    decided_level_problems,
    fire_outcome,
    grading_eligibility,
    grading_level,
    policy_for,
)
from scoring.dates import add_months
from scoring.facts import GRADING_PARTS, ItemResult

if TYPE_CHECKING:  # the schemas name this module's constants: imported for the signatures only
    from credit.records.schemas import FireInspectionIn, GradingIn, PenaltyIn, PenaltyUpdate

SEVERITIES = ("minor", "general", "serious")
SUBJECT_KINDS = ("legal_person", "natural_person", "individual_business")
LISTING_BEHAVIOURS = BEHAVIOUR_CODES  # 民发〔2019〕103号, see credit.listings.behaviours
SUBJECT_FIELDS = ("subject_name", "uscc", "legal_representative")  # left out of a body: the record's own
P = TypeVar("P", bound="PenaltyIn")


def default_severity(penalty_kind: str, fine_yuan: Decimal | None = None, decision_date: date | None = None) -> str:
    """The class a penalty gets when the reporter states none: the policy's classification table (NDRC Order
    No. 36) over its 处罚类别 (several kinds: the most severe) and the fine (see credit.records.classes)."""
    return classes.severity_of(penalty_kind, fine_yuan, decision_date or today())


def check_penalty(
    data: Mapping[str, Any] | msgspec.Struct, prefix: str = "", fine_scale: Decimal = Decimal(1)
) -> tuple[dict[str, Any], Checker]:
    """Convert and check a penalty in the 双公示 fields, given as a body struct (PenaltyIn) or as an import
    row's or a report's mapping. Returns (clean values, checker)."""
    check = Checker(data, prefix)
    clean: dict[str, Any] = {}
    clean["subject_name"] = check.text("subject_name", max_length=200)
    clean["subject_kind"] = check.choice("subject_kind", SUBJECT_KINDS, required=False, default="legal_person")
    raw_uscc = check.text("uscc", required=clean["subject_kind"] != "natural_person", max_length=18)
    clean["uscc"] = ""
    if raw_uscc:
        clean["uscc"], reason = check_uscc(raw_uscc.upper())
        if reason:
            check.fail("uscc", reason, raw_uscc)
    clean["legal_representative"] = check.text("legal_representative", required=False, max_length=100)
    clean["decision_number"] = check.text("decision_number", max_length=100)
    clean["violation_type"] = check.text("violation_type", required=False, max_length=200)
    clean["facts"] = check.text("facts", max_length=4000)
    clean["legal_basis"] = check.text("legal_basis", max_length=2000)
    clean["penalty_kind"] = check.text("penalty_kind", max_length=100)
    clean["content"] = check.text("content", max_length=4000)
    clean["fine_yuan"] = check.amount("fine_yuan", scale=fine_scale)
    clean["decision_date"] = check.day("decision_date", not_after=today())
    clean["deciding_agency"] = check.text("deciding_agency", max_length=200)
    clean["source_agency"] = check.text("source_agency", required=False, max_length=200) or clean["deciding_agency"]
    clean["publication_end"] = check.day("publication_end", required=False)
    if clean["publication_end"] and clean["decision_date"] and clean["publication_end"] < clean["decision_date"]:
        check.fail("publication_end", Reason("before_decision_date"), check.given("publication_end"))
    # An agency's explicit severity wins over the policy's classification table.
    clean["severity"] = check.choice(
        "severity",
        SEVERITIES,
        required=False,
        default=default_severity(clean["penalty_kind"] or "", clean["fine_yuan"], clean["decision_date"]),
    )
    clean["is_fire_safety"] = check.flag("is_fire_safety")
    clean["listing_behaviour"] = check.choice("listing_behaviour", LISTING_BEHAVIOURS, required=False)
    clean["rectified_on"] = check.day("rectified_on", required=False, not_after=today())
    return clean, check


def _with_subject(data: P, record: Mapping[str, Any]) -> P:
    """`data` with the subject's name, USCC and legal representative it leaves out taken from `record`."""
    return msgspec.structs.replace(data, **{k: record[k] for k in SUBJECT_FIELDS if getattr(data, k) is None})


def payload_digest(clean: Mapping[str, Any]) -> str:
    """A digest of what was reported, so a repeated report can be told from a different one."""
    body = json.dumps({k: clean[k] for k in sorted(clean)}, ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


async def insert_penalty(clean: Mapping[str, Any], actor: str, reporting_agency: str = "") -> int:
    """Store a checked penalty inside the caller's transaction, matched to an institution by USCC.

    An unknown USCC is kept in the review queue (match_status "review"), never dropped.
    Raises Duplicate when the reporter already used the decision number.
    """
    if (
        await Penalty.exists()
        .where((Penalty.reporting_agency == reporting_agency) & (Penalty.decision_number == clean["decision_number"]))
        .run()
    ):
        raise Duplicate("decision_number", clean["decision_number"])
    institution = None
    if clean["uscc"]:
        institution = await Institution.select(Institution.id).where(Institution.uscc == clean["uscc"]).first().run()
    row = Penalty(
        **penalty_columns(clean),
        reporting_agency=reporting_agency,
        created_at=now_utc(),
        version=1,
        institution=institution["id"] if institution else None,
        match_status="matched" if institution else "review",
        payload_digest=payload_digest(clean),
    )
    await row.save().run()
    data = public_penalty(row.to_dict())
    await record_changed(
        Event("penalty", "created", row.id, data),
        Audit(actor, "penalty.create", "penalty", row.id, {"after": data}),
        institutions=[institution["id"] if institution else None],
    )
    return row.id


async def insert_grading(institution_id: int, values: Mapping[str, Any], actor: str) -> int:
    """Store a grading decision (values already checked) inside the caller's transaction."""
    row = Grading(institution=institution_id, **values, created_at=now_utc(), version=1)
    await row.save().run()
    data = {k: v for k, v in row.to_dict().items() if k != "created_at"}
    await record_changed(
        Event("rating", "created", row.id, data),
        Audit(actor, "grading.create", "grading", row.id, {"after": data}),
        institutions=[institution_id],
    )
    return row.id


async def insert_fire_inspection(
    institution_id: int,
    values: Mapping[str, Any],
    checklist: Mapping[str, str],
    hazards: list[Mapping[str, Any]],
    actor: str,
) -> int:
    """Store an inspection with its checklist items and major hazards inside the caller's transaction."""
    inspection = FireInspection(institution=institution_id, **values, created_at=now_utc(), version=1)
    await inspection.save().run()
    if checklist:
        await FireChecklistItem.insert(
            *[
                FireChecklistItem(inspection=inspection.id, area=area, result=result)
                for area, result in checklist.items()
            ]
        ).run()
    for hazard in hazards:
        await (
            MajorHazard(institution=institution_id, inspection=inspection.id, **hazard, created_at=now_utc(), version=1)
            .save()
            .run()
        )
    data = {"institution": institution_id, **values, "checklist": dict(checklist), "hazards": hazards}
    await record_changed(
        Event("fire_inspection", "created", inspection.id, data),
        Audit(actor, "fire_inspection.create", "fire_inspection", inspection.id, {"after": data}),
        institutions=[institution_id],
    )
    return inspection.id


FIRE_INSPECTOR_AGENCY = "fire_rescue"


def _reporter_of(by: Principal) -> str:
    """Penalties entered by an agency officer belong to the agency; regulators' to no agency ("")."""
    return by.agency_code if by.role == AGENCY_OFFICER else ""


async def _penalty_in_scope(penalty_id: int, by: Principal) -> dict[str, Any]:
    """The stored penalty if `by` may change it. Raises NotFound or Forbidden.

    An agency (officer or key) changes only its own agency's penalties; a regulator those of institutions in
    its scope; an unmatched penalty (no institution) only its reporting agency or a city-level regulator.
    """
    row = await Penalty.select().where(Penalty.id == penalty_id).first().run()
    if row is None:
        raise NotFound(f"penalty {penalty_id}")
    if row["institution"] is None:
        require_unmatched_penalty(by, row["reporting_agency"])
    elif by.role in (AGENCY_OFFICER, AGENCY):
        require_agency(by, row["reporting_agency"])
    else:
        await institution_in_scope(row["institution"], by)
    return row


async def create_penalty(institution_id: int, data: PenaltyIn, by: Principal) -> dict[str, Any]:
    """Record a penalty against an institution (subject name and USCC default to the institution's).

    Returns the stored penalty. Raises ValidationFailed, NotFound, Forbidden (regulator outside its
    district), or Duplicate (the decision number is already recorded by the same reporter).
    """
    async with db.transaction():
        institution = await _institution_for_record(institution_id, by)
        own = {
            "subject_name": institution["name"],
            "uscc": institution["uscc"],
            "legal_representative": institution["legal_representative"],
        }
        clean, check = check_penalty(_with_subject(data, own))
        if clean["uscc"] and clean["uscc"] != institution["uscc"]:
            check.fail("uscc", Reason("uscc_not_this_institution"), clean["uscc"])
        check.done()
        penalty_id = await insert_penalty(clean, by.username, _reporter_of(by))
    return await get_penalty(penalty_id)


async def _institution_for_record(institution_id: int, by: Principal) -> dict[str, Any]:
    """Institution row for writing a record; agency officers may record against any institution."""
    if by.role == AGENCY_OFFICER:
        row = await Institution.select().where(Institution.id == institution_id).first().run()
        if row is None:
            raise NotFound(f"institution {institution_id}")
        return row
    return await institution_in_scope(institution_id, by)


async def update_penalty(penalty_id: int, data: PenaltyUpdate, by: Principal) -> dict[str, Any]:
    """Full update of a penalty, including rectification and revocation (revoked_on), of the `version` read
    (`data.version`). The subject's name, USCC and legal representative left out stay as stored; a free-text
    field sent back exactly as its masked read keeps the stored text.

    Raises NotFound, Forbidden, ValidationFailed, Duplicate or StaleVersion (with the current record).
    """
    version = data.version
    async with db.transaction():
        current = penalty_values(await _penalty_in_scope(penalty_id, by))
        data = _with_subject(data, current)
        sent = {k: getattr(data, k) for k in data.__struct_fields__ if k in FREE_TEXT_FIELDS}
        data = msgspec.structs.replace(data, **keep_stored_free_text(sent, current))
        clean, check = check_penalty(data)
        revoked = check.flag("revoked")
        revoked_on = check.day("revoked_on", required=revoked, not_after=today())
        check.done()
        if (
            clean["decision_number"] != current["decision_number"]
            and await Penalty.exists()
            .where(
                (Penalty.reporting_agency == current["reporting_agency"])
                & (Penalty.decision_number == clean["decision_number"])
            )
            .run()
        ):
            raise Duplicate("decision_number", clean["decision_number"])
        values = {**clean, "revoked": revoked, "revoked_on": revoked_on if revoked else None}
        changes = {k: [current[k], v] for k, v in values.items() if current.get(k) != v}
        updated = (
            await Penalty.update({**db.update_values(penalty_columns(values)), Penalty.version: version + 1})
            .where((Penalty.id == penalty_id) & (Penalty.version == version))
            .returning(Penalty.id)
            .run()
        )
        if not updated:
            raise StaleVersion(await get_penalty(penalty_id))
        if revoked and not current["revoked"]:
            assert revoked_on is not None  # required when revoked: check.done() raised otherwise
            await on_penalty_revoked(penalty_id, revoked_on, by)
        after = await get_penalty(penalty_id)
        await record_changed(
            Event("penalty", "revoked" if revoked and not current["revoked"] else "updated", penalty_id, after),
            Audit(by.username, "penalty.update", "penalty", penalty_id, {"changes": changes}),
            institutions=[current["institution"]],
        )
    return after


async def reporting_agency_of(penalty_id: int) -> str:
    """The agency code that reported the penalty ("" when a regulator or an import entered it). Raises NotFound."""
    row = await Penalty.select(Penalty.reporting_agency).where(Penalty.id == penalty_id).first().run()
    if row is None:
        raise NotFound(f"penalty {penalty_id}")
    return row["reporting_agency"]


async def get_penalty(penalty_id: int) -> dict[str, Any]:
    row = await Penalty.select().where(Penalty.id == penalty_id).first().run()
    if row is None:
        raise NotFound(f"penalty {penalty_id}")
    return public_penalty(row)


def check_grading(data: GradingIn, policy) -> tuple[dict[str, Any], Checker]:
    """Check a grading decision. The level is the assessment committee's when it is given (`level`), else the
    level the four part scores earn under the policy."""
    check = Checker(data)
    clean: dict[str, Any] = {"decided_on": check.day("decided_on", not_after=today())}
    maxima = policy.grading.part_maxima
    for part in GRADING_PARTS:
        clean[part] = check.integer(part, minimum=0, maximum=getattr(maxima, part))
    clean["decision_number"] = check.text("decision_number", required=False, max_length=100)
    clean["assessor"] = check.text("assessor", required=False, max_length=200)
    levels = sorted(policy.grading.level_thresholds)
    decided = check.integer("level", required=False, minimum=levels[0], maximum=levels[-1])
    parts = [clean[p] for p in GRADING_PARTS]
    if not check.errors and None not in parts:
        if decided is not None:
            clean["level"] = decided
        else:
            environment, facilities, operations, services = parts  # within their maxima: no GradingError
            clean["level"] = grading_level(environment, facilities, operations, services, policy)
            if clean["level"] is None:
                lowest = min(policy.grading.level_thresholds.values())
                check.fail("services", Reason("grading_below_lowest", total=sum(parts), lowest=lowest), sum(parts))
    if clean["decided_on"]:
        clean["expires_on"] = add_months(clean["decided_on"], 12 * policy.grading.validity_years)
    return clean, check


async def create_grading(institution_id: int, data: GradingIn, by: Principal) -> dict[str, Any]:
    """Record a grading decision (等级评定). Refused while the institution is listed or has a recent
    serious penalty, and when the committee's decided level breaks the policy's per-part minimums or the cap on a
    home's first grading.

    Returns the stored grading. Raises ValidationFailed, NotFound or Forbidden.
    """
    policy = policy_for(today())
    clean, check = check_grading(data, policy)
    check.done()
    async with db.transaction():
        await institution_in_scope(institution_id, by)
        facts = (await load_facts([institution_id], clean["decided_on"]))[institution_id]
        reasons = grading_eligibility(facts, policy, clean["decided_on"])
        if reasons:
            raise ValidationFailed(
                [
                    FieldError("institution", Reason("grading_not_eligible", label_en=r.label_en, label_zh=r.label_zh))
                    for r in reasons
                ]
            )
        first_grading = not any(g.decided_on <= clean["decided_on"] for g in facts.gradings)
        problems = decided_level_problems(clean["level"], {p: clean[p] for p in GRADING_PARTS}, first_grading, policy)
        if problems:
            raise ValidationFailed([FieldError(p.field, Reason(p.code, **p.params)) for p in problems])
        grading_id = await insert_grading(institution_id, clean, by.username)
    return await get_grading(grading_id)


async def get_grading(grading_id: int) -> dict[str, Any]:
    row = await Grading.select().where(Grading.id == grading_id).first().run()
    if row is None:
        raise NotFound(f"grading {grading_id}")
    return {k: v for k, v in row.items() if k != "created_at"}


def check_fire_inspection(
    data: FireInspectionIn,
) -> tuple[dict[str, Any], dict[str, ItemResult], list[Mapping[str, Any]], Checker]:
    """Check an inspection: date, the seven-area checklist (pass / fail / na) and any major hazards."""
    check = Checker(data)
    values = {
        "inspected_on": check.day("inspected_on", not_after=today()),
        "inspector": check.text("inspector", required=False, max_length=200),
        "note": check.text("note", required=False, max_length=4000),
    }
    raw_checklist: Mapping[str, Any] = data.checklist or {}  # a form's unticked area: None
    checklist: dict[str, ItemResult] = {}
    for area in FIRE_AREAS:
        result = raw_checklist.get(area)
        if result not in ("pass", "fail", "na"):
            check.fail(f"checklist.{area}", Reason("pass_fail_na"), result)
        else:
            checklist[area] = result
    for area in set(raw_checklist) - set(FIRE_AREAS):
        check.fail(f"checklist.{area}", Reason("unknown_checklist_area"), area)
    hazards: list[Mapping[str, Any]] = []
    for n, raw in enumerate(data.hazards or []):
        item = Checker(raw, prefix=f"hazards.{n}.")
        hazard: dict[str, Any] = {
            "category": item.choice("category", HAZARD_CATEGORIES),
            "description": item.text("description", max_length=2000),
            "found_on": item.day("found_on", required=False, not_after=today()) or values["inspected_on"],
            "rectify_by": item.day("rectify_by"),
            "rectified_on": item.day("rectified_on", required=False, not_after=today()),
        }
        if hazard["rectify_by"] and hazard["found_on"] and hazard["rectify_by"] < hazard["found_on"]:
            item.fail("rectify_by", Reason("before_hazard_found"), raw.rectify_by)
        check.errors += item.errors
        hazards.append(hazard)
    return values, checklist, hazards, check


async def create_fire_inspection(institution_id: int, data: FireInspectionIn, by: Principal) -> dict[str, Any]:
    """Record a fire-safety inspection with its checklist and major hazards (重大事故隐患).

    Regulators in scope and fire-rescue officers may record. Returns the stored inspection with its
    outcome. Raises ValidationFailed, NotFound or Forbidden.
    """
    values, checklist, hazards, check = check_fire_inspection(data)
    check.done()
    if by.role == AGENCY_OFFICER and by.agency_code != FIRE_INSPECTOR_AGENCY:
        raise Forbidden("only fire rescue officers and regulators record fire inspections")
    policy = policy_for(values["inspected_on"])
    facts = [
        HazardFacts(
            id=n,
            category=h["category"],
            found_on=h["found_on"],
            rectify_by=h["rectify_by"],
            rectified_on=h["rectified_on"],
        )
        for n, h in enumerate(hazards)
    ]
    outcome = fire_outcome(
        InspectionFacts(id=0, inspected_on=values["inspected_on"], checklist=checklist),
        facts,
        policy,
        values["inspected_on"],
    )
    assert outcome is not None  # an inspection always has an outcome
    async with db.transaction():
        await _institution_for_record(institution_id, by)
        inspection_id = await insert_fire_inspection(
            institution_id, {**values, "outcome": outcome.value}, checklist, hazards, by.username
        )
    return await get_fire_inspection(inspection_id)


async def get_fire_inspection(inspection_id: int) -> dict[str, Any]:
    row = await FireInspection.select().where(FireInspection.id == inspection_id).first().run()
    if row is None:
        raise NotFound(f"fire inspection {inspection_id}")
    items = await FireChecklistItem.select().where(FireChecklistItem.inspection == inspection_id).run()
    hazards = await MajorHazard.select().where(MajorHazard.inspection == inspection_id).run()
    return {
        **{k: v for k, v in row.items() if k != "created_at"},
        "checklist": {i["area"]: i["result"] for i in items},
        "hazards": [{k: v for k, v in h.items() if k != "created_at"} for h in hazards],
    }


async def rectify_hazard(hazard_id: int, rectified_on_text: str, version: int, by: Principal) -> dict[str, Any]:
    """Record that a major hazard was rectified on a date. Raises NotFound, Forbidden,
    ValidationFailed or StaleVersion."""
    check = Checker({"rectified_on": rectified_on_text})
    rectified_on = check.day("rectified_on", not_after=today())
    async with db.transaction():
        row = await MajorHazard.select().where(MajorHazard.id == hazard_id).first().run()
        if row is None:
            raise NotFound(f"hazard {hazard_id}")
        if by.role == AGENCY_OFFICER and by.agency_code != FIRE_INSPECTOR_AGENCY:
            raise Forbidden("only fire rescue officers and regulators record fire-safety rectification")
        await _institution_for_record(row["institution"], by)
        if rectified_on and rectified_on < row["found_on"]:
            check.fail("rectified_on", Reason("before_hazard_found"), rectified_on_text)
        check.done()
        updated = (
            await MajorHazard.update({MajorHazard.rectified_on: rectified_on, MajorHazard.version: version + 1})
            .where((MajorHazard.id == hazard_id) & (MajorHazard.version == version))
            .returning(MajorHazard.id)
            .run()
        )
        if not updated:
            raise StaleVersion({k: v for k, v in row.items() if k != "created_at"})
        await record_changed(
            Event(
                "fire_inspection",
                "hazard_rectified",
                hazard_id,
                {"institution": row["institution"], "hazard": hazard_id, "rectified_on": rectified_on},
            ),
            Audit(
                by.username,
                "hazard.rectify",
                "hazard",
                hazard_id,
                {"changes": {"rectified_on": [row["rectified_on"], rectified_on]}},
            ),
            institutions=[row["institution"]],
        )
    return {**{k: v for k, v in row.items() if k != "created_at"}, "rectified_on": rectified_on, "version": version + 1}
