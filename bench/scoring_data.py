"""Seeded generator of national-scale synthetic facts for the scoring benchmark.

About 24 records per institution on average (gradings, fire inspections, major
hazards, penalties), so 41,000 institutions give about 1,000,000 records.
The same seed always gives the same data.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from scoring.facts import FIRE_AREAS, HAZARD_CATEGORIES, FireInspection, Grading, InstitutionFacts, MajorHazard, Penalty

NATIONAL_INSTITUTIONS = 41_000
AS_OF = date(2024, 6, 30)

_AREAS = tuple(FIRE_AREAS)
_CATEGORIES = tuple(HAZARD_CATEGORIES)


def generate(
    institutions: int = NATIONAL_INSTITUTIONS, seed: int = 20240630, as_of: date = AS_OF
) -> list[InstitutionFacts]:
    """Return `institutions` synthetic InstitutionFacts drawn from `random.Random(seed)`, dated up to `as_of`."""
    rng = random.Random(seed)
    ids = itertools.count(1)
    checklists: dict[tuple[str, ...], dict[str, str]] = {}  # shared: most inspections look alike
    end = as_of.toordinal()

    def day(years_back: float) -> date:
        return date.fromordinal(end - rng.randrange(int(365 * years_back)))

    def checklist() -> dict[str, str]:
        results = tuple(
            "na" if area == "micro_fire_station" and rng.random() < 0.1 else ("fail" if rng.random() < 0.04 else "pass")
            for area in _AREAS
        )
        return checklists.setdefault(results, dict(zip(_AREAS, results, strict=True)))

    def grading() -> Grading:
        decided = day(9)
        if rng.random() < 0.5:
            return Grading(next(ids), decided, level=rng.choices((1, 2, 3, 4, 5), (10, 25, 35, 20, 10))[0])
        quality = rng.uniform(0.25, 1.0)
        parts = [max(0, min(m, round(m * rng.gauss(quality, 0.05)))) for m in (120, 130, 150, 600)]
        return Grading(next(ids), decided, None, *parts)

    def hazard() -> MajorHazard:
        found = day(5)
        rectify_by = found + timedelta(days=rng.choice((30, 60, 90)))
        rectified = None if rng.random() < 0.15 else found + timedelta(days=rng.randrange(1, 120))
        return MajorHazard(next(ids), rng.choice(_CATEGORIES), found, rectify_by, rectified)

    def penalty() -> Penalty:
        decided = day(6)
        return Penalty(
            next(ids),
            rng.choices(("minor", "general", "serious"), (60, 30, 10))[0],
            decided,
            is_fire_safety=rng.random() < 0.2,
            publication_end=decided + timedelta(days=rng.randrange(0, 1200)) if rng.random() < 0.3 else None,
            rectified_on=decided + timedelta(days=rng.randrange(5, 200)) if rng.random() < 0.6 else None,
            revoked=rng.random() < 0.02,
        )

    result = []
    for n in range(institutions):
        result.append(
            InstitutionFacts(
                institution_id=n + 1,
                gradings=tuple(grading() for _ in range(rng.choices((0, 1, 2, 3, 4), (10, 25, 30, 25, 10))[0])),
                inspections=tuple(FireInspection(next(ids), day(8), checklist()) for _ in range(rng.randint(2, 12))),
                hazards=tuple(hazard() for _ in range(rng.choices((0, 1, 2, 3, 4, 5), (35, 25, 15, 10, 10, 5))[0])),
                penalties=tuple(penalty() for _ in range(rng.randint(4, 24))),
                listed=rng.random() < 0.01,
            )
        )
    return result


def count_records(facts: list[InstitutionFacts]) -> int:
    """Return the number of records (gradings, inspections, hazards, penalties) in `facts`."""
    return sum(len(f.gradings) + len(f.inspections) + len(f.hazards) + len(f.penalties) for f in facts)
