"""Publication windows of administrative penalties (行政处罚公示期) and their points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scoring.dates import add_months
from scoring.facts import Penalty
from scoring.points import ZERO, quantize
from scoring.policy import Policy


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


def publication_months(severity: str, is_fire_safety: bool, policy: Policy) -> tuple[int, int]:
    """Return the (minimum, maximum) publication period in months of a penalty of this severity and kind.

    Fire-safety penalties are published for at least `penalties.fire_safety_minimum_months`.
    Raises AttributeError on an unknown severity.
    """
    rules = policy.penalties
    by_severity = rules.for_severity(severity)
    low, high = by_severity.minimum_months, by_severity.maximum_months
    if is_fire_safety:
        floor = rules.fire_safety_minimum_months
        low, high = max(low, floor), max(high, floor)
    return low, high


def publication_window(penalty: Penalty, policy: Policy) -> PublicationWindow:
    """Return the penalty's publication window, counted in calendar months from the decision date."""
    low, high = publication_months(penalty.severity, penalty.is_fire_safety, policy)
    start = penalty.decision_date
    return PublicationWindow(start, add_months(start, low), add_months(start, high))


def publication_end(penalty: Penalty, policy: Policy) -> date:
    """Return the first day the penalty is no longer public (its explicit end clamped into its window)."""
    return publication_window(penalty, policy).end(penalty.publication_end)


def is_publicly_active(penalty: Penalty, policy: Policy, on: date) -> bool:
    """Return True when the penalty is public on `on`: not revoked and start <= on < end."""
    if penalty.revoked:
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
    rules = policy.penalties
    points = rules.for_severity(penalty.severity).points
    if penalty.rectified_on is not None and penalty.rectified_on <= on:
        points *= rules.rectified_factor
    if on >= publication_window(penalty, policy).minimum_end:
        points *= rules.past_minimum_factor
    return quantize(points)
