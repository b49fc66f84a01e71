"""Unit rules: month arithmetic, grading levels and validity, fire outcome, publication windows."""

from __future__ import annotations

from datetime import date as d
from decimal import Decimal

import pytest

from scoring import (
    FireInspection,
    FireOutcome,
    Grading,
    GradingError,
    InstitutionFacts,
    MajorHazard,
    Penalty,
    add_months,
    checklist_outcome,
    fire_outcome,
    grading_eligibility,
    grading_expires_on,
    grading_is_valid,
    grading_level,
    hazard_is_open,
    is_publicly_active,
    level_for,
    level_of,
    load_policy,
    penalty_points,
    publication_end,
    publication_window,
)

POLICY = load_policy("2020.1")


# --- month arithmetic


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (d(2023, 1, 31), 1, d(2023, 2, 28)),
        (d(2024, 1, 31), 1, d(2024, 2, 29)),
        (d(2024, 3, 31), -1, d(2024, 2, 29)),
        (d(2023, 11, 15), 3, d(2024, 2, 15)),
        (d(2024, 2, 29), 12, d(2025, 2, 28)),
        (d(2024, 5, 31), 0, d(2024, 5, 31)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


# --- grading


@pytest.mark.parametrize(
    ("parts", "level"),
    [
        ((120, 130, 150, 501), 5),  # 901
        ((120, 130, 150, 500), 4),  # 900
        ((100, 100, 100, 501), 4),  # 801
        ((100, 100, 100, 401), 3),  # 701
        ((60, 60, 80, 401), 3),  # 601
        ((60, 60, 80, 400), 2),  # 600
        ((50, 50, 50, 151), 1),  # 301
        ((50, 50, 50, 150), None),  # 300
        ((0, 0, 0, 0), None),
    ],
)
def test_grading_level_follows_the_thresholds_of_1000(parts, level):
    assert grading_level(*parts, POLICY) == level


@pytest.mark.parametrize("parts", [(121, 0, 0, 0), (0, 131, 0, 0), (0, 0, 151, 0), (0, 0, 0, 601), (-1, 0, 0, 0)])
def test_grading_part_outside_its_maximum_is_refused(parts):
    with pytest.raises(GradingError):
        grading_level(*parts, POLICY)


def test_recorded_level_wins_over_part_scores():
    assert level_of(Grading(1, d(2023, 1, 1), 2, 120, 130, 150, 600), POLICY) == 2
    assert level_of(Grading(1, d(2023, 1, 1), None, 120, 130, 150, 600), POLICY) == 5


def test_grading_needs_a_level_or_all_four_parts():
    with pytest.raises(ValueError, match="services"):
        Grading(1, d(2023, 1, 1), None, 100, 100, 100, None)
    with pytest.raises(ValueError, match="level"):
        Grading(1, d(2023, 1, 1), 6)


def test_grading_is_valid_for_three_years_from_the_decision():
    g = Grading(1, d(2021, 2, 28), 4)

    assert grading_expires_on(g, POLICY) == d(2024, 2, 28)
    assert grading_is_valid(g, POLICY, d(2024, 2, 27))
    assert not grading_is_valid(g, POLICY, d(2024, 2, 28))
    assert not grading_is_valid(g, POLICY, d(2021, 2, 27))


def test_grading_decided_on_29_february_expires_on_28_february():
    assert grading_expires_on(Grading(1, d(2020, 2, 29), 3), POLICY) == d(2023, 2, 28)


def test_listed_institution_may_not_apply_for_grading():
    reasons = grading_eligibility(InstitutionFacts(1, listed=True), POLICY, d(2024, 6, 30))

    assert [r.code for r in reasons] == ["grading.ineligible.listed"]


def test_serious_penalty_in_the_last_two_years_bars_grading():
    facts = InstitutionFacts(
        1,
        penalties=(
            Penalty("recent", "serious", d(2022, 7, 1)),
            Penalty("old", "serious", d(2022, 6, 30)),
            Penalty("revoked", "serious", d(2024, 1, 1), revoked=True),
            Penalty("general", "general", d(2024, 1, 1)),
        ),
    )

    reasons = grading_eligibility(facts, POLICY, d(2024, 6, 30))

    assert [(r.code, r.records) for r in reasons] == [("grading.ineligible.serious_penalty", ("recent",))]
    assert "2" in reasons[0].label_zh


def test_clean_institution_is_eligible_for_grading():
    assert grading_eligibility(InstitutionFacts(1), POLICY, d(2024, 6, 30)) == ()


# --- fire safety


@pytest.mark.parametrize(
    ("fails", "outcome"),
    [
        ((), FireOutcome.COMPLIANT),
        (("resident_floors",), FireOutcome.BASICALLY_COMPLIANT),
        (("fire_management", "micro_fire_station"), FireOutcome.BASICALLY_COMPLIANT),
        (("resident_floors", "fire_separation", "micro_fire_station"), FireOutcome.NON_COMPLIANT),
        (("fire_resistance",), FireOutcome.NON_COMPLIANT),
        (("evacuation",), FireOutcome.NON_COMPLIANT),
        (("fire_facilities",), FireOutcome.NON_COMPLIANT),
    ],
)
def test_checklist_outcome(fails, outcome):
    checklist = {"fire_resistance": "pass", "evacuation": "pass", "micro_fire_station": "na"} | dict.fromkeys(
        fails, "fail"
    )

    assert checklist_outcome(checklist, POLICY) == outcome


def test_open_major_hazard_makes_any_inspection_non_compliant():
    inspection = FireInspection(1, d(2024, 5, 1), {"evacuation": "pass"})
    hazard = MajorHazard(2, "other", d(2024, 4, 1), d(2024, 6, 1), rectified_on=d(2024, 7, 1))

    assert fire_outcome(inspection, [hazard], POLICY, d(2024, 6, 30)) == FireOutcome.NON_COMPLIANT
    assert fire_outcome(inspection, [hazard], POLICY, d(2024, 7, 1)) == FireOutcome.COMPLIANT
    assert fire_outcome(None, [], POLICY, d(2024, 7, 1)) is None


def test_hazard_is_open_from_finding_until_rectification():
    hazard = MajorHazard(1, "safety_licence", d(2024, 4, 1), d(2024, 5, 1), rectified_on=d(2024, 6, 1))

    assert [hazard_is_open(hazard, day) for day in (d(2024, 3, 31), d(2024, 4, 1), d(2024, 5, 31), d(2024, 6, 1))] == [
        False,
        True,
        True,
        False,
    ]


def test_unknown_fire_area_or_result_is_refused():
    with pytest.raises(ValueError, match="kitchen"):
        FireInspection(1, d(2024, 1, 1), {"kitchen": "pass"})
    with pytest.raises(ValueError, match="evacuation"):
        FireInspection(1, d(2024, 1, 1), {"evacuation": "ok"})


# --- publication windows


@pytest.mark.parametrize(
    ("severity", "fire_safety", "minimum_end", "maximum_end"),
    [
        ("minor", False, d(2024, 1, 31), d(2024, 4, 30)),
        ("general", False, d(2024, 4, 30), d(2025, 1, 31)),
        ("serious", False, d(2025, 1, 31), d(2027, 1, 31)),
        ("minor", True, d(2025, 1, 31), d(2025, 1, 31)),
        ("general", True, d(2025, 1, 31), d(2025, 1, 31)),
        ("serious", True, d(2025, 1, 31), d(2027, 1, 31)),
    ],
)
def test_publication_window_by_severity_and_kind(severity, fire_safety, minimum_end, maximum_end):
    window = publication_window(Penalty(1, severity, d(2024, 1, 31), is_fire_safety=fire_safety), POLICY)

    assert (window.start, window.minimum_end, window.maximum_end) == (d(2024, 1, 31), minimum_end, maximum_end)


def test_general_penalty_of_30_november_ends_on_29_february():
    assert publication_window(Penalty(1, "general", d(2023, 11, 30)), POLICY).minimum_end == d(2024, 2, 29)


@pytest.mark.parametrize(
    ("explicit", "end"),
    [
        (None, d(2025, 1, 31)),
        (d(2024, 2, 1), d(2024, 4, 30)),
        (d(2024, 9, 1), d(2024, 9, 1)),
        (d(2026, 1, 1), d(2025, 1, 31)),
    ],
)
def test_explicit_publication_end_is_clamped_into_the_window(explicit, end):
    assert publication_end(Penalty(1, "general", d(2024, 1, 31), publication_end=explicit), POLICY) == end


def test_penalty_is_public_from_its_decision_until_the_day_before_its_end():
    p = Penalty(1, "general", d(2024, 1, 31))

    assert [
        is_publicly_active(p, POLICY, day) for day in (d(2024, 1, 30), d(2024, 1, 31), d(2025, 1, 30), d(2025, 1, 31))
    ] == [
        False,
        True,
        True,
        False,
    ]


def test_revoked_penalty_is_never_public():
    assert not is_publicly_active(Penalty(1, "serious", d(2024, 1, 31), revoked=True), POLICY, d(2024, 2, 1))


def test_minor_penalty_with_an_end_on_its_decision_date_is_never_published():
    assert not is_publicly_active(
        Penalty(1, "minor", d(2024, 1, 31), publication_end=d(2024, 1, 31)), POLICY, d(2024, 1, 31)
    )


@pytest.mark.parametrize(
    ("rectified_on", "on", "points"),
    [
        (None, d(2024, 6, 1), "-15.00"),
        (d(2024, 3, 1), d(2024, 6, 1), "-7.50"),
        (None, d(2025, 2, 1), "-7.50"),
        (d(2024, 3, 1), d(2025, 2, 1), "-3.75"),
        (d(2024, 3, 1), d(2027, 2, 1), "0.00"),
    ],
)
def test_serious_penalty_points_halve_when_rectified_and_after_the_minimum(rectified_on, on, points):
    assert penalty_points(Penalty(1, "serious", d(2024, 1, 31), rectified_on=rectified_on), POLICY, on) == Decimal(
        points
    )


def test_unknown_severity_or_hazard_category_is_refused():
    with pytest.raises(ValueError, match="severity"):
        Penalty(1, "grave", d(2024, 1, 1))
    with pytest.raises(ValueError, match="category"):
        MajorHazard(1, "flood", d(2024, 1, 1), d(2024, 2, 1))


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("100", "A"),
        ("90.00", "A"),
        ("89.99", "B"),
        ("75", "B"),
        ("74.99", "C"),
        ("60", "C"),
        ("59.99", "D"),
        ("0", "D"),
    ],
)
def test_level_for_score(score, level):
    assert level_for(Decimal(score), POLICY) == level
