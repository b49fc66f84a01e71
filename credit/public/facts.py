"""Build the scoring engine's facts from stored records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from credit.listings.tables import ListingEntry
from credit.records.tables import FireChecklistItem, FireInspection, Grading, MajorHazard, Penalty
from credit.registry.tables import Institution
from scoring import (
    FireInspection as InspectionFacts,
    Grading as GradingFacts,
    InstitutionFacts,
    MajorHazard as HazardFacts,
    Penalty as PenaltyFacts,
)
from scoring.facts import ItemResult

BATCH = 500


async def load_facts(institution_ids: Iterable[int], as_of: date | None = None) -> dict[int, InstitutionFacts]:
    """The facts of each institution, keyed by id (institutions without records get empty facts).

    Of the fire inspections only the latest (on or before `as_of` when given) are loaded, with their
    checklists: the rules look at nothing older, and the checklists are most of the rows.
    """
    ids = list(institution_ids)
    found: dict[int, InstitutionFacts] = {}
    for start in range(0, len(ids), BATCH):
        found |= await _load_batch(ids[start : start + BATCH], as_of)
    return found


async def _latest_inspections(ids: list[int], as_of: date | None) -> dict[int, list[InspectionFacts]]:
    """Per institution, its inspections of the latest inspection day (several on one day all count)."""
    query = FireInspection.select(FireInspection.id, FireInspection.institution, FireInspection.inspected_on).where(
        FireInspection.institution.is_in(ids)
    )
    if as_of is not None:
        query = query.where(FireInspection.inspected_on <= as_of)
    latest_day: dict[int, date] = {}
    rows = await query.run()
    for row in rows:
        if row["inspected_on"] > latest_day.get(row["institution"], date.min):
            latest_day[row["institution"]] = row["inspected_on"]
    latest = [r for r in rows if r["inspected_on"] == latest_day[r["institution"]]]
    checklists: dict[int, dict[str, ItemResult]] = defaultdict(dict)
    if latest:
        for item in (
            await FireChecklistItem.select(
                FireChecklistItem.inspection, FireChecklistItem.area, FireChecklistItem.result
            )
            .where(FireChecklistItem.inspection.is_in([r["id"] for r in latest]))
            .run()
        ):
            checklists[item["inspection"]][item["area"]] = item["result"]
    found: dict[int, list[InspectionFacts]] = defaultdict(list)
    for row in latest:
        found[row["institution"]].append(
            InspectionFacts(id=row["id"], inspected_on=row["inspected_on"], checklist=checklists[row["id"]])
        )
    return found


async def _load_batch(ids: list[int], as_of: date | None) -> dict[int, InstitutionFacts]:
    gradings, hazards, penalties = (defaultdict(list) for _ in range(3))
    for g in (
        await Grading.select(Grading.id, Grading.institution, Grading.decided_on, Grading.level)
        .where(Grading.institution.is_in(ids) & Grading.revoked.eq(False))
        .run()
    ):
        gradings[g["institution"]].append(GradingFacts(id=g["id"], decided_on=g["decided_on"], level=g["level"]))
    inspections = await _latest_inspections(ids, as_of)
    for h in (
        await MajorHazard.select(
            MajorHazard.id,
            MajorHazard.institution,
            MajorHazard.category,
            MajorHazard.found_on,
            MajorHazard.rectify_by,
            MajorHazard.rectified_on,
        )
        .where(MajorHazard.institution.is_in(ids))
        .run()
    ):
        hazards[h["institution"]].append(
            HazardFacts(
                id=h["id"],
                category=h["category"],
                found_on=h["found_on"],
                rectify_by=h["rectify_by"],
                rectified_on=h["rectified_on"],
            )
        )
    for p in (
        await Penalty.select(
            Penalty.id,
            Penalty.institution,
            Penalty.severity,
            Penalty.decision_date,
            Penalty.is_fire_safety,
            Penalty.publication_end,
            Penalty.rectified_on,
            Penalty.revoked,
            Penalty.repaired_on,
        )
        .where(Penalty.institution.is_in(ids))
        .run()
    ):
        penalties[p["institution"]].append(
            PenaltyFacts(
                id=p["id"],
                severity=p["severity"],
                decision_date=p["decision_date"],
                is_fire_safety=p["is_fire_safety"],
                publication_end=p["publication_end"],
                rectified_on=p["rectified_on"],
                revoked=p["revoked"],
                repaired_on=p["repaired_on"],
            )
        )
    listed = {
        r["institution"]
        for r in await ListingEntry.select(ListingEntry.institution)
        .where(ListingEntry.institution.is_in(ids) & (ListingEntry.status == "listed"))
        .run()
    }
    # The registry's 成立日期 is the day the home started operating (the new-home level cap of 2026.1).
    opened = {
        r["id"]: r["established_on"]
        for r in await Institution.select(Institution.id, Institution.established_on)
        .where(Institution.id.is_in(ids))
        .run()
    }
    return {
        i: InstitutionFacts(
            institution_id=i,
            gradings=tuple(gradings[i]),
            inspections=tuple(inspections[i]),
            hazards=tuple(hazards[i]),
            penalties=tuple(penalties[i]),
            listed=i in listed,
            opened_on=opened.get(i),
        )
        for i in ids
    }
