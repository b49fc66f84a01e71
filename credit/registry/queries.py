"""Read-only registry queries for pages and reports (no writes, so they can run on a read replica)."""

from __future__ import annotations

from dataclasses import dataclass

from credit.registry.tables import Institution
from credit.search_text import institution_matches


@dataclass(frozen=True, slots=True)
class DistrictCount:
    code: str
    count: int


async def institution_counts_by_district() -> list[DistrictCount]:
    rows = await Institution.raw(
        "SELECT district_code, COUNT(*) AS n FROM institution GROUP BY district_code ORDER BY district_code"
    ).run()
    return [DistrictCount(row["district_code"], row["n"]) for row in rows]


PAGE_SIZE = 20
SORTS = {
    "name": (Institution.name, True),
    "credit": (Institution.credit_score, False),
    "grade": (Institution.grade, False),
    "beds": (Institution.beds, False),
}


@dataclass(frozen=True, slots=True)
class SearchPage:
    items: list[dict]
    total: int
    page: int
    page_size: int


async def search_institutions(q: str = "", district: str = "", level: str = "", min_grade: int | None = None,
                              owner_type: str = "", page: int = 1, sort: str = "name",
                              page_size: int = PAGE_SIZE) -> SearchPage:
    """Institutions matching every given filter, one page of them, with the total count."""
    where = []
    if q:
        where.append(institution_matches(q))
    if district:
        where.append(Institution.district_code == district)
    if level:
        where.append(Institution.credit_level == level)
    if min_grade:
        where.append(Institution.grade >= min_grade)
    if owner_type:
        where.append(Institution.owner_type == owner_type)
    query, count = Institution.select(), Institution.count()
    for condition in where:
        query, count = query.where(condition), count.where(condition)
    column, ascending = SORTS.get(sort, SORTS["name"])
    page = max(page, 1)
    rows = await query.order_by(column, ascending=ascending).order_by(Institution.id).limit(page_size).offset(
        (page - 1) * page_size).run()
    return SearchPage(rows, await count.run(), page, page_size)
