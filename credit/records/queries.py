"""Read an institution's records for pages and the API (no writes)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from credit.errors import NotFound
from credit.records.service import public_penalty
from credit.records.tables import FireChecklistItem, FireInspection, Grading, HazardReport, MajorHazard, Penalty
from credit.registry.tables import Institution
from credit.timeutil import today
from scoring.dates import last_start_ending_by


async def gradings_of(institution_id: int) -> list[dict[str, Any]]:
    rows = (
        await Grading.select()
        .where(Grading.institution == institution_id)
        .order_by(Grading.decided_on, ascending=False)
        .run()
    )
    return [{k: v for k, v in r.items() if k != "created_at"} for r in rows]


async def inspections_of(institution_id: int) -> list[dict[str, Any]]:
    """The institution's inspections, newest first, each with its checklist and hazards (four queries); a hazard's
    `reported_on` is the rectification date the home reported and a regulator has yet to confirm, or None."""
    rows = (
        await FireInspection.select()
        .where(FireInspection.institution == institution_id)
        .order_by(FireInspection.inspected_on, ascending=False)
        .order_by(FireInspection.id, ascending=False)
        .run()
    )
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    checklists: dict[int, dict[str, str]] = {i: {} for i in ids}
    for item in (
        await FireChecklistItem.select(FireChecklistItem.inspection, FireChecklistItem.area, FireChecklistItem.result)
        .where(FireChecklistItem.inspection.is_in(ids))
        .run()
    ):
        checklists[item["inspection"]][item["area"]] = item["result"]
    hazards: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    rows_of_hazards = await MajorHazard.select().where(MajorHazard.inspection.is_in(ids)).order_by(MajorHazard.id).run()
    reported = await _awaiting_reports([h["id"] for h in rows_of_hazards])
    for hazard in rows_of_hazards:
        hazards[hazard["inspection"]].append(
            {**{k: v for k, v in hazard.items() if k != "created_at"}, "reported_on": reported.get(hazard["id"])}
        )
    return [
        {
            **{k: v for k, v in r.items() if k != "created_at"},
            "checklist": checklists[r["id"]],
            "hazards": hazards[r["id"]],
        }
        for r in rows
    ]


async def penalties_of(institution_id: int) -> list[dict[str, Any]]:
    rows = (
        await Penalty.select()
        .where(Penalty.institution == institution_id)
        .order_by(Penalty.decision_date, ascending=False)
        .run()
    )
    return [public_penalty(r) for r in rows]


async def get_hazard(hazard_id: int) -> dict[str, Any]:
    """One major hazard (with its institution id). Raises NotFound."""
    row = await MajorHazard.select().where(MajorHazard.id == hazard_id).first().run()
    if row is None:
        raise NotFound(f"hazard {hazard_id}")
    return {k: v for k, v in row.items() if k != "created_at"}


async def gradings_lapsing(district: str = "", within_days: int = 90, on: date | None = None) -> list[dict[str, Any]]:
    """The latest valid (not revoked) grading of each institution when it expires within `within_days` days
    (today included), soonest first: {id, institution, institution_name, district_code, level, decided_on,
    expires_on}. `district` limits them to one district's institutions."""
    on = on or today()
    query = Grading.select(
        Grading.id,
        Grading.institution,
        Grading.institution.name.as_alias("institution_name"),
        Grading.institution.district_code.as_alias("district_code"),
        Grading.level,
        Grading.decided_on,
        Grading.expires_on,
    ).where(
        Grading.revoked.eq(False)
        & (Grading.expires_on >= on)
        & (Grading.expires_on <= on + timedelta(days=within_days))
    )
    if district:
        query = query.where(Grading.institution.district_code == district)
    candidates = await query.run()
    if not candidates:
        return []
    # A newer grading of the same institution supersedes a lapsing one.
    latest: dict[int, tuple] = {}
    for g in (
        await Grading.select(Grading.id, Grading.institution, Grading.decided_on)
        .where(Grading.revoked.eq(False) & Grading.institution.is_in(sorted({c["institution"] for c in candidates})))
        .run()
    ):
        key = (g["decided_on"], g["id"])
        if g["institution"] not in latest or key > latest[g["institution"]]:
            latest[g["institution"]] = key
    found = [c for c in candidates if latest[c["institution"]][1] == c["id"]]
    return sorted(found, key=lambda c: (c["expires_on"], c["id"]))


async def overdue_major_hazards(district: str = "", on: date | None = None) -> list[dict[str, Any]]:
    """Major hazards not rectified and past their rectify-by date, oldest deadline first: {id, institution,
    institution_name, district_code, category, description, found_on, rectify_by}."""
    on = on or today()
    query = MajorHazard.select(
        MajorHazard.id,
        MajorHazard.institution,
        MajorHazard.institution.name.as_alias("institution_name"),
        MajorHazard.institution.district_code.as_alias("district_code"),
        MajorHazard.category,
        MajorHazard.description,
        MajorHazard.found_on,
        MajorHazard.rectify_by,
    ).where(MajorHazard.rectified_on.is_null() & (MajorHazard.rectify_by < on))
    if district:
        query = query.where(MajorHazard.institution.district_code == district)
    return await query.order_by(MajorHazard.rectify_by).order_by(MajorHazard.id).run()


async def count_open_hazards(district: str = "") -> int:
    """How many major hazards are not rectified yet."""
    query = MajorHazard.count().where(MajorHazard.rectified_on.is_null())
    if district:
        query = query.where(MajorHazard.institution.district_code == district)
    return await query.run()


async def due_for_inspection(
    months: int, district: str = "", on: date | None = None, limit: int = 50
) -> tuple[int, list[dict[str, Any]]]:
    """Operating homes not inspected in the last `months` months (the policy's yearly interval): civil
    affairs inspects every home yearly (养老机构管理办法, MCA Order 66), so these are the regulator's to do.

    Returns (how many, the first `limit` of them never-inspected first, then longest since: {id, uscc,
    name, district_code, last_inspected}). The same rule as `scoring.inspection_due`.
    """
    on = on or today()
    cutoff = last_start_ending_by(on, months)  # a latest inspection on or before it is a year old
    where = "i.status = 'active'"
    params: list[Any] = [on]
    if district:
        where += " AND i.district_code = {}"
        params.append(district)
    params.append(cutoff)
    due = (
        "SELECT i.id AS id, i.uscc AS uscc, i.name AS name, i.district_code AS district_code, "
        "MAX(f.inspected_on) AS last_inspected FROM institution i "
        "LEFT JOIN fire_inspection f ON f.institution = i.id AND f.inspected_on <= {} "
        f"WHERE {where} GROUP BY i.id, i.uscc, i.name, i.district_code "
        "HAVING MAX(f.inspected_on) IS NULL OR MAX(f.inspected_on) <= {}"
    )
    total = (await Institution.raw(f"SELECT COUNT(*) AS n FROM ({due}) d", *params).run())[0]["n"]
    rows = await Institution.raw(
        f"{due} ORDER BY (MAX(f.inspected_on) IS NOT NULL), MAX(f.inspected_on), i.id LIMIT {int(limit)}", *params
    ).run()
    for row in rows:
        if isinstance(row["last_inspected"], str):  # SQLite gives an aggregate of dates as text
            row["last_inspected"] = date.fromisoformat(row["last_inspected"])
    return int(total), rows


async def _awaiting_reports(hazard_ids: list[int]) -> dict[int, Any]:
    """Hazard id -> the rectification date of the home's report awaiting confirmation (records.hazard_reports)."""
    if not hazard_ids:
        return {}
    rows = (
        await HazardReport.select(HazardReport.hazard, HazardReport.rectified_on)
        .where(HazardReport.hazard.is_in(hazard_ids) & (HazardReport.status == "reported"))
        .run()
    )
    return {r["hazard"]: r["rectified_on"] for r in rows}
