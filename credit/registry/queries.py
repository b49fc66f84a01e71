"""Read-only registry queries for pages and reports (no writes, so they can run on a read replica)."""

from __future__ import annotations

from dataclasses import dataclass

from credit.registry.tables import Institution


@dataclass(frozen=True, slots=True)
class DistrictCount:
    code: str
    count: int


async def institution_counts_by_district() -> list[DistrictCount]:
    rows = await Institution.raw(
        "SELECT district_code, COUNT(*) AS n FROM institution GROUP BY district_code ORDER BY district_code"
    ).run()
    return [DistrictCount(row["district_code"], row["n"]) for row in rows]
