"""Record operations: penalties, gradings and fire inspections (one transaction per public call)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any, Mapping

from credit import db
from credit.audit import service as audit
from credit.errors import Duplicate
from credit.records.tables import FireChecklistItem, FireInspection, Grading, MajorHazard, Penalty
from credit.registry.identifiers import check_uscc, mask_name
from credit.registry.tables import Institution
from credit.sharing import feed
from credit.timeutil import now_utc, today
from credit.validation import Checker

SEVERITIES = ("minor", "general", "serious")
SUBJECT_KINDS = ("legal_person", "natural_person", "individual_business")
LISTING_BEHAVIOURS = tuple(str(n) for n in range(1, 10)) + ("court_debtor",)

# 处罚类别 of the 双公示 standard, with the severity a penalty of that kind has when none is given.
PENALTY_KIND_SEVERITY = {
    "警告": "minor",
    "通报批评": "minor",
    "罚款": "general",
    "没收违法所得": "general",
    "没收非法财物": "general",
    "暂扣许可证件": "serious",
    "降低资质等级": "serious",
    "吊销许可证件": "serious",
    "限制开展生产经营活动": "serious",
    "责令停产停业": "serious",
    "责令关闭": "serious",
    "限制从业": "serious",
    "其他": "general",
}

PUBLIC_PENALTY_FIELDS = (
    "id", "institution", "subject_name", "subject_kind", "uscc", "decision_number", "violation_type",
    "facts", "legal_basis", "penalty_kind", "content", "fine_yuan", "decision_date", "deciding_agency",
    "source_agency", "publication_end", "severity", "is_fire_safety", "listing_behaviour", "rectified_on",
    "revoked", "revoked_on", "version",
)


def default_severity(penalty_kind: str) -> str:
    """The severity implied by a 处罚类别 when the source gives none (multiple kinds: the most severe)."""
    order = {name: rank for rank, name in enumerate(SEVERITIES)}
    kinds = [k for k in penalty_kind.replace("、", ",").replace("；", ",").split(",") if k.strip()]
    found = [PENALTY_KIND_SEVERITY.get(k.strip(), "general") for k in kinds] or ["general"]
    return max(found, key=order.__getitem__)


def check_penalty(data: Mapping[str, Any], prefix: str = "", fine_scale: Decimal = Decimal(1)
                  ) -> tuple[dict[str, Any], Checker]:
    """Convert and check a penalty in the 双公示 fields. Returns (clean values, checker)."""
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
    clean["source_agency"] = check.text("source_agency", required=False, max_length=200) or clean[
        "deciding_agency"]
    clean["publication_end"] = check.day("publication_end", required=False)
    if clean["publication_end"] and clean["decision_date"] and clean["publication_end"] < clean["decision_date"]:
        check.fail("publication_end", "must not be before the decision date", data.get("publication_end"))
    clean["severity"] = check.choice("severity", SEVERITIES, required=False,
                                     default=default_severity(clean["penalty_kind"]))
    clean["is_fire_safety"] = check.flag("is_fire_safety")
    clean["listing_behaviour"] = check.choice("listing_behaviour", LISTING_BEHAVIOURS, required=False)
    clean["rectified_on"] = check.day("rectified_on", required=False, not_after=today())
    return clean, check


def payload_digest(clean: Mapping[str, Any]) -> str:
    """A digest of what was reported, so a repeated report can be told from a different one."""
    body = json.dumps({k: clean[k] for k in sorted(clean)}, ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def public_penalty(row: Mapping[str, Any]) -> dict[str, Any]:
    """A penalty as the public sees it: persons masked."""
    data = {key: row[key] for key in PUBLIC_PENALTY_FIELDS if key in row}
    if row.get("subject_kind") == "natural_person":
        data["subject_name"] = mask_name(row["subject_name"])
    data["legal_representative"] = mask_name(row.get("legal_representative", ""))
    return data


async def insert_penalty(clean: Mapping[str, Any], actor: str, reporting_agency: str = "") -> int:
    """Store a checked penalty inside the caller's transaction, matched to an institution by USCC.

    An unknown USCC is kept in the review queue (match_status "review"), never dropped.
    Raises Duplicate when the reporter already used the decision number.
    """
    if await Penalty.exists().where((Penalty.reporting_agency == reporting_agency)
                                    & (Penalty.decision_number == clean["decision_number"])).run():
        raise Duplicate("decision_number", clean["decision_number"])
    institution = None
    if clean["uscc"]:
        institution = await Institution.select(Institution.id).where(
            Institution.uscc == clean["uscc"]).first().run()
    row = Penalty(**clean, reporting_agency=reporting_agency, created_at=now_utc(), version=1,
                  institution=institution["id"] if institution else None,
                  match_status="matched" if institution else "review",
                  payload_digest=payload_digest(clean))
    await row.save().run()
    if institution:
        await Institution.update({Institution.needs_rescore: True}).where(
            Institution.id == institution["id"]).run()
    data = public_penalty(row.to_dict())
    await feed.emit("penalty", "created", row.id, data)
    await audit.record(actor, "penalty.create", "penalty", row.id, {"after": data})
    return row.id


async def insert_grading(institution_id: int, values: Mapping[str, Any], actor: str) -> int:
    """Store a grading decision (values already checked) inside the caller's transaction."""
    row = Grading(institution=institution_id, **values, created_at=now_utc(), version=1)
    await row.save().run()
    await Institution.update({Institution.needs_rescore: True}).where(Institution.id == institution_id).run()
    data = {k: v for k, v in row.to_dict().items() if k != "created_at"}
    await feed.emit("rating", "created", row.id, data)
    await audit.record(actor, "grading.create", "grading", row.id, {"after": data})
    return row.id


async def insert_fire_inspection(institution_id: int, values: Mapping[str, Any], checklist: Mapping[str, str],
                                 hazards: list[Mapping[str, Any]], actor: str) -> int:
    """Store an inspection with its checklist items and major hazards inside the caller's transaction."""
    inspection = FireInspection(institution=institution_id, **values, created_at=now_utc(), version=1)
    await inspection.save().run()
    if checklist:
        await FireChecklistItem.insert(*[
            FireChecklistItem(inspection=inspection.id, area=area, result=result)
            for area, result in checklist.items()
        ]).run()
    for hazard in hazards:
        await MajorHazard(institution=institution_id, inspection=inspection.id, **hazard,
                          created_at=now_utc(), version=1).save().run()
    await Institution.update({Institution.needs_rescore: True}).where(Institution.id == institution_id).run()
    data = {"institution": institution_id, **values, "checklist": dict(checklist), "hazards": hazards}
    await feed.emit("fire_inspection", "created", inspection.id, data)
    await audit.record(actor, "fire_inspection.create", "fire_inspection", inspection.id, {"after": data})
    return inspection.id


async def create_penalty(data: Mapping[str, Any], actor: str, reporting_agency: str = "") -> int:
    """Validate and store one penalty. Raises ValidationFailed or Duplicate."""
    clean, check = check_penalty(data)
    check.done()
    async with db.transaction():
        return await insert_penalty(clean, actor, reporting_agency)
