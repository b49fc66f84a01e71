"""Build the scoring engine's facts from stored records.

`load_records` reads a batch of institutions' records, one query per table; `facts_of` turns them into the
engine's facts. The projection builds the facts and the public document from the same `Records`, so a
rebuild of every home reads each table once (credit.public.projection).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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


def _rows() -> defaultdict[int, list[dict[str, Any]]]:
    return defaultdict(list)


@dataclass
class Records:
    """The stored records of a batch of institutions, each table read once, rows keyed by institution id.

    Gradings, inspections and penalties are newest first (the day, then the id, descending), hazards in id
    order. `checklists` holds, by inspection id, the checklist of every inspection (`all_checklists`) or of the
    latest inspection day of each home (on or before the `as_of` given to `load_records`) only.
    """

    institutions: dict[int, dict[str, Any]] = field(default_factory=dict)
    gradings: defaultdict[int, list[dict[str, Any]]] = field(default_factory=_rows)
    inspections: defaultdict[int, list[dict[str, Any]]] = field(default_factory=_rows)
    checklists: defaultdict[int, dict[str, ItemResult]] = field(default_factory=lambda: defaultdict(dict))
    hazards: defaultdict[int, list[dict[str, Any]]] = field(default_factory=_rows)
    penalties: defaultdict[int, list[dict[str, Any]]] = field(default_factory=_rows)
    listed: set[int] = field(default_factory=set)


async def load_facts(institution_ids: Iterable[int], as_of: date | None = None) -> dict[int, InstitutionFacts]:
    """The facts of each institution, keyed by id (institutions without records get empty facts).

    Of the fire inspections only the latest (on or before `as_of` when given) count, and only their
    checklists are read: the rules look at nothing older, and the checklists are most of the rows.
    """
    ids = list(institution_ids)
    found: dict[int, InstitutionFacts] = {}
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        found |= facts_of(batch, await load_records(batch, as_of), as_of)
    return found


async def load_records(ids: list[int], as_of: date | None = None, *, all_checklists: bool = False) -> Records:
    """The records of the institutions `ids` (a batch: the ids go into IN lists), one query per table."""
    found = Records()
    if not ids:
        return found
    found.institutions = {r["id"]: r for r in await Institution.select().where(Institution.id.is_in(ids)).run()}
    for r in (
        await Grading.select()
        .where(Grading.institution.is_in(ids))
        .order_by(Grading.decided_on, ascending=False)
        .order_by(Grading.id, ascending=False)
        .run()
    ):
        found.gradings[r["institution"]].append(r)
    for r in (
        await FireInspection.select()
        .where(FireInspection.institution.is_in(ids))
        .order_by(FireInspection.inspected_on, ascending=False)
        .order_by(FireInspection.id, ascending=False)
        .run()
    ):
        found.inspections[r["institution"]].append(r)
    for r in await MajorHazard.select().where(MajorHazard.institution.is_in(ids)).order_by(MajorHazard.id).run():
        found.hazards[r["institution"]].append(r)
    for r in (
        await Penalty.select()
        .where(Penalty.institution.is_in(ids))
        .order_by(Penalty.decision_date, ascending=False)
        .order_by(Penalty.id, ascending=False)
        .run()
    ):
        found.penalties[r["institution"]].append(r)
    found.listed = {
        r["institution"]
        for r in await ListingEntry.select(ListingEntry.institution)
        .where(ListingEntry.institution.is_in(ids) & (ListingEntry.status == "listed"))
        .run()
    }
    if all_checklists:  # every inspection's: by the institutions (an IN list of thousands of ids costs more)
        items = await FireChecklistItem.raw(
            "SELECT c.inspection, c.area, c.result FROM fire_checklist_item c "
            "JOIN fire_inspection i ON i.id = c.inspection "
            f"WHERE i.institution IN ({', '.join(str(int(i)) for i in ids)}) ORDER BY c.id"
        ).run()
        for item in items:
            found.checklists[item["inspection"]][item["area"]] = item["result"]
        return found
    wanted = [r["id"] for i in ids for r in latest_inspections(found.inspections[i], as_of)]
    for start in range(0, len(wanted), BATCH):
        for item in (
            await FireChecklistItem.select(
                FireChecklistItem.inspection, FireChecklistItem.area, FireChecklistItem.result
            )
            .where(FireChecklistItem.inspection.is_in(wanted[start : start + BATCH]))
            .run()
        ):
            found.checklists[item["inspection"]][item["area"]] = item["result"]
    return found


def latest_inspections(rows: list[dict[str, Any]], as_of: date | None) -> list[dict[str, Any]]:
    """Of one home's inspection rows, those of its latest inspection day (on or before `as_of` when given):
    several on one day all count."""
    days = [r["inspected_on"] for r in rows if as_of is None or r["inspected_on"] <= as_of]
    if not days:
        return []
    latest = max(days)
    return [r for r in rows if r["inspected_on"] == latest]


def _by_id(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: r["id"])


def facts_of(ids: Iterable[int], records: Records, as_of: date | None) -> dict[int, InstitutionFacts]:
    """The engine's facts of each of `ids` from `records` (records in id order; revoked gradings left out)."""
    return {i: _facts(i, records, as_of) for i in ids}


def _facts(i: int, records: Records, as_of: date | None) -> InstitutionFacts:
    opened: Mapping[str, Any] = records.institutions.get(i) or {}
    # The registry's 成立日期 is the day the home started operating (the new-home level cap of 2026.1).
    return InstitutionFacts(
        institution_id=i,
        gradings=tuple(
            GradingFacts(id=g["id"], decided_on=g["decided_on"], level=g["level"])
            for g in _by_id(records.gradings[i])
            if not g["revoked"]
        ),
        inspections=tuple(
            InspectionFacts(id=r["id"], inspected_on=r["inspected_on"], checklist=records.checklists[r["id"]])
            for r in _by_id(latest_inspections(records.inspections[i], as_of))
        ),
        hazards=tuple(
            HazardFacts(
                id=h["id"],
                category=h["category"],
                found_on=h["found_on"],
                rectify_by=h["rectify_by"],
                rectified_on=h["rectified_on"],
            )
            for h in records.hazards[i]
        ),
        penalties=tuple(
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
            for p in _by_id(records.penalties[i])
        ),
        listed=i in records.listed,
        opened_on=opened.get("established_on"),
    )
