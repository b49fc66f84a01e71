"""Publication windows of administrative penalties (行政处罚公示期) and their points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scoring.dates import add_months
from scoring.facts import Penalty
from scoring.points import ZERO, quantize
from scoring.policy import Policy, PolicyNotFound, policy_for


@dataclass(frozen=True, slots=True)
class PublicationWindow:
    """When a penalty may be public: from `start` until an end within [minimum_end, maximum_end]."""

    start: date
    minimum_end: date
    maximum_end: date

    def end(self, explicit_end: date | None) -> date:
        """Return the exclusive end: `explicit_end` clamped into the window, or `maximum_end` when None."""
        if explicit_end is None:
            return self.maximum_end
        return min(max(explicit_end, self.minimum_end), self.maximum_end)


def judging_policy(decision_date: date, policy: Policy) -> Policy:
    """The policy a penalty decided on `decision_date` is judged by, when `policy` is in force.

    From Order No. 36 on (a policy with an `order36` section), a decision dated before the policy took
    effect keeps the bundled policy of its own date (e.g. a 2025 decision: 2020.1), so that a penalty's
    class, window and points never change under it. Older policies judge every decision themselves.
    """
    if policy.order36 is None or decision_date >= policy.effective_from:
        return policy
    try:
        return policy_for(decision_date)
    except PolicyNotFound:
        return policy


def publication_months(severity: str, is_fire_safety: bool, policy: Policy) -> tuple[int, int]:
    """Return the (minimum, maximum) publication period in months of a penalty of this severity and kind.

    Fire-safety penalties are published for at least `penalties.fire_safety_minimum_months`. Under Order
    No. 36 minor information is not published (0, 0) unless `order36.publish_minor`, and no period passes
    the legal maximum of its class (the fire-safety floor included).
    Raises AttributeError on an unknown severity.
    """
    rules = policy.penalties
    by_severity = rules.for_severity(severity)
    low, high = by_severity.minimum_months, by_severity.maximum_months
    if is_fire_safety:
        floor = rules.fire_safety_minimum_months
        low, high = max(low, floor), max(high, floor)
    order36 = policy.order36
    if order36 is not None:
        if severity == "minor" and not order36.publish_minor:
            return 0, 0
        legal = order36.legal_windows[severity]
        high = min(high, legal.maximum_months)
        low = min(low, high)
    return low, high


def publication_window(penalty: Penalty, policy: Policy) -> PublicationWindow:
    """Return the penalty's publication window, counted in calendar months from the decision date,
    under the policy that judges it (`judging_policy`)."""
    policy = judging_policy(penalty.decision_date, policy)
    low, high = publication_months(penalty.severity, penalty.is_fire_safety, policy)
    start = penalty.decision_date
    return PublicationWindow(start, add_months(start, low), add_months(start, high))


def publication_end(penalty: Penalty, policy: Policy) -> date:
    """Return the first day the penalty is no longer public (its explicit end clamped into its window)."""
    return publication_window(penalty, policy).end(penalty.publication_end)


def is_repaired(penalty: Penalty, on: date) -> bool:
    """True when the penalty's credit repair (信用修复) was granted on or before `on`."""
    return penalty.repaired_on is not None and penalty.repaired_on <= on


def is_publicly_active(penalty: Penalty, policy: Policy, on: date) -> bool:
    """Return True when the penalty is public on `on`: not revoked, not repaired, and start <= on < end."""
    if penalty.revoked or is_repaired(penalty, on):
        return False
    window = publication_window(penalty, policy)
    return window.start <= on < window.end(penalty.publication_end)


def penalty_points(penalty: Penalty, policy: Policy, on: date) -> Decimal:
    """Return the points (<= 0, to the cent) the penalty contributes on `on`; zero when not public.

    The severity's points are multiplied by `rectified_factor` once rectified by `on`,
    and by `past_minimum_factor` once its minimum publication period is over.
    """
    if not is_publicly_active(penalty, policy, on):
        return ZERO
    policy = judging_policy(penalty.decision_date, policy)
    rules = policy.penalties
    points = rules.for_severity(penalty.severity).points
    if penalty.rectified_on is not None and penalty.rectified_on <= on:
        points *= rules.rectified_factor
    if on >= publication_window(penalty, policy).minimum_end:
        points *= rules.past_minimum_factor
    return quantize(points)


def repairable_from(penalty: Penalty, policy: Policy) -> date:
    """The first day credit repair may be applied for: the end of the minimum publication period
    (Order No. 36: once the shortest period has passed). Minor information: from the decision date, as soon
    as the obligations are met (the applicant states that they are)."""
    if penalty.severity == "minor":
        return penalty.decision_date
    return publication_window(penalty, policy).minimum_end
