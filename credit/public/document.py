"""The public profile document of one institution, built from plain rows and the engine's assessment.

Pure: no queries here (credit.public.projection loads the rows). The document is what the public API sends
for `GET /api/v1/institutions/{uscc}` (registry facts, `credit`, `score_history`, `gradings`,
`fire_inspections`, `penalties`) plus what the portal page shows beside them (`fire`: the current
fire-safety status with the failed areas; `listed`: the entries on the public list).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from credit.identifiers import mask_free_text_fields, mask_name
from credit.public import history as history_text
from credit.public.outlook import public_outlook
from credit.registry.offers import OFFER_FIELDS, as_public
from scoring import (
    Assessment,
    InstitutionFacts,
    Policy,
    fire_outcome,
    grading_is_valid,
    inspection_due,
    level_of,
    open_hazards,
)

INSTITUTION_FIELDS = (
    "id",
    "uscc",
    "name",
    "district_code",
    "address",
    "beds",
    "owner_type",
    "legal_representative",
    "phone",
    "established_on",
    "status",
    "version",
    *OFFER_FIELDS,  # what the home offers: services, care levels, fee range, website (null: not reported)
)


def contribution_out(c) -> dict[str, Any]:
    return {"code": c.code, "label": c.label_zh, "label_en": c.label_en, "points": c.points, "records": list(c.records)}


def current_grade(facts: InstitutionFacts, policy: Policy, on: date) -> int | None:
    """The level of the latest grading still valid on `on`, if any."""
    valid = [g for g in facts.gradings if g.decided_on <= on and grading_is_valid(g, policy, on)]
    if not valid:
        return None
    latest = max(valid, key=lambda g: (g.decided_on, level_of(g, policy) or 0))
    return level_of(latest, policy)


@dataclass(frozen=True, slots=True)
class FireStatus:
    status: str  # compliant | basically_compliant | non_compliant | none
    inspected_on: date | None
    failed_areas: list[str]
    open_hazards: int


def fire_status(facts: InstitutionFacts, policy: Policy, on: date) -> FireStatus:
    """The rule, once: the latest inspection up to `on` (ties: the higher id), its checklist outcome, and any
    open major hazard making it non-compliant (scoring.fire_outcome)."""
    inspections = [i for i in facts.inspections if i.inspected_on <= on]
    latest = max(inspections, key=lambda i: (i.inspected_on, int(i.id)), default=None)
    outcome = fire_outcome(latest, [h for h in facts.hazards if h.found_on <= on], policy, on)
    failed = [area for area, result in (latest.checklist.items() if latest else ()) if result == "fail"]
    return FireStatus(
        outcome.value if outcome else "none",
        latest.inspected_on if latest else None,
        failed,
        len(open_hazards(facts.hazards, on)),
    )


def public_institution(row: Mapping[str, Any]) -> dict[str, Any]:
    """The registry facts anyone may see: the legal representative masked to the surname (张**); what the home
    offers with the sets as lists of codes (credit.registry.offers)."""
    out = {**{key: row[key] for key in INSTITUTION_FIELDS if key not in OFFER_FIELDS}, **as_public(row)}
    out["legal_representative"] = mask_name(row["legal_representative"] or "")
    return out


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything one document is made of, loaded by the projection."""

    institution: Mapping[str, Any]
    facts: InstitutionFacts
    assessment: Assessment
    assessed_on: date  # the day the assessment last changed (the stored score's as_of)
    history: list[dict[str, Any]]  # stored scores, oldest first, each with its contributions
    gradings: list[dict[str, Any]]
    inspections: list[dict[str, Any]]
    penalties: list[dict[str, Any]]  # public form, newest first
    listed: list[dict[str, Any]]  # public list entries
    supervision: list[dict[str, Any]] = field(default_factory=list)  # published random-inspection results


def build(inputs: Inputs, policy: Policy, on: date) -> dict[str, Any]:
    a = inputs.assessment
    fire = fire_status(inputs.facts, policy, on)
    return {
        **public_institution(inputs.institution),
        "credit": {
            "level": a.level,
            "score": a.score,
            "policy_version": a.policy_version,
            "as_of": inputs.assessed_on,
            "contributions": [contribution_out(c) for c in a.contributions],
        },
        # each point with its `change` in words; penalties named only while public (inputs.penalties)
        "score_history": history_text.explained(inputs.history, inputs.penalties),
        "gradings": inputs.gradings,
        "fire_inspections": mask_free_text_fields(inputs.inspections),
        "penalties": inputs.penalties,
        "fire": {
            "status": fire.status,
            "inspected_on": fire.inspected_on,
            "failed_areas": fire.failed_areas,
            "open_hazards": fire.open_hazards,
            # the regulator's yearly inspection is due (MCA Order 66); it costs the home nothing under 2026.1
            "inspection_due": inspection_due(inputs.facts.inspections, policy, on),
        },
        "listed": inputs.listed,
        "supervision": inputs.supervision,
        "grade": current_grade(inputs.facts, policy, on),
        # what comes next (接下来): dated events and what would raise the score, public records only
        "outlook": public_outlook(inputs.facts, policy, on, inputs.listed, inputs.penalties),
    }
