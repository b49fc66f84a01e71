"""Grading (等级评定, GB/T 37276-2018): level from part scores, validity, eligibility."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from scoring.dates import add_months
from scoring.facts import GRADING_PARTS, Grading, InstitutionFacts
from scoring.labels import Reason, label
from scoring.policy import Policy


class GradingError(ValueError):
    """A grading part score lies outside 0..its policy maximum."""


def grading_level(
    environment: int | Decimal,
    facilities: int | Decimal,
    operations: int | Decimal,
    services: int | Decimal,
    policy: Policy,
) -> int | None:
    """Return the grading level 1-5 earned by the four part scores, or None below the lowest threshold.

    A level needs its total threshold and, where the policy names them (grading.part_minimums),
    each part's minimum for that level. Raises GradingError when a part is negative or above its
    maximum in `policy`.
    """
    maxima = policy.grading.part_maxima
    parts = dict(zip(GRADING_PARTS, (environment, facilities, operations, services), strict=True))
    total: int | Decimal = 0
    for name, value in parts.items():
        maximum = getattr(maxima, name)
        if not 0 <= value <= maximum:
            raise GradingError(f"{name} must lie within 0..{maximum}, got {value}")
        total += value
    minimums = policy.grading.part_minimums
    for level, threshold in policy.grading.level_thresholds.items():
        if total >= threshold and all(parts[p] >= m for p, m in minimums.get(level, {}).items()):
            return level
    return None


class LevelProblem(NamedTuple):
    """Why a decided level cannot be recorded: the field, a reason code (credit/reasons.py words it) and the
    numbers it names."""

    field: str
    code: str
    params: dict[str, int | str]


def decided_level_problems(
    level: int, parts: dict[str, int | Decimal], first_grading: bool, policy: Policy
) -> tuple[LevelProblem, ...]:
    """Return why the assessment committee's decided `level` cannot be recorded, as LevelProblems.

    The committee's level is recorded as given, within two policy rules: each part must reach the
    policy's minimum for that level (grading.part_minimums, when named), and a home's first grading
    may not exceed grading.eligibility.first_grading_max_level (a local variant; 0 = no cap).
    """
    problems: list[LevelProblem] = []
    for part, minimum in policy.grading.part_minimums.get(level, {}).items():
        if parts.get(part) is not None and parts[part] < minimum:
            got = parts[part]
            problems.append(
                LevelProblem(
                    part, "grading_part_minimum", {"level": level, "minimum": minimum, "part": part, "got": str(got)}
                )
            )
    first_cap = policy.grading.eligibility.first_grading_max_level
    if first_grading and first_cap and level > first_cap:
        problems.append(LevelProblem("level", "grading_first_cap", {"cap": first_cap, "level": level}))
    return tuple(problems)


def level_of(grading: Grading, policy: Policy) -> int | None:
    """Return the grading's decided level, or the level its part scores earn when none was recorded.

    Raises GradingError as `grading_level` does.
    """
    if grading.level is not None:
        return grading.level
    parts = (grading.environment, grading.facilities, grading.operations, grading.services)
    if parts[0] is None or parts[1] is None or parts[2] is None or parts[3] is None:
        # Grading.__post_init__ refuses this already; said again for the type checker.
        raise GradingError(f"grading {grading.id}: a level or all four part scores are required")
    return grading_level(parts[0], parts[1], parts[2], parts[3], policy)


def grading_expires_on(grading: Grading, policy: Policy) -> date:
    """Return the first day on which `grading` is no longer valid (decision + validity years)."""
    return add_months(grading.decided_on, 12 * policy.grading.validity_years)


def grading_is_valid(grading: Grading, policy: Policy, on: date) -> bool:
    """Return True when `grading` has been decided by `on` and has not yet lapsed."""
    return grading.decided_on <= on < grading_expires_on(grading, policy)


def grading_eligibility(facts: InstitutionFacts, policy: Policy, on: date) -> tuple[Reason, ...]:
    """Return why the institution may not apply for a grading on `on`; empty when it may.

    Ineligible while listed (grading.eligibility.listed), with a non-revoked serious penalty
    decided within grading.ineligible_after_serious_penalty_years before `on`, or, where the
    policy sets grading.eligibility.any_penalty_years (a local variant), with any such penalty.
    """
    reasons = []
    rules = policy.grading.eligibility
    if facts.listed and rules.listed:
        reasons.append(Reason("grading.ineligible.listed", *label("grading.ineligible.listed")))
    years = policy.grading.ineligible_after_serious_penalty_years
    recent = tuple(
        p.id
        for p in facts.penalties
        if p.severity == "serious" and not p.revoked and p.decision_date <= on < add_months(p.decision_date, 12 * years)
    )
    if recent:
        code = "grading.ineligible.serious_penalty"
        reasons.append(Reason(code, *label(code, years=years), records=recent))
    any_years = rules.any_penalty_years
    other = tuple(
        p.id
        for p in facts.penalties
        if p.id not in recent and not p.revoked and p.decision_date <= on < add_months(p.decision_date, 12 * any_years)
    )
    if any_years and other:
        code = "grading.ineligible.any_penalty"
        reasons.append(Reason(code, *label(code, years=any_years), records=other))
    return tuple(reasons)
