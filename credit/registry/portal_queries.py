"""Read-only queries of the public portal (no writes, so they can run on a read replica).

Search with every public filter (beds range and current fire-safety status included), counts by credit level,
the current fire status of a page of institutions, listings of one institution, and the data version that
public pages are cached by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from scoring import Policy

from credit.listings.public_list import listed_entries
from credit.listings.service import public_entry
from credit.registry.tables import Institution
from credit.db import current_engine
from credit.search.match import text_match
from credit.sharing.tables import ChangeEvent

PAGE_SIZE = 20
FIRE_STATUSES = ("compliant", "basically_compliant", "non_compliant", "none")
LEVELS = ("A", "B", "C", "D")
SORTS = ("credit", "grade", "beds", "name")  # see _order
COLUMNS = "id, uscc, name, district_code, address, beds, owner_type, status, credit_level, credit_score, grade"
# what a search answers: the public columns and what the API's institution shape needs besides
SEARCH_COLUMNS = f"{COLUMNS}, legal_representative, phone, established_on, version"


@dataclass(frozen=True, slots=True)
class DataVersion:
    """The last change the public could see: the change feed's highest sequence number and its time."""

    seq: int
    at: datetime | None


async def data_version() -> DataVersion:
    """The change feed's tail (one index lookup). Every write that changes a public page emits an event."""
    row = await ChangeEvent.select(ChangeEvent.seq, ChangeEvent.at).order_by(
        ChangeEvent.seq, ascending=False).first().run()
    return DataVersion(row["seq"], row["at"]) if row else DataVersion(0, None)


def fire_status_sql(policy: Policy, on: date) -> tuple[str, list[Any]]:
    """A SQL expression (over table `institution`) giving the fire-safety status on `on`, and its arguments.

    The same rule as `scoring.fire_outcome`: an open major hazard -> non_compliant; else the checklist
    outcome of the latest inspection up to `on`; no inspection -> none.
    """
    critical = sorted(policy.fire.critical_areas)
    marks = ", ".join("{}" for _ in critical) or "''"
    fails = "COALESCE(SUM(CASE WHEN c.result = 'fail' THEN 1 ELSE 0 END), 0)"
    critical_fails = f"COALESCE(SUM(CASE WHEN c.result = 'fail' AND c.area IN ({marks}) THEN 1 ELSE 0 END), 0)"
    latest = ("(SELECT fi.id FROM fire_inspection fi WHERE fi.institution = institution.id "
              "AND fi.inspected_on <= {} ORDER BY fi.inspected_on DESC, fi.id DESC LIMIT 1)")
    sql = (
        "(CASE WHEN EXISTS (SELECT 1 FROM major_hazard h WHERE h.institution = institution.id "
        "AND h.found_on <= {} AND (h.rectified_on IS NULL OR h.rectified_on > {})) THEN 'non_compliant' "
        "WHEN NOT EXISTS (SELECT 1 FROM fire_inspection fx WHERE fx.institution = institution.id "
        "AND fx.inspected_on <= {}) THEN 'none' "
        f"ELSE (SELECT CASE WHEN {fails} = 0 THEN 'compliant' "
        f"WHEN {fails} <= {{}} AND {critical_fails} = 0 THEN 'basically_compliant' "
        f"ELSE 'non_compliant' END FROM fire_checklist_item c WHERE c.inspection = {latest}) END)"
    )
    args = [on, on, on, policy.fire.basically_compliant_max_fails, *critical, on]
    return sql, args


@dataclass(frozen=True, slots=True)
class Filters:
    """What a visitor searches for; empty values mean "any"."""

    q: str = ""
    district: str = ""
    level: str = ""
    min_grade: int | None = None
    beds_min: int | None = None
    beds_max: int | None = None
    owner_type: str = ""
    fire: str = ""


@dataclass(frozen=True, slots=True)
class SearchPage:
    items: list[dict[str, Any]]  # institution columns + fire_status
    total: int
    page: int
    page_size: int


def _where(filters: Filters, policy: Policy, on: date) -> tuple[str, list[Any]]:
    """The filter conditions (the text condition is credit.search.match's) and their arguments."""
    parts: list[str] = []
    args: list[Any] = []
    if filters.district:
        parts.append("institution.district_code = {}")
        args.append(filters.district)
    if filters.level:
        parts.append("institution.credit_level = {}")
        args.append(filters.level)
    if filters.min_grade:
        parts.append("institution.grade >= {}")
        args.append(filters.min_grade)
    if filters.beds_min is not None:
        parts.append("institution.beds >= {}")
        args.append(filters.beds_min)
    if filters.beds_max is not None:
        parts.append("institution.beds <= {}")
        args.append(filters.beds_max)
    if filters.owner_type:
        parts.append("institution.owner_type = {}")
        args.append(filters.owner_type)
    if filters.fire:
        sql, fire_args = fire_status_sql(policy, on)
        parts.append(f"{sql} = {{}}")
        args += [*fire_args, filters.fire]
    return " AND ".join(parts), args


def _order(sort: str, policy: Policy, on: date) -> tuple[str, list[Any]]:
    """ORDER BY of a sort, with its arguments: ties in score or grade are broken by the other, then by fire
    safety (compliant first), then name, then id, so equal homes keep one order on every page."""
    fire, fire_args = fire_status_sql(policy, on)
    fire_rank = (f"(CASE {fire} WHEN 'compliant' THEN 0 WHEN 'basically_compliant' THEN 1 WHEN 'none' THEN 2 "
                 "ELSE 3 END)")
    score, grade = "COALESCE(institution.credit_score, -1) DESC", "COALESCE(institution.grade, 0) DESC"
    tail = f"{fire_rank} ASC, institution.name ASC, institution.id ASC"
    orders = {
        "credit": f"{score}, {grade}, {tail}",
        "grade": f"{grade}, {score}, {tail}",
        "beds": f"institution.beds DESC, {score}, {grade}, {tail}",
        "name": "institution.name ASC, institution.id ASC",
    }
    sort = sort if sort in orders else "credit"
    return orders[sort], ([] if sort == "name" else fire_args)


async def search(filters: Filters, policy: Policy, on: date, sort: str = "credit", page: int = 1,
                 page_size: int = PAGE_SIZE) -> SearchPage:
    """One page of the institutions matching every filter, most relevant first when there is a query text, then
    in the order of `sort` (see _order); with the exact total and each one's fire status. The one search of the
    portal, the public API and the workspace."""
    where, args = _where(filters, policy, on)
    matched = text_match(filters.q, current_engine().engine_type)
    source = "institution"
    conditions = [where] if where else []
    if matched:
        source = "institution JOIN institution_search s ON s.institution = institution.id"
        conditions.insert(0, matched.where)
        args = [*matched.where_args, *args]
    clause = (" WHERE " + " AND ".join(conditions)) if conditions else ""
    page = max(page, 1)
    total = (await Institution.raw(f"SELECT COUNT(*) AS n FROM {source}{clause}", *args).run())[0]["n"]
    order, order_args = _order(sort, policy, on)
    if matched:
        order, order_args = f"{matched.rank} ASC, {order}", [*matched.rank_args, *order_args]
    columns = ", ".join(f"institution.{c.strip()}" for c in SEARCH_COLUMNS.split(","))
    rows = await Institution.raw(
        f"SELECT {columns} FROM {source}{clause} ORDER BY {order} LIMIT {int(page_size)} "
        f"OFFSET {int((page - 1) * page_size)}", *args, *order_args).run()
    statuses = await fire_statuses([r["id"] for r in rows], policy, on)
    return SearchPage([{**r, "fire_status": statuses.get(r["id"], "none")} for r in rows], total, page, page_size)


async def fire_statuses(ids: list[int], policy: Policy, on: date) -> dict[int, str]:
    """The fire-safety status on `on` of each given institution."""
    if not ids:
        return {}
    sql, args = fire_status_sql(policy, on)
    marks = ", ".join("{}" for _ in ids)
    rows = await Institution.raw(f"SELECT id, {sql} AS fire_status FROM institution WHERE id IN ({marks})",
                                 *args, *ids).run()
    return {r["id"]: r["fire_status"] for r in rows}


async def counts_by_level() -> dict[str, int]:
    """How many institutions have each credit level ("" for not rated yet)."""
    rows = await Institution.raw(
        "SELECT credit_level, COUNT(*) AS n FROM institution GROUP BY credit_level").run()
    return {r["credit_level"] or "": r["n"] for r in rows}


async def institutions_by_uscc(codes: list[str]) -> dict[str, dict[str, Any]]:
    """Institution rows (the public columns) of the given USCCs, keyed by USCC."""
    if not codes:
        return {}
    rows = await Institution.raw(
        f"SELECT {COLUMNS} FROM institution WHERE uscc IN ({', '.join('{}' for _ in codes)})",
        *[c.upper() for c in codes]).run()
    return {r["uscc"]: r for r in rows}


async def listed_entries_of(institution_id: int) -> list[dict[str, Any]]:
    """The institution's entries on the public list (itself or its people), as the public list shows them."""
    return [public_entry(r) for r in await listed_entries(page_size=1000, institution_id=institution_id)]


async def latest_disclosure_day() -> date | None:
    """The day of the newest published disclosure, if any."""
    rows = await Institution.raw("SELECT MAX(day) AS day FROM disclosure").run()
    day = rows[0]["day"] if rows else None
    if isinstance(day, str):  # SQLite's MAX() loses the column type
        day = date.fromisoformat(day)
    return day
