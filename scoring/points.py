"""The unit of every score and contribution: Decimal points to 0.01."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def quantize(points: Decimal) -> Decimal:
    """Return `points` rounded half-up (away from zero) to 0.01."""
    return points.quantize(CENT, rounding=ROUND_HALF_UP)
