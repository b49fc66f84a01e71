"""Policy 2026.1: a score that tells homes apart and never contradicts itself (issue 15, section 4)."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import date as d, timedelta
from decimal import Decimal
from importlib import resources

import pytest
from hypothesis import given, strategies as st
from strategies import facts, grading_levels, hazards, penalties, record_ids

from scoring import (
    NOTE_CODES,
    FireInspection,
    Grading,
    InstitutionFacts,
    LevelProblem,
    MajorHazard,
    Penalty,
    PolicyError,
    decided_level_problems,
    evaluate,
    grading_eligibility,
    grading_level,
    inspection_due,
    load_policy,
    parse_policy,
    policy_for,
)

POLICY = load_policy("2026.1")
OLD = load_policy("2020.1")
ON = d(2026, 12, 2)
CLEAN = {area: "pass" for area in ("fire_resistance", "evacuation", "fire_facilities")}
RANK = {"A": 0, "B": 1, "C": 2, "D": 3}
on_dates = st.dates(min_value=d(2026, 4, 1), max_value=d(2028, 12, 31))
TEXT = (resources.files("scoring") / "policies" / "2026.1.toml").read_text(encoding="utf-8")


def home(**changes) -> InstitutionFacts:
    base = InstitutionFacts(
        1, inspections=(FireInspection(10, ON - timedelta(days=30), CLEAN),), opened_on=d(2010, 1, 1)
    )
    return dataclasses.replace(base, **changes)


def graded(level: int, **changes) -> InstitutionFacts:
    return home(gradings=(Grading(20, ON - timedelta(days=100), level=level),), **changes)


def raw_2026():
    return tomllib.loads(TEXT)


# --- which policy judges what


def test_the_2026_policy_is_in_force_from_1_april_2026_and_2020_before():
    # Issue 15: a policy version effective 2026-04-01; older dates keep the policy of their date.
    assert policy_for(d(2026, 3, 31)).version == "2020.1"
    assert policy_for(d(2026, 4, 1)).version == "2026.1"


def test_an_old_assessment_recomputes_exactly_as_before():
    # DESIGN.md: every stored score names its policy, so an old disclosure recomputes exactly.
    facts = InstitutionFacts(1, gradings=(Grading(1, d(2025, 1, 1), level=5),))
    a = evaluate(facts, OLD, d(2025, 6, 30))
    assert (a.score, a.level) == (Decimal("100.00"), "A")  # 100 + 10 - 5, clamped as 2020.1 did
    assert a.codes == ("base", "grading.5", "fire.no_recent_inspection", "clamp")


# --- base, bonuses, the clamp as a note


def test_a_higher_grade_always_shows_in_the_score_of_a_clean_home():
    # Issue 15 §4: base below 100 with the grading bonus on top; today 122 of 300 tie at 100.
    scores = [evaluate(graded(n), POLICY, ON).score for n in (1, 2, 3, 4, 5)]
    assert scores == sorted(set(scores)) and scores[-1] == POLICY.score.maximum
    assert evaluate(home(), POLICY, ON).score < scores[0]


def test_the_clamp_is_a_note_never_a_reason():
    # Issue 15 §4: "the clamp is never listed as a reason (say 'capped at 100' as a note)".
    raw = raw_2026()
    raw["score"]["base"] = 95  # a local variant where a level-5 home would pass the maximum
    a = evaluate(graded(5), parse_policy(raw), ON)
    assert a.score == Decimal("100.00") and "clamp" not in a.codes
    note = next(c for c in a.contributions if c.code == "note.capped")
    assert note.code in NOTE_CODES and "capped at 100" in note.label_en and note.points == Decimal("-10.00")


def test_a_missing_yearly_inspection_costs_nothing_but_makes_the_home_due():
    # 养老机构管理办法 (MCA Order 66): civil affairs inspects every home yearly; the duty is the regulator's.
    stale = home(inspections=(FireInspection(10, ON - timedelta(days=400), CLEAN),))
    assert evaluate(stale, POLICY, ON).score == evaluate(home(), POLICY, ON).score
    assert "fire.no_recent_inspection" not in evaluate(stale, POLICY, ON).codes
    assert inspection_due(stale.inspections, POLICY, ON) and not inspection_due(home().inspections, POLICY, ON)
    assert inspection_due((), POLICY, ON)


# --- level caps


def test_an_open_major_hazard_caps_the_level_at_c():
    # MCA 2023 重大事故隐患判定标准; issue 15 §4 "an open major hazard -> at most C".
    hazard = MajorHazard(30, "facility_equipment", ON - timedelta(days=10), ON + timedelta(days=20))
    raw = raw_2026()
    raw["fire"]["points"]["open_major_hazard"] = 0  # so that the cap, not the points, decides
    raw["fire"]["points"] |= {"non_compliant": 0, "basically_compliant": 0}
    a = evaluate(graded(5, hazards=(hazard,)), parse_policy(raw), ON)
    assert a.score >= 90 and a.level == "C"
    assert {"cap.open_major_hazard", "cap.fire_non_compliant"} <= set(a.codes)
    line = next(c for c in a.contributions if c.code == "cap.open_major_hazard")
    assert line.points == 0 and line.records == (30,) and "level C at best" in line.label_en


def test_a_non_compliant_fire_status_caps_the_level_at_b():
    # Issue 15 §4 "a non-compliant fire status -> at most B" (Beijing 京民养老发〔2023〕233号 caps).
    failing = {"fire_resistance": "fail", "evacuation": "fail", "fire_facilities": "pass"}
    raw = raw_2026()
    raw["fire"]["points"] |= {"non_compliant": 0, "basically_compliant": 0}
    a = evaluate(graded(5, inspections=(FireInspection(10, ON - timedelta(days=30), failing),)), parse_policy(raw), ON)
    assert (a.score, a.level) == (Decimal("100.00"), "B") and "cap.fire_non_compliant" in a.codes


def test_a_home_in_operation_under_a_year_is_b_at_best_and_a_after():
    # Beijing 京民养老发〔2023〕233号: a home operating for less than a year is rated B at best (configurable).
    opened = ON - timedelta(days=200)
    young = evaluate(graded(5, opened_on=opened), POLICY, ON)
    assert young.level == "B" and "cap.new_institution" in young.codes
    a_year_on = evaluate(graded(5, opened_on=opened), POLICY, opened.replace(year=opened.year + 1))
    assert a_year_on.level == "A" and "cap.new_institution" not in a_year_on.codes


def test_the_caps_are_policy_data_a_policy_without_them_caps_nothing():
    raw = raw_2026()
    del raw["caps"]["new_institution"]
    assert evaluate(graded(5, opened_on=ON - timedelta(days=10)), parse_policy(raw), ON).level == "A"
    assert evaluate(graded(5, opened_on=ON - timedelta(days=10)), OLD, d(2025, 6, 1)).level == "A"


def test_listing_still_forces_d():
    # 民发〔2019〕103号: a listed subject is level D (veto).
    assert evaluate(graded(5, listed=True), POLICY, ON).level == "D"


# --- grading: eligibility and the committee's level as policy data


def test_eligibility_variants_are_policy_data():
    # GB/T 37276 / 民发〔2019〕103号 national rules; local variant "any penalty within 2 years" from the policy.
    minor = Penalty(40, "minor", ON - timedelta(days=300))
    assert grading_eligibility(home(penalties=(minor,)), POLICY, ON) == ()
    raw = raw_2026()
    raw["grading"]["eligibility"]["any_penalty_years"] = 2
    reasons = grading_eligibility(home(penalties=(minor,)), parse_policy(raw), ON)
    assert [r.code for r in reasons] == ["grading.ineligible.any_penalty"] and reasons[0].records == (40,)


def test_a_first_grading_may_be_capped_by_a_local_rule():
    # Local variant (首次评定不超过三级): grading.eligibility.first_grading_max_level.
    raw = raw_2026()
    raw["grading"]["eligibility"]["first_grading_max_level"] = 3
    policy = parse_policy(raw)
    parts = {"environment": 115, "facilities": 125, "operations": 140, "services": 580}
    assert decided_level_problems(4, parts, True, policy)[0][0] == "level"
    assert decided_level_problems(4, parts, False, policy) == ()
    assert decided_level_problems(5, parts, True, POLICY) == ()


def test_per_part_minimums_bind_when_the_policy_names_them():
    raw = raw_2026()
    raw["grading"]["part_minimums"] = {"5": {"services": 560}}
    policy = parse_policy(raw)
    parts = {"environment": 120, "facilities": 130, "operations": 150, "services": 550}  # total 950
    assert grading_level(**parts, policy=POLICY) == 5
    assert grading_level(**parts, policy=policy) == 4
    assert decided_level_problems(5, parts, False, policy) == (
        LevelProblem(
            "services", "grading_part_minimum", {"level": 5, "minimum": 560, "part": "services", "got": "550"}
        ),
    )


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        ("caps.open_major_hazard", "E", "expected a credit level"),
        ("caps.surprise", "C", "unknown key"),
        ("inspection_draw.weights.A", 0, "must be above 0"),
        ("inspection_draw.weights.D", 0.2, "must not be drawn less often"),
        ("inspection_draw.share", 0, "must be above 0"),
        ("score.clamp_is_note", "yes", "expected true or false"),
        ("grading.eligibility.first_grading_max_level", 6, "must be 0 .no cap."),
    ],
)
def test_a_malformed_2026_section_is_refused_naming_the_key(path, value, reason):
    raw = raw_2026()
    *parents, key = path.split(".")
    table = raw
    for part in parents:
        table = table[part]
    table[key] = value
    with pytest.raises(PolicyError, match=reason) as error:
        parse_policy(raw)
    assert error.value.path == path


def test_the_draw_takes_a_homes_less_often_and_c_and_d_more():
    # SAMR 国市监信发〔2022〕6号: graded supervision by credit risk; every home keeps a chance (weight > 0).
    w = POLICY.inspection_draw
    assert 0 < w.weight("A") < w.weight("B") < w.weight("C") < w.weight("D")
    assert w.weight(None) == w.weight("") > 0


# --- properties under 2026.1


@given(facts, penalties, on_dates)
def test_another_penalty_never_raises_the_score_or_the_level(f, p, on):
    before, after = evaluate(f, POLICY, on), evaluate(dataclasses.replace(f, penalties=f.penalties + (p,)), POLICY, on)
    assert after.score <= before.score and RANK[after.level] >= RANK[before.level]


@given(
    facts,
    record_ids,
    st.dates(min_value=d(2024, 1, 1), max_value=d(2026, 12, 31)),
    grading_levels,
    grading_levels,
    on_dates,
)
def test_a_higher_grade_never_lowers_the_score(f, gid, decided, low, high, on):
    low, high = sorted((low, high))
    scores = [
        evaluate(dataclasses.replace(f, gradings=f.gradings + (Grading(gid, decided, level=n),)), POLICY, on).score
        for n in (low, high)
    ]
    assert scores[0] <= scores[1]


@given(facts, on_dates)
def test_listing_forces_d(f, on):
    assert evaluate(dataclasses.replace(f, listed=True), POLICY, on).level == "D"


@given(facts, hazards, st.dates(min_value=d(2000, 1, 1), max_value=d(2028, 12, 31)), on_dates)
def test_caps_hold(f, h, opened, on):
    a = evaluate(dataclasses.replace(f, hazards=f.hazards + (h,), opened_on=opened), POLICY, on)
    if h.found_on <= on and (h.rectified_on is None or h.rectified_on > on):
        assert RANK[a.level] >= RANK["C"]
    if opened <= on < opened + timedelta(days=365):
        assert RANK[a.level] >= RANK["B"]
    for c in a.contributions:
        if c.code.startswith("cap."):
            assert RANK[a.level] >= RANK[getattr(POLICY.caps, c.code[4:])]


@given(facts, on_dates)
def test_contributions_add_up_and_notes_are_never_reasons(f, on):
    a = evaluate(f, POLICY, on)
    assert sum((c.points for c in a.contributions), Decimal("0.00")) == a.score
    assert Decimal(0) <= a.score <= Decimal(100) and "clamp" not in a.codes
