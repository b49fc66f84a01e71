"""Invariants of the credit score, proved over generated facts (DESIGN.md, "Credit score and level")."""

from __future__ import annotations

import calendar
import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import assume, given, strategies as st
from strategies import AS_OF, dates, facts, grading_levels, gradings, hazards, past_dates, penalties, record_ids

from scoring import (
    Grading,
    InstitutionFacts,
    evaluate,
    evaluate_many,
    fire_outcome,
    grading_is_valid,
    is_publicly_active,
    level_of,
    load_policy,
    penalty_points,
    publication_end,
)
from scoring.dates import add_months, last_start_ending_by

POLICY = load_policy("2020.1")
SEVERITY_OF_OUTCOME = ["compliant", "basically_compliant", "non_compliant"]
as_of_dates = st.dates(min_value=date(2018, 1, 1), max_value=date(2025, 12, 31))


def score(f, on=AS_OF):
    return evaluate(f, POLICY, on).score


def with_(f, **changes):
    return dataclasses.replace(f, **changes)


@given(facts, as_of_dates)
def test_contributions_add_up_to_the_score_exactly(f, on):
    a = evaluate(f, POLICY, on)
    assert sum((c.points for c in a.contributions), Decimal("0.00")) == a.score
    assert a.score.as_tuple().exponent == -2
    assert all(c.points.as_tuple().exponent == -2 for c in a.contributions)


@given(facts, as_of_dates)
def test_score_stays_within_zero_and_hundred(f, on):
    assert Decimal(0) <= score(f, on) <= Decimal(100)


@given(facts, as_of_dates)
def test_same_facts_give_the_same_assessment(f, on):
    assert evaluate(f, POLICY, on) == evaluate(f, POLICY, on)


@given(st.lists(facts, max_size=5), as_of_dates)
def test_batch_gives_the_same_assessments_as_one_by_one(batch, on):
    assert list(evaluate_many(batch, POLICY, on)) == [evaluate(f, POLICY, on) for f in batch]


@given(facts, st.randoms())
def test_record_order_does_not_change_score_or_level(f, rnd):
    shuffled = with_(
        f,
        **{
            k: tuple(rnd.sample(getattr(f, k), len(getattr(f, k))))
            for k in ("gradings", "inspections", "hazards", "penalties")
        },
    )
    a, b = evaluate(f, POLICY, AS_OF), evaluate(shuffled, POLICY, AS_OF)
    assert (a.score, a.level) == (b.score, b.level)


@given(facts)
def test_listed_subject_is_level_d(f):
    a = evaluate(with_(f, listed=True), POLICY, AS_OF)
    assert a.level == "D"
    assert a.vetoed and a.contributions[-1].code == "listed"


@given(facts, as_of_dates)
def test_level_follows_the_score_when_not_listed(f, on):
    a = evaluate(with_(f, listed=False), POLICY, on)
    expected = "A" if a.score >= 90 else "B" if a.score >= 75 else "C" if a.score >= 60 else "D"
    assert a.level == expected and not a.vetoed


@given(facts, penalties, as_of_dates)
def test_another_penalty_never_raises_the_score(f, p, on):
    assert score(with_(f, penalties=f.penalties + (p,)), on) <= score(f, on)


@given(facts, record_ids, dates, grading_levels, grading_levels, as_of_dates)
def test_a_higher_grade_never_lowers_the_score(f, gid, decided_on, low, high, on):
    low, high = sorted((low, high))
    lower = with_(f, gradings=f.gradings + (Grading(gid, decided_on, low),))
    higher = with_(f, gradings=f.gradings + (Grading(gid, decided_on, high),))
    assert score(higher, on) >= score(lower, on)


@given(facts, penalties)
def test_a_revoked_penalty_changes_nothing(f, p):
    assert evaluate(
        with_(f, penalties=f.penalties + (dataclasses.replace(p, revoked=True),)), POLICY, AS_OF
    ) == evaluate(f, POLICY, AS_OF)


@given(facts, penalties, past_dates)
def test_a_penalty_past_its_publication_end_changes_nothing(f, p, decided_on):
    p = dataclasses.replace(p, decision_date=decided_on)
    assume(publication_end(p, POLICY) <= AS_OF)
    assert evaluate(with_(f, penalties=f.penalties + (p,)), POLICY, AS_OF) == evaluate(f, POLICY, AS_OF)


@given(facts, penalties, hazards, st.integers(min_value=1, max_value=400))
def test_records_dated_after_the_assessment_change_nothing(f, p, h, days):
    later = AS_OF + timedelta(days=days)
    p = dataclasses.replace(p, decision_date=later)
    h = dataclasses.replace(h, found_on=later)
    changed = with_(f, penalties=f.penalties + (p,), hazards=f.hazards + (h,))
    assert evaluate(changed, POLICY, AS_OF) == evaluate(f, POLICY, AS_OF)


@given(facts, st.data())
def test_rectifying_a_penalty_never_lowers_the_score(f, data):
    assume(f.penalties)
    i = data.draw(st.integers(min_value=0, max_value=len(f.penalties) - 1))
    rectified = dataclasses.replace(f.penalties[i], rectified_on=data.draw(dates))
    assume(f.penalties[i].rectified_on is None or rectified.rectified_on <= f.penalties[i].rectified_on)
    changed = with_(f, penalties=f.penalties[:i] + (rectified,) + f.penalties[i + 1 :])
    assert score(changed) >= score(f)


@given(facts, st.data())
def test_rectifying_a_hazard_never_lowers_the_score(f, data):
    assume(f.hazards)
    i = data.draw(st.integers(min_value=0, max_value=len(f.hazards) - 1))
    rectified = dataclasses.replace(f.hazards[i], rectified_on=data.draw(dates))
    assume(f.hazards[i].rectified_on is None or rectified.rectified_on <= f.hazards[i].rectified_on)
    changed = with_(f, hazards=f.hazards[:i] + (rectified,) + f.hazards[i + 1 :])
    assert score(changed) >= score(f)


@given(penalties, as_of_dates)
def test_batch_penalty_rule_matches_the_plain_rule(p, on):
    a = evaluate(InstitutionFacts(1, penalties=(p,)), POLICY, on)
    lines = [c for c in a.contributions if c.code.startswith("penalty.")]
    assert bool(lines) == is_publicly_active(p, POLICY, on)
    if lines:
        assert lines[0].points == penalty_points(p, POLICY, on)
        assert lines[0].code == f"penalty.{p.severity}" and lines[0].records == (p.id,)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(min_value=-600, max_value=600))
def test_add_months_is_the_calendar_month_with_the_day_clamped(day, months):
    """DESIGN.md "Credit score and level": periods are counted in calendar months, a day past the target month's
    end moving to its last day (2024-01-31 + 1 month = 2024-02-29); the fast path must agree with the calendar."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    expected = date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))
    assert add_months(day, months) == expected


@given(dates, dates, st.integers(min_value=0, max_value=60))
def test_last_start_ending_by_is_the_edge_of_the_period(start, end, months):
    assert (end < add_months(start, months)) == (start > last_start_ending_by(end, months))


@given(gradings(), as_of_dates)
def test_batch_grading_rule_matches_the_plain_rule(g, on):
    codes = evaluate(InstitutionFacts(1, gradings=(g,)), POLICY, on).codes
    level = level_of(g, POLICY)

    if grading_is_valid(g, POLICY, on) and level:
        assert f"grading.{level}" in codes
    else:
        assert not any(c.startswith("grading.") and c != "grading.expired" for c in codes)


@given(facts, as_of_dates)
def test_batch_fire_rule_matches_the_plain_rule(f, on):
    # Plain rule: the latest inspection (the worse one of a same-day pair) and the open hazards.
    done = [i for i in f.inspections if i.inspected_on <= on]
    last_day = max((i.inspected_on for i in done), default=None)
    outcomes = [fire_outcome(i, f.hazards, POLICY, on) for i in done if i.inspected_on == last_day]
    worst = max(
        outcomes or [fire_outcome(None, f.hazards, POLICY, on)],
        key=lambda o: -1 if o is None else SEVERITY_OF_OUTCOME.index(o),
    )

    reported = [c for c in evaluate(f, POLICY, on).codes if c in {f"fire.{o}" for o in SEVERITY_OF_OUTCOME}]

    assert reported == ([] if worst is None else [f"fire.{worst}"])
