"""Read-only registry queries for pages and reports (no writes, so they can run on a read replica)."""

from __future__ import annotations

from dataclasses import dataclass

from credit.public.queries import PAGE_SIZE, Filters, SearchPage, search
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


async def search_institutions(
    q: str = "",
    district: str = "",
    level: str = "",
    min_grade: int | None = None,
    owner_type: str = "",
    page: int = 1,
    sort: str = "name",
    page_size: int = PAGE_SIZE,
) -> SearchPage:
    """Institutions (their registry rows) matching every given filter, one page of them, with the exact total:
    the one search (credit.public.queries.search, most relevant first when `q` is given) with the workspace's
    filters."""
    filters = Filters(q=q, district=district, level=level, min_grade=min_grade, owner_type=owner_type)
    found = await search(filters, sort=sort, page=page, page_size=page_size)
    ids = [r["id"] for r in found.items]
    rows = {r["id"]: r for r in await Institution.select().where(Institution.id.is_in(ids)).run()} if ids else {}
    levels = {r["id"]: r["credit_level"] for r in found.items}  # the public level, from the read side
    items = [{**rows[i], "credit_level": levels[i]} for i in ids if i in rows]
    return SearchPage(items, found.total, found.page, found.page_size)
