"""Build the scoring engine's facts from stored records."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from scoring import FireInspection as InspectionFacts
from scoring import Grading as GradingFacts
from scoring import InstitutionFacts
from scoring import MajorHazard as HazardFacts
from scoring import Penalty as PenaltyFacts

from credit.listings.tables import ListingEntry
from credit.records.tables import FireChecklistItem, FireInspection, Grading, MajorHazard, Penalty

BATCH = 500


async def load_facts(institution_ids: Iterable[int]) -> dict[int, InstitutionFacts]:
    """The facts of each institution, keyed by id (institutions without records get empty facts)."""
    ids = list(institution_ids)
    found: dict[int, InstitutionFacts] = {}
    for start in range(0, len(ids), BATCH):
        found |= await _load_batch(ids[start:start + BATCH])
    return found


async def _load_batch(ids: list[int]) -> dict[int, InstitutionFacts]:
    gradings, inspections, hazards, penalties = (defaultdict(list) for _ in range(4))
    for g in await Grading.select().where(Grading.institution.is_in(ids) & (Grading.revoked == False)).run():  # noqa: E712
        gradings[g["institution"]].append(GradingFacts(
            id=g["id"], decided_on=g["decided_on"], level=g["level"]))
    rows = await FireInspection.select(FireInspection.id, FireInspection.institution,
                                       FireInspection.inspected_on).where(
        FireInspection.institution.is_in(ids)).run()
    checklists: dict[int, dict[str, str]] = defaultdict(dict)
    if rows:
        for item in await FireChecklistItem.select(FireChecklistItem.inspection, FireChecklistItem.area,
                                                   FireChecklistItem.result).where(
                FireChecklistItem.inspection.is_in([r["id"] for r in rows])).run():
            checklists[item["inspection"]][item["area"]] = item["result"]
    for r in rows:
        inspections[r["institution"]].append(InspectionFacts(
            id=r["id"], inspected_on=r["inspected_on"], checklist=checklists[r["id"]]))
    for h in await MajorHazard.select().where(MajorHazard.institution.is_in(ids)).run():
        hazards[h["institution"]].append(HazardFacts(
            id=h["id"], category=h["category"], found_on=h["found_on"], rectify_by=h["rectify_by"],
            rectified_on=h["rectified_on"]))
    for p in await Penalty.select().where(Penalty.institution.is_in(ids)).run():
        penalties[p["institution"]].append(PenaltyFacts(
            id=p["id"], severity=p["severity"], decision_date=p["decision_date"],
            is_fire_safety=p["is_fire_safety"], publication_end=p["publication_end"],
            rectified_on=p["rectified_on"], revoked=p["revoked"]))
    listed = {r["institution"] for r in await ListingEntry.select(ListingEntry.institution).where(
        ListingEntry.institution.is_in(ids) & (ListingEntry.status == "listed")).run()}
    return {i: InstitutionFacts(institution_id=i, gradings=gradings[i], inspections=inspections[i],
                                hazards=hazards[i], penalties=penalties[i], listed=i in listed) for i in ids}
