"""Fire-safety standardisation outcome (消防安全标准化): 达标 / 基本达标 / 不达标."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum

from scoring.dates import add_months
from scoring.facts import FireInspection, MajorHazard
from scoring.policy import Policy


class FireOutcome(StrEnum):
    COMPLIANT = "compliant"  # 达标
    BASICALLY_COMPLIANT = "basically_compliant"  # 基本达标
    NON_COMPLIANT = "non_compliant"  # 不达标


def checklist_outcome(checklist: Mapping[str, str], policy: Policy) -> FireOutcome:
    """Return the outcome of one checklist, ignoring hazards.

    No fail: compliant. Fails only outside the policy's critical areas and at most
    `fire.basically_compliant_max_fails` of them: basically compliant. Otherwise non-compliant.
    """
    rules = policy.fire
    fails = [area for area, result in checklist.items() if result == "fail"]
    if not fails:
        return FireOutcome.COMPLIANT
    if len(fails) <= rules.basically_compliant_max_fails and rules.critical_areas.isdisjoint(fails):
        return FireOutcome.BASICALLY_COMPLIANT
    return FireOutcome.NON_COMPLIANT


def hazard_is_open(hazard: MajorHazard, on: date) -> bool:
    """Return True when `hazard` has been found by `on` and not rectified by then."""
    return hazard.found_on <= on and (hazard.rectified_on is None or hazard.rectified_on > on)


def open_hazards(hazards: Iterable[MajorHazard], on: date) -> tuple[MajorHazard, ...]:
    """Return the hazards open on `on`, in the given order."""
    return tuple(h for h in hazards if hazard_is_open(h, on))


def inspection_due(inspections: Iterable[FireInspection], policy: Policy, on: date) -> bool:
    """Return True when no inspection on or before `on` lies within the policy's yearly interval.

    Civil affairs inspects every home at least once a year (养老机构管理办法, MCA Order 66): a home
    past `fire.recent_inspection_months` since its latest inspection is due (the regulator's duty).
    """
    latest = max((i.inspected_on for i in inspections if i.inspected_on <= on), default=None)
    return latest is None or on >= add_months(latest, policy.fire.recent_inspection_months)


def fire_outcome(
    inspection: FireInspection | None, hazards: Iterable[MajorHazard], policy: Policy, on: date
) -> FireOutcome | None:
    """Return the fire-safety outcome on `on` from the latest inspection and the hazards.

    Any open major hazard makes it non-compliant; without an inspection and without
    open hazards there is no outcome (None).
    """
    if open_hazards(hazards, on):
        return FireOutcome.NON_COMPLIANT
    if inspection is None:
        return None
    return checklist_outcome(inspection.checklist, policy)
