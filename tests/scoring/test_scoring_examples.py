"""Worked examples a regulator can check by hand: policy 2020.1, assessed on 30 June 2024.

Reminders of the 2020.1 rules: base 100; valid grading (3 years) 5★ +10, 4★ +8, 3★ +6, 2★ +3,
1★ +1; fire: basically compliant -5, non-compliant -15, no inspection in 12 months -5, each
open major hazard -20; penalties while public: minor -1, general -5, serious -15, halved once
rectified, halved again after the minimum publication period (minor 0, general 3, serious 12
months; fire-safety penalties 12); the score is kept within 0..100; A >= 90, B >= 75, C >= 60.
"""

from __future__ import annotations

from datetime import date as d
from decimal import Decimal

import pytest

from scoring import FireInspection, Grading, InstitutionFacts, MajorHazard, Penalty, evaluate, load_policy

AS_OF = d(2024, 6, 30)
POLICY = load_policy("2020.1")

ALL_PASS = {
    area: "pass"
    for area in (
        "fire_resistance",
        "resident_floors",
        "fire_separation",
        "evacuation",
        "fire_facilities",
        "fire_management",
        "micro_fire_station",
    )
}


def failing(*areas):
    return {**ALL_PASS, **{a: "fail" for a in areas}}


def passed(on, id="i1"):
    return FireInspection(id, on, ALL_PASS)


def home(*records, listed=False):
    kinds = {Grading: "gradings", FireInspection: "inspections", MajorHazard: "hazards", Penalty: "penalties"}
    grouped = {name: tuple(r for r in records if kinds[type(r)] == name) for name in kinds.values()}
    return InstitutionFacts("home", listed=listed, **grouped)


EXAMPLES = [
    pytest.param(
        home(Grading("g1", d(2023, 3, 1), 5), passed(d(2024, 3, 15))),
        "100.00",
        "A",
        ["base", "grading.5", "fire.compliant", "clamp"],
        id="阳光养老院: 5-star, compliant, clean record -> 110 kept at 100",
    ),
    pytest.param(
        home(),
        "95.00",
        "A",
        ["base", "fire.no_recent_inspection"],
        id="康乐之家: newly opened, no records -> only the missing inspection counts",
    ),
    pytest.param(
        home(
            Grading("g1", d(2022, 5, 10), 3),
            FireInspection("i1", d(2024, 1, 10), failing("resident_floors")),
            Penalty("p1", "general", d(2024, 4, 1)),
        ),
        "96.00",
        "A",
        ["base", "grading.3", "fire.basically_compliant", "penalty.general"],
        id="福寿园: 3-star +6, one non-critical fail -5, fresh general penalty -5",
    ),
    pytest.param(
        home(FireInspection("i1", d(2024, 2, 1), failing("evacuation"))),
        "85.00",
        "B",
        ["base", "fire.non_compliant"],
        id="夕阳红公寓: a fail in a critical area (evacuation) is non-compliant",
    ),
    pytest.param(
        home(
            FireInspection("i1", d(2023, 11, 20), failing("resident_floors", "fire_separation", "micro_fire_station"))
        ),
        "85.00",
        "B",
        ["base", "fire.non_compliant"],
        id="颐养中心: three non-critical fails exceed the two allowed",
    ),
    pytest.param(
        home(passed(d(2024, 5, 1)), MajorHazard("h1", "facility_equipment", d(2024, 4, 10), d(2024, 6, 10))),
        "65.00",
        "C",
        ["base", "fire.non_compliant", "fire.major_hazard"],
        id="安康护理院: open major hazard overrides a clean checklist -15 -20",
    ),
    pytest.param(
        home(
            passed(d(2024, 5, 1)),
            MajorHazard("h1", "facility_equipment", d(2024, 4, 10), d(2024, 6, 10), d(2024, 5, 20)),
        ),
        "100.00",
        "A",
        ["base", "fire.compliant"],
        id="安康护理院 after rectifying the hazard on 20 May",
    ),
    pytest.param(
        home(Grading("g1", d(2022, 1, 1), 2), passed(d(2023, 6, 30))),
        "98.00",
        "A",
        ["base", "grading.2", "fire.compliant", "fire.no_recent_inspection"],
        id="松鹤楼: last inspection exactly 12 months ago is no longer recent",
    ),
    pytest.param(
        home(Grading("g1", d(2021, 6, 30), 5), passed(d(2024, 1, 1))),
        "100.00",
        "A",
        ["base", "grading.expired", "fire.compliant"],
        id="长青苑: 5-star decided 30 June 2021 lapses on 30 June 2024",
    ),
    pytest.param(
        home(passed(d(2024, 2, 1)), Penalty("p1", "serious", d(2024, 1, 15))),
        "85.00",
        "B",
        ["base", "fire.compliant", "penalty.serious"],
        id="金色年华: serious penalty, not rectified, within its first year -15",
    ),
    pytest.param(
        home(passed(d(2024, 2, 1)), Penalty("p1", "serious", d(2022, 9, 1), rectified_on=d(2022, 12, 1))),
        "96.25",
        "A",
        ["base", "fire.compliant", "penalty.serious"],
        id="金色年华 two years on: rectified and past 12 months -15/2/2 = -3.75",
    ),
    pytest.param(
        home(
            passed(d(2024, 2, 1)),
            Penalty("p1", "minor", d(2023, 10, 1), is_fire_safety=True),
            Penalty("p2", "minor", d(2023, 10, 1)),
        ),
        "99.00",
        "A",
        ["base", "fire.compliant", "penalty.minor"],
        id="百岁堂: a fire-safety minor penalty stays public 12 months, a plain one 3",
    ),
    pytest.param(
        home(passed(d(2024, 2, 1)), Penalty("p1", "serious", d(2024, 3, 1), revoked=True)),
        "100.00",
        "A",
        ["base", "fire.compliant"],
        id="仁爱之家: a revoked serious penalty counts nothing",
    ),
    pytest.param(
        home(
            passed(d(2024, 2, 1)),
            Penalty("p1", "general", d(2023, 8, 1), publication_end=d(2024, 2, 1)),
            Penalty("p2", "general", d(2023, 12, 1), publication_end=d(2024, 1, 15)),
            Penalty("p3", "general", d(2024, 5, 1), publication_end=d(2024, 5, 15)),
        ),
        "95.00",
        "A",
        ["base", "fire.compliant", "penalty.general"],
        id="慈航养老院: explicit publication ends clamped into [3, 12] months; only p3 is still public",
    ),
    pytest.param(
        home(
            passed(d(2024, 2, 10)),
            MajorHazard("h1", "safety_licence", d(2024, 1, 5), d(2024, 3, 5)),
            MajorHazard("h2", "management_failure", d(2024, 1, 5), d(2024, 3, 5)),
            *(Penalty(f"p{m}", "serious", d(2024, m, 1)) for m in (1, 2, 3, 4)),
        ),
        "0.00",
        "D",
        ["base", "fire.non_compliant", "fire.major_hazard", "fire.major_hazard"] + ["penalty.serious"] * 4 + ["clamp"],
        id="某无证养老点: two open hazards and four serious penalties -115 kept at 0",
    ),
    pytest.param(
        home(Grading("g1", d(2023, 3, 1), 5), passed(d(2024, 3, 15)), listed=True),
        "100.00",
        "D",
        ["base", "grading.5", "fire.compliant", "clamp", "listed"],
        id="失信名单上的养老院: listed, so D whatever the score",
    ),
    pytest.param(
        home(
            Grading("g1", d(2023, 5, 1), None, 100, 115, 130, 470),
            FireInspection("i1", d(2024, 4, 1), failing("evacuation")),
            Penalty("p1", "general", d(2024, 1, 10), rectified_on=d(2024, 2, 1)),
            Penalty("p2", "minor", d(2024, 5, 20)),
        ),
        "91.25",
        "A",
        ["base", "grading.4", "fire.non_compliant", "penalty.general", "penalty.minor"],
        id="银杏园: parts 815/1000 give 4-star +8; -15; general rectified and past 3 months -1.25; minor -0.5",
    ),
    pytest.param(
        home(
            FireInspection("i1", d(2022, 5, 1), failing("micro_fire_station")),
            Penalty("p1", "serious", d(2023, 9, 1), rectified_on=d(2023, 10, 1)),
            Penalty("p2", "general", d(2024, 4, 15)),
            Penalty("p3", "general", d(2024, 5, 1), rectified_on=d(2024, 6, 1)),
        ),
        "75.00",
        "B",
        [
            "base",
            "fire.basically_compliant",
            "fire.no_recent_inspection",
            "penalty.serious",
            "penalty.general",
            "penalty.general",
        ],
        id="东湖敬老院: exactly 75 is still B (-5 -5 -7.5 -5 -2.5)",
    ),
    pytest.param(
        home(
            passed(d(2024, 3, 1)),
            MajorHazard("h1", "illegal_service", d(2024, 5, 1), d(2024, 7, 1)),
            Penalty("p1", "general", d(2024, 6, 1)),
        ),
        "60.00",
        "C",
        ["base", "fire.non_compliant", "fire.major_hazard", "penalty.general"],
        id="西山颐养院: exactly 60 is still C",
    ),
    pytest.param(
        home(
            passed(d(2024, 3, 1)),
            MajorHazard("h1", "other", d(2024, 5, 1), d(2024, 7, 1)),
            Penalty("p1", "serious", d(2024, 2, 1)),
        ),
        "50.00",
        "D",
        ["base", "fire.non_compliant", "fire.major_hazard", "penalty.serious"],
        id="南苑护养院: below 60 is D",
    ),
    pytest.param(
        home(MajorHazard("h1", "facility_equipment", d(2024, 6, 1), d(2024, 8, 1))),
        "60.00",
        "C",
        ["base", "fire.non_compliant", "fire.no_recent_inspection", "fire.major_hazard"],
        id="城郊托老所: never inspected, open hazard -15 -5 -20",
    ),
    pytest.param(
        home(
            passed(d(2024, 1, 1)),
            FireInspection("i2", d(2024, 7, 15), failing("evacuation")),
            Penalty("p1", "serious", d(2024, 7, 1)),
        ),
        "100.00",
        "A",
        ["base", "fire.compliant"],
        id="北城养老院: records dated after 30 June 2024 are not yet counted",
    ),
]


@pytest.mark.parametrize(("facts", "score", "level", "codes"), EXAMPLES)
def test_worked_example(facts, score, level, codes):
    assessment = evaluate(facts, POLICY, AS_OF)

    assert [c.code for c in assessment.contributions] == codes
    assert assessment.score == Decimal(score)
    assert assessment.level == level
    assert assessment.policy_version == "2020.1"


def test_reasons_name_their_records_and_read_in_both_languages():
    facts = home(
        passed(d(2024, 5, 1)),
        MajorHazard("h1", "facility_equipment", d(2024, 4, 10), d(2024, 6, 10)),
        Penalty("p1", "general", d(2024, 4, 1), rectified_on=d(2024, 5, 1)),
    )

    lines = {c.code: c for c in evaluate(facts, POLICY, AS_OF).contributions}

    assert lines["fire.non_compliant"].records == ("i1", "h1")
    assert lines["fire.major_hazard"].label_zh == "重大事故隐患未整改（设施设备缺陷）"
    assert lines["fire.major_hazard"].label_en == "Open major accident hazard (facility or equipment defect)"
    assert lines["penalty.general"].points == Decimal("-2.50")
    assert lines["penalty.general"].label_zh == "行政处罚（一般），已整改，减计"
    assert lines["penalty.general"].records == ("p1",)
