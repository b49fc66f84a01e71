"""What comes next (scoring.outlook), tested against the engine: the predicted day is the day the score changes.

Rule sources are cited per test: DESIGN.md "Credit score and level" and "Penalties and violations", the policy
keys of scoring/policies/2026.1.toml, NDRC Order No. 36 (《信用修复管理办法》) and 民发〔2019〕103号.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings, strategies as st
from strategies import facts as random_facts

from scoring import FireInspection, Grading, InstitutionFacts, MajorHazard, Penalty, evaluate, load_policy
from scoring.outlook import ListingTerm, known_on, outlook

POLICIES = {v: load_policy(v) for v in ("2020.1", "2026.1")}
ONE_DAY = timedelta(days=1)
on_dates = st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 12, 31))
ALL_PASS = dict.fromkeys(
    (
        "fire_resistance",
        "resident_floors",
        "fire_separation",
        "evacuation",
        "fire_facilities",
        "fire_management",
        "micro_fire_station",
    ),
    "pass",
)


def state(f: InstitutionFacts, version: str, day: date) -> tuple[Decimal, str]:
    a = evaluate(f, POLICIES[version], day)
    return a.score, a.level


@settings(max_examples=300, deadline=None)
@given(random_facts, on_dates, st.sampled_from(sorted(POLICIES)))
def test_each_predicted_day_is_the_day_the_engine_changes_the_score(facts, on, version):
    """For random facts: on each predicted day the engine gives the predicted score and level, on the day
    before the previous one (the current one for the first event). DESIGN.md "Credit score and level":
    penalties count inside their publication window, halved after the minimum period; gradings valid 3 years."""
    known = known_on(facts, on)
    result = outlook(facts, POLICIES[version], on)
    previous = (result.current.score, result.current.level)
    assert previous == state(known, version, on)
    for event in result.events:
        assert event.on > on
        assert state(known, version, event.on - ONE_DAY) == previous
        assert state(known, version, event.on) == (event.score, event.level)
        previous = (event.score, event.level)


@settings(max_examples=150, deadline=None)
@given(random_facts, on_dates, st.sampled_from(sorted(POLICIES)), st.integers(min_value=1, max_value=5 * 366))
def test_between_predicted_days_the_score_stays_as_predicted(facts, on, version, days_later):
    """No change is missed: on any later day the engine gives the score of the last event up to that day."""
    known = known_on(facts, on)
    result = outlook(facts, POLICIES[version], on)
    day = on + timedelta(days=days_later)
    expected = (result.current.score, result.current.level)
    for event in result.events:
        if event.on <= day:
            expected = (event.score, event.level)
    assert state(known, version, day) == expected


@settings(max_examples=150, deadline=None)
@given(random_facts, on_dates, st.integers(min_value=0, max_value=3 * 366), st.integers(min_value=1, max_value=3 * 366))
def test_a_listed_home_changes_when_its_entry_ends_as_predicted(facts, on, listed_days_ago, days_left):
    """民发〔2019〕103号: listed for a fixed term, D whatever the score while listed (DESIGN.md "Credit score and
    level"); when the entry ends the engine scores the home unlisted: the predicted days still hold."""
    term = ListingTerm(on - timedelta(days=listed_days_ago), on + timedelta(days=days_left))
    known = dataclasses.replace(known_on(facts, on), listed=True)

    def listed_state(day: date) -> tuple[Decimal, str]:
        return state(dataclasses.replace(known, listed=day < term.expires_on), "2026.1", day)

    result = outlook(dataclasses.replace(facts, listed=True), POLICIES["2026.1"], on, listing=term)
    previous = (result.current.score, result.current.level)
    for event in result.events:
        assert listed_state(event.on - ONE_DAY) == previous
        assert listed_state(event.on) == (event.score, event.level)
        previous = (event.score, event.level)
    after_end = term.expires_on + timedelta(days=1)
    expected = (result.current.score, result.current.level)
    for event in result.events:
        if event.on <= after_end:
            expected = (event.score, event.level)
    assert listed_state(after_end) == expected


@settings(max_examples=150, deadline=None)
@given(random_facts, on_dates)
def test_every_action_raises_the_score_or_lifts_the_level(facts, on):
    """What the outlook proposes is never a step down (an action is listed only when it helps)."""
    policy = POLICIES["2026.1"]
    result = outlook(facts, policy, on)
    names = list(policy.levels)
    for action in result.actions:
        assert action.on >= on
        before = evaluate(known_on(facts, on), policy, action.on)
        assert action.score > before.score or names.index(action.level) < names.index(before.level)


POLICY = POLICIES["2026.1"]
ON = date(2026, 11, 3)


def test_serious_penalty_halves_after_one_year_and_stops_after_three():
    """Order No. 36: serious information is published 1 to 3 years from the decision (order36.legal_windows.
    serious); penalties.serious.points = -15, halved past the minimum period (penalties.past_minimum_factor)."""
    facts = InstitutionFacts(1, penalties=(Penalty(7, "serious", date(2026, 11, 3)),))
    result = outlook(facts, POLICY, ON)
    assert result.current.score == Decimal("70.00")  # base 85 - 15
    assert [(e.on, e.kind, e.score) for e in result.events] == [
        (date(2027, 11, 3), "penalty.halves", Decimal("77.50")),
        (date(2029, 11, 3), "penalty.ends", Decimal("85.00")),
    ]


def test_general_penalty_with_an_explicit_end_stops_on_that_end():
    """Order No. 36: general information 3 months to 1 year; the regulator's end is clamped into it
    (DESIGN.md "Penalties and violations": the publication end shown is always within the legal window)."""
    facts = InstitutionFacts(1, penalties=(Penalty(8, "general", date(2026, 10, 1), publication_end=date(2027, 2, 1)),))
    result = outlook(facts, POLICY, ON)
    assert [(e.on, e.kind, e.score) for e in result.events] == [
        (date(2027, 1, 1), "penalty.halves", Decimal("82.50")),
        (date(2027, 2, 1), "penalty.ends", Decimal("85.00")),
    ]


def test_repair_can_be_applied_for_when_the_minimum_period_has_passed():
    """Order No. 36: repair may be applied for once the shortest publication period has passed (general: 3
    months); a repaired record stops counting (art. 3)."""
    facts = InstitutionFacts(1, penalties=(Penalty(8, "general", date(2026, 10, 1)),))
    repair = [a for a in outlook(facts, POLICY, ON).actions if a.kind == "penalty.repair"]
    assert [(a.on, a.score, a.level) for a in repair] == [(date(2027, 1, 1), Decimal("85.00"), "B")]


def test_rectifying_the_open_hazard_lifts_the_level_cap():
    """DESIGN.md: any open major hazard makes fire safety non-compliant; policy fire.points.open_major_hazard
    = -20, non_compliant = -15, caps.open_major_hazard = "C". Rectified, the latest inspection counts again."""
    facts = InstitutionFacts(
        1,
        gradings=(Grading(1, date(2026, 1, 5), level=5),),
        inspections=(FireInspection(2, date(2026, 9, 1), ALL_PASS),),
        hazards=(MajorHazard(3, "fire", date(2026, 9, 1), rectify_by=date(2026, 12, 1)),),
    )
    result = outlook(facts, POLICY, ON)
    assert (result.current.score, result.current.level) == (Decimal("65.00"), "C")  # 85 + 15 - 15 - 20
    rectify = [a for a in result.actions if a.kind == "hazard.rectify"]
    assert [(a.on, a.deadline, a.score, a.level) for a in rectify] == [(ON, date(2026, 12, 1), Decimal("100.00"), "A")]


def test_the_lowest_grading_that_lifts_the_level_is_proposed():
    """Policy grading.points (5: 15, 4: 12, 3: 9, 2: 6, 1: 3) and levels (A 90, B 75): a clean home at 85 (B)
    reaches A with a grading of level 2 (85 + 6 = 91)."""
    facts = InstitutionFacts(1, inspections=(FireInspection(2, date(2026, 9, 1), ALL_PASS),))
    grading = [a for a in outlook(facts, POLICY, ON).actions if a.kind == "grading"]
    assert [(a.grade, a.score, a.level) for a in grading] == [(2, Decimal("91.00"), "A")]


def test_no_grading_is_proposed_within_two_years_of_a_serious_penalty_until_then():
    """DESIGN.md "Grading": not eligible with a serious penalty in the last 2 years
    (grading.ineligible_after_serious_penalty_years = 2): the grading is proposed from the day it is allowed."""
    facts = InstitutionFacts(1, penalties=(Penalty(7, "serious", date(2026, 6, 1)),))
    grading = [a for a in outlook(facts, POLICY, ON).actions if a.kind == "grading"]
    assert [a.on for a in grading] == [date(2028, 6, 1)]


def test_grading_lapses_three_years_after_the_decision():
    """DESIGN.md "Grading": valid 3 years from the decision (grading.validity_years = 3), then lapses."""
    facts = InstitutionFacts(1, gradings=(Grading(1, date(2024, 2, 29), level=3),))
    events = outlook(facts, POLICY, ON).events
    assert [(e.on, e.kind, e.score) for e in events] == [(date(2027, 2, 28), "grading.lapses", Decimal("85.00"))]


def test_listed_home_leaves_the_list_after_three_years_and_may_apply_for_early_removal_after_two():
    """民发〔2019〕103号: listed for 3 years (listing.duration_years), early removal after 2 full years (art. 11,
    listing.early_removal_after_years); DESIGN.md: listed -> D whatever the score."""
    facts = InstitutionFacts(1, listed=True)
    term = ListingTerm(listed_on=date(2026, 3, 1), expires_on=date(2029, 3, 1))
    result = outlook(facts, POLICY, ON, listing=term)
    assert result.current.level == "D"
    assert [(e.on, e.kind, e.level) for e in result.events] == [(date(2029, 3, 1), "listing.ends", "B")]
    assert [(a.on, a.kind, a.level) for a in result.actions] == [(date(2028, 3, 1), "listing.early_removal", "B")]


def test_new_home_cap_ends_after_twelve_months_of_operation():
    """Policy caps.new_institution = "B" while in operation under caps.new_institution_months = 12
    (京民养老发〔2023〕233号)."""
    facts = InstitutionFacts(1, gradings=(Grading(1, date(2026, 6, 1), level=5),), opened_on=date(2026, 5, 10))
    events = outlook(facts, POLICY, ON).events
    assert [(e.on, e.kind, e.score, e.level) for e in events] == [
        (date(2027, 5, 10), "cap.new_institution.ends", Decimal("100.00"), "A"),
        (date(2029, 6, 1), "grading.lapses", Decimal("85.00"), "B"),
    ]


def test_nothing_booked_after_the_day_is_assumed():
    """The outlook predicts from what is known on the day: a rectification recorded for a later day is not."""
    hazard = MajorHazard(3, "fire", date(2026, 9, 1), rectify_by=date(2026, 12, 1), rectified_on=date(2026, 12, 1))
    facts = InstitutionFacts(1, hazards=(hazard,))
    assert known_on(facts, ON).hazards == (dataclasses.replace(hazard, rectified_on=None),)
