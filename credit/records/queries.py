"""Read an institution's records for pages and the API (no writes)."""

from __future__ import annotations

from typing import Any

from credit.records.service import get_fire_inspection, public_penalty
from credit.records.tables import FireInspection, Grading, MajorHazard, Penalty


async def gradings_of(institution_id: int) -> list[dict[str, Any]]:
    rows = await Grading.select().where(Grading.institution == institution_id).order_by(
        Grading.decided_on, ascending=False).run()
    return [{k: v for k, v in r.items() if k != "created_at"} for r in rows]


async def inspections_of(institution_id: int) -> list[dict[str, Any]]:
    rows = await FireInspection.select(FireInspection.id).where(FireInspection.institution == institution_id).order_by(
        FireInspection.inspected_on, ascending=False).run()
    return [await get_fire_inspection(r["id"]) for r in rows]


async def open_hazards_of(institution_id: int) -> list[dict[str, Any]]:
    rows = await MajorHazard.select().where((MajorHazard.institution == institution_id)
                                            & MajorHazard.rectified_on.is_null()).run()
    return [{k: v for k, v in r.items() if k != "created_at"} for r in rows]


async def penalties_of(institution_id: int) -> list[dict[str, Any]]:
    rows = await Penalty.select().where(Penalty.institution == institution_id).order_by(
        Penalty.decision_date, ascending=False).run()
    return [public_penalty(r) for r in rows]
