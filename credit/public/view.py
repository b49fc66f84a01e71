"""The public view, defined once: which penalties and list entries the public sees, and in what form.

A penalty counts publicly on a day iff it is not revoked, has not been retired, has not been repaired (信用修复,
NDRC Order No. 36 art. 3: a repaired record stops being published and shared), and the day falls inside its
publication period: decision date <= day < publication end, the end clamped into the legal window of its
severity (scoring.publication_end, the first day it is no longer public). The portal pages, the public API,
the public list, the exports and the daily disclosure all read penalties through this module. While a repair
application runs, its public credit commitment (信用承诺) is shown with the penalty; the applicant's name and
contact never are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from credit.db import read
from credit.identifiers import mask_free_text, mask_free_text_fields, mask_name
from credit.money import penalty_values
from credit.records.tables import Penalty, RepairApplication
from scoring import Penalty as PenaltyFacts, Policy, is_publicly_active, policy_for, publication_end
from scoring.policy import available_policies

PUBLIC_PENALTY_FIELDS = (
    "id",
    "institution",
    "subject_name",
    "subject_kind",
    "uscc",
    "decision_number",
    "violation_type",
    "facts",
    "legal_basis",
    "penalty_kind",
    "content",
    "fine_yuan",
    "decision_date",
    "deciding_agency",
    "source_agency",
    "publication_end",
    "severity",
    "is_fire_safety",
    "listing_behaviour",
    "rectified_on",
    "revoked",
    "revoked_on",
    "version",
    "repaired_on",
)
PUBLIC_ENTRY_FIELDS = (
    "id",
    "subject_kind",
    "institution",
    "uscc",
    "institution_name",
    "practitioner_name",
    "behaviour",
    "behaviour_label",
    "status",
    "listed_on",
    "expires_on",
    "removed_on",
    "removal_reason",
    "basis",
    "penalty_numbers",
)


def public_penalty(row: Mapping[str, Any]) -> dict[str, Any]:
    """A penalty as the public and the agencies see it: persons masked, ID and mobile numbers in the free
    text masked (mask_free_text). Which penalties are public at all: counts_publicly."""
    row = penalty_values(row)  # the stored fine_fen as fine_yuan, a Decimal with two places
    data = mask_free_text_fields({key: row[key] for key in PUBLIC_PENALTY_FIELDS if key in row})
    if row.get("subject_kind") == "natural_person":
        data["subject_name"] = mask_name(row["subject_name"])
    data["legal_representative"] = mask_name(row.get("legal_representative", ""))
    return data


def public_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """What the public and the feed see of a list entry (no objection text, subject persons masked)."""
    return {k: entry.get(k) for k in PUBLIC_ENTRY_FIELDS}


def _facts(row: Mapping[str, Any]) -> PenaltyFacts:
    return PenaltyFacts(
        id=row["id"],
        severity=row["severity"],
        decision_date=row["decision_date"],
        is_fire_safety=bool(row["is_fire_safety"]),
        publication_end=row["publication_end"],
        revoked=bool(row["revoked"]),
        repaired_on=row.get("repaired_on"),
    )


def counts_publicly(row: Mapping[str, Any], on: date, policy: Policy | None = None) -> bool:
    """True when the penalty is public on `on`: not revoked, not retired, not repaired, inside its clamped
    window (the window of the policy that judges its decision date)."""
    if row.get("revoked") or (row.get("retired_on") is not None and row["retired_on"] <= on):
        return False
    if row.get("repaired_on") is not None and row["repaired_on"] <= on:
        return False
    return is_publicly_active(_facts(row), policy or policy_for(on), on)


def oldest_public_decision(on: date, policy: Policy) -> date:
    """A day before which no decision can be public on `on` under any policy (the longest window of any
    severity, fire-safety floor included, plus a year's margin): a query's bound, counts_publicly decides."""
    months = max(
        max(
            max(p.penalties.for_severity(s).maximum_months for s in ("minor", "general", "serious")),
            p.penalties.fire_safety_minimum_months,
        )
        for p in (*available_policies(), policy)
    )
    return date(on.year - months // 12 - 2, 1, 1)


def public_form(row: Mapping[str, Any], policy: Policy) -> dict[str, Any]:
    """A public penalty as shown: persons and free text masked, the publication end the one that applies
    (the stored end clamped into the legal window of its class, never past the maximum)."""
    return {**public_penalty(row), "publication_end": publication_end(_facts(row), policy)}


async def running_repairs(penalty_ids: list[int]) -> dict[int, dict[str, Any]]:
    """{penalty id: its open repair application as the public sees it}: the commitment (free text masked) and
    the day applied; never the applicant's name or contact."""
    if not penalty_ids:
        return {}
    rows = (
        await RepairApplication.select(
            RepairApplication.penalty, RepairApplication.commitment, RepairApplication.applied_on
        )
        .where(RepairApplication.penalty.is_in(sorted(set(penalty_ids))) & (RepairApplication.status == "applied"))
        .run()
    )
    return {
        r["penalty"]: {
            "status": "applied",
            "commitment": mask_free_text(r["commitment"]),
            "applied_on": r["applied_on"],
        }
        for r in rows
    }


async def public_penalties_of(institution_id: int, on: date) -> list[dict[str, Any]]:
    """The institution's penalties the public sees on `on`, newest decision first."""
    policy = policy_for(on)
    rows = (
        await Penalty.select()
        .where(Penalty.institution == institution_id)
        .order_by(Penalty.decision_date, ascending=False)
        .order_by(Penalty.id, ascending=False)
        .run()
    )
    shown = [public_form(r, policy) for r in rows if counts_publicly(r, on, policy)]
    repairs = await running_repairs([p["id"] for p in shown])
    return [{**p, "repair": repairs.get(p["id"])} for p in shown]


PUBLIC_COLUMNS = (
    Penalty.id,
    Penalty.decision_number,
    Penalty.severity,
    Penalty.decision_date,
    Penalty.is_fire_safety,
    Penalty.publication_end,
    Penalty.revoked,
    Penalty.retired_on,
    Penalty.repaired_on,
)


async def public_decision_numbers(penalty_ids: list[int], on: date) -> dict[int, str]:
    """{penalty id: decision number} of those of the given penalties that the public sees on `on`."""
    if not penalty_ids:
        return {}
    policy = policy_for(on)
    rows = await read(Penalty.select(*PUBLIC_COLUMNS).where(Penalty.id.is_in(sorted(set(penalty_ids)))))
    return {r["id"]: r["decision_number"] for r in rows if counts_publicly(r, on, policy)}
