"""Policy 2026.1: NDRC Order No. 36 《信用修复管理办法》 (in force 2026-04-01, repeals Order No. 58).

Sources: Order No. 36 — failure information in three classes; minor (轻微) in principle not published (a sector
may publish it for at most 3 months), general (一般) published 3 months to 1 year, serious (严重) 1 to 3 years,
counted from the decision date; repair once the shortest period has passed (minor: once the duties are met);
art. 3: a repaired record stops being published, shared and used. Issue 15 section 1.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from scoring import (
    InstitutionFacts,
    Penalty,
    PolicyError,
    classify,
    evaluate,
    is_publicly_active,
    judging_policy,
    load_policy,
    parse_policy,
    penalty_points,
    policy_for,
    publication_end,
    repairable_from,
)
from scoring.penalties import publication_months
from tests.scoring.strategies import institution_facts, penalties

POLICY = load_policy("2026.1")
OLD = load_policy("2020.1")
POLICY_TEXT = Path("scoring/policies/2026.1.toml").read_text(encoding="utf-8")
TABLE = POLICY.order36.classification
ON = date(2026, 12, 1)


def test_the_2026_policy_is_in_force_from_the_first_of_april_2026():
    # Order No. 36: in force 2026-04-01; the day before, the 2020 policy still applies.
    assert policy_for(date(2026, 4, 1)).version == "2026.1"
    assert policy_for(date(2026, 3, 31)).version == "2020.1"


def test_minor_information_is_not_published_by_default():
    # Order No. 36: 轻微失信信息原则上不予公示.
    warning = Penalty(1, "minor", date(2026, 11, 1))
    assert not is_publicly_active(warning, POLICY, ON)
    assert (
        evaluate(InstitutionFacts(1, penalties=(warning,)), POLICY, ON).score
        == evaluate(InstitutionFacts(1), POLICY, ON).score
    )


def test_a_policy_switch_publishes_minor_information_for_at_most_three_months():
    # Order No. 36: a sector that finds it necessary publishes minor information for at most 3 months.
    text = POLICY_TEXT.replace("publish_minor = false", "publish_minor = true")
    publishing = parse_policy(text)
    warning = Penalty(1, "minor", date(2026, 11, 1), is_fire_safety=True, publication_end=date(2027, 12, 1))
    assert is_publicly_active(warning, publishing, ON)
    # The fire-safety floor (12 months) and a stored end a year later are clamped to the legal 3 months.
    assert publication_months("minor", True, publishing) == (3, 3)
    assert publication_end(warning, publishing) == date(2027, 2, 1)


def test_general_and_serious_periods_are_clamped_to_their_legal_windows():
    # Order No. 36: general 3 months to 1 year, serious 1 to 3 years, from the decision date.
    general = Penalty(1, "general", date(2026, 5, 10), publication_end=date(2030, 1, 1))
    serious = Penalty(2, "serious", date(2026, 5, 10), publication_end=date(2026, 6, 1))
    assert publication_end(general, POLICY) == date(2027, 5, 10)
    assert publication_end(serious, POLICY) == date(2027, 5, 10)


def test_a_decision_before_april_2026_is_judged_by_the_policy_of_its_date():
    # Issue 15 section 1: older decisions keep the policy of their date (minor 2025 warning stays public).
    warning = Penalty(1, "minor", date(2026, 3, 20))
    assert judging_policy(warning.decision_date, POLICY) is OLD
    assert is_publicly_active(warning, POLICY, date(2026, 5, 1))
    assert penalty_points(warning, POLICY, date(2026, 5, 1)) == penalty_points(warning, OLD, date(2026, 5, 1))


def test_a_policy_whose_periods_leave_the_legal_window_is_refused():
    bad = POLICY_TEXT.replace(
        "[penalties.general]\npoints = -5\nminimum_months = 3\nmaximum_months = 12",
        "[penalties.general]\npoints = -5\nminimum_months = 3\nmaximum_months = 18",
    )
    with pytest.raises(PolicyError) as error:
        parse_policy(bad)
    assert error.value.path == "penalties.general"


@pytest.mark.parametrize(
    "kind, fine, expected",
    [
        ("警告", None, "minor"),  # Order No. 36: warnings are minor
        ("通报批评", None, "minor"),
        ("罚款", Decimal("3000"), "minor"),  # 行政处罚法 art. 51: on-the-spot fine for an organisation
        ("罚款", Decimal("3000.01"), "general"),
        ("罚款", None, "general"),
        ("罚款", Decimal("1000000.01"), "serious"),  # a local threshold, policy data
        ("暂扣许可证件", None, "general"),  # issue 15: 暂扣许可证件 / 降低资质等级 general
        ("降低资质等级", None, "general"),
        ("吊销许可证件", None, "serious"),  # 吊销 / 责令关闭 / 限制从业 serious
        ("责令关闭", None, "serious"),
        ("限制从业", None, "serious"),
        ("警告、罚款", Decimal("5000"), "general"),  # several kinds: the most severe wins
        ("警告；吊销许可证件", None, "serious"),
        ("警告;通报批评", None, "minor"),
        ("通报批评，责令关闭", None, "serious"),
        ("警告,罚款", Decimal("100"), "minor"),
        ("某种新处罚", None, "general"),
        ("", None, "general"),
    ],
)
def test_the_classification_table_gives_the_most_severe_class_of_the_kinds(kind, fine, expected):
    assert classify(kind, fine, TABLE) == expected


def test_repair_is_open_after_the_shortest_period_and_for_minor_information_at_once():
    # Order No. 36: the subject applies once the shortest period has passed; minor once duties are met.
    assert repairable_from(Penalty(1, "general", date(2026, 5, 10)), POLICY) == date(2026, 8, 10)
    assert repairable_from(Penalty(2, "serious", date(2026, 5, 10)), POLICY) == date(2027, 5, 10)
    assert repairable_from(Penalty(3, "minor", date(2026, 5, 10)), POLICY) == date(2026, 5, 10)


def test_a_repaired_penalty_stops_counting_from_the_day_of_repair():
    # Order No. 36 art. 3: after repair the information is no longer published, shared or used.
    fine = Penalty(1, "general", date(2026, 5, 10))
    repaired = dataclasses.replace(fine, repaired_on=date(2026, 9, 1))
    assert evaluate(InstitutionFacts(1, penalties=(repaired,)), POLICY, date(2026, 8, 31)) == evaluate(
        InstitutionFacts(1, penalties=(fine,)), POLICY, date(2026, 8, 31)
    )
    assert (
        evaluate(InstitutionFacts(1, penalties=(repaired,)), POLICY, date(2026, 9, 1)).score
        == evaluate(InstitutionFacts(1), POLICY, date(2026, 9, 1)).score
    )
    assert not is_publicly_active(repaired, POLICY, date(2026, 9, 1))


on_dates = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31))
facts_2026 = institution_facts()


@settings(deadline=None)  # the shared 2-core machine: timing is not the property
@given(facts_2026, st.data(), on_dates)
def test_repair_never_lowers_the_score(f, data, on):
    # Order No. 36: repair ends the use of the information; it can only help the subject.
    if not f.penalties:
        return
    i = data.draw(st.integers(min_value=0, max_value=len(f.penalties) - 1))
    repaired = dataclasses.replace(f.penalties[i], repaired_on=data.draw(on_dates))
    changed = dataclasses.replace(f, penalties=f.penalties[:i] + (repaired,) + f.penalties[i + 1 :])
    assert evaluate(changed, policy_for(on), on).score >= evaluate(f, policy_for(on), on).score


@settings(deadline=None)  # the shared 2-core machine: timing is not the property
@given(facts_2026, penalties, on_dates)
def test_another_penalty_never_raises_the_score_under_2026(f, p, on):
    more = dataclasses.replace(f, penalties=f.penalties + (p,))
    assert evaluate(more, POLICY, on).score <= evaluate(f, POLICY, on).score


@settings(deadline=None)  # the shared 2-core machine: timing is not the property
@given(penalties, on_dates)
def test_batch_rule_matches_the_plain_rule_under_2026(p, on):
    a = evaluate(InstitutionFacts(1, penalties=(p,)), POLICY, on)
    lines = [c for c in a.contributions if c.code.startswith("penalty.")]
    assert bool(lines) == is_publicly_active(p, POLICY, on)
    if lines:
        assert lines[0].points == penalty_points(p, POLICY, on)


@settings(deadline=None)  # the shared 2-core machine: timing is not the property
@given(penalties, on_dates)
def test_the_publication_end_never_passes_the_legal_maximum(p, on):
    # Issue 15: the 公示截止期 shown is within the legal window of its class.
    judge = judging_policy(p.decision_date, POLICY)
    if judge.order36 is None:
        return
    legal = judge.order36.legal_windows[p.severity].maximum_months
    from scoring import add_months

    assert publication_end(p, POLICY) <= add_months(p.decision_date, legal)
