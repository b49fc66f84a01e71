"""Hypothesis strategies for the scoring fact types."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from scoring.facts import FIRE_AREAS, HAZARD_CATEGORIES, FireInspection, Grading, InstitutionFacts, MajorHazard, Penalty

AS_OF = date(2024, 6, 30)
EARLIEST = date(2016, 1, 1)
LATEST = date(2026, 12, 31)

dates = st.dates(min_value=EARLIEST, max_value=LATEST)
past_dates = st.dates(min_value=EARLIEST, max_value=AS_OF)
record_ids = st.integers(min_value=1, max_value=10**6)
optional_dates = st.none() | dates

grading_levels = st.integers(min_value=1, max_value=5)


@st.composite
def gradings(draw: st.DrawFn) -> Grading:
    if draw(st.booleans()):
        return Grading(draw(record_ids), draw(dates), level=draw(grading_levels))
    parts = [draw(st.integers(min_value=0, max_value=m)) for m in (120, 130, 150, 600)]
    return Grading(draw(record_ids), draw(dates), None, *parts)


checklists = st.dictionaries(st.sampled_from(tuple(FIRE_AREAS)), st.sampled_from(("pass", "fail", "na")))
inspections = st.builds(FireInspection, id=record_ids, inspected_on=dates, checklist=checklists)
hazards = st.builds(
    MajorHazard,
    id=record_ids,
    category=st.sampled_from(tuple(HAZARD_CATEGORIES)),
    found_on=dates,
    rectify_by=dates,
    rectified_on=optional_dates,
)
penalties = st.builds(
    Penalty,
    id=record_ids,
    severity=st.sampled_from(("minor", "general", "serious")),
    decision_date=dates,
    is_fire_safety=st.booleans(),
    publication_end=optional_dates,
    rectified_on=optional_dates,
    revoked=st.booleans(),
)


def institution_facts(max_records: int = 5) -> st.SearchStrategy[InstitutionFacts]:
    """Facts of one institution with up to `max_records` records of each kind."""
    return st.builds(
        InstitutionFacts,
        institution_id=record_ids,
        gradings=st.lists(gradings(), max_size=max_records).map(tuple),
        inspections=st.lists(inspections, max_size=max_records).map(tuple),
        hazards=st.lists(hazards, max_size=max_records).map(tuple),
        penalties=st.lists(penalties, max_size=max_records).map(tuple),
        listed=st.booleans(),
    )


facts = institution_facts()
