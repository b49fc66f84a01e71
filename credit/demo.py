"""The demo city: about 300 care homes of 常州 with their records, deterministic for a given seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from stdnum.cn import ric, uscc

from credit.listings.behaviours import FIRE_HAZARD
from credit.registry.districts import DEFAULT_FILE, load_districts
from scoring import (
    FIRE_AREAS,
    HAZARD_CATEGORIES,
    FireInspection as InspectionFacts,
    Grading as GradingFacts,
    InstitutionFacts,
    MajorHazard as HazardFacts,
    Penalty as PenaltyFacts,
    evaluate_many,
    grading_level,
    policy_for,
)
from scoring.dates import add_months

DISTRICTS = load_districts(DEFAULT_FILE)  # the demo city is 常州 whatever districts the installation serves
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DISTRICT_WEIGHTS = {"320402": 14, "320404": 14, "320411": 16, "320412": 28, "320413": 12, "320481": 16}
TOWNS = {
    "320402": ["红梅", "茶山", "青龙", "雕庄", "郑陆", "兰陵"],
    "320404": ["南大街", "荷花池", "五星", "永红", "北港", "邹区"],
    "320411": ["河海", "三井", "龙虎塘", "春江", "孟河", "薛家", "罗溪", "西夏墅"],
    "320412": ["湖塘", "牛塘", "洛阳", "遥观", "横林", "横山桥", "前黄", "礼嘉", "雪堰", "嘉泽", "湟里", "南夏墅"],
    "320413": ["金城", "儒林", "直溪", "朱林", "薛埠", "指前"],
    "320481": ["溧城", "埭头", "上黄", "戴埠", "天目湖", "别桥", "上兴", "竹箦", "南渡", "社渚"],
}
BRANDS = [
    "康乐",
    "福寿",
    "颐和",
    "椿萱",
    "松鹤",
    "惠民",
    "安康",
    "长青",
    "和煦",
    "仁爱",
    "乐龄",
    "夕阳红",
    "孝亲",
    "九如",
    "延年",
    "百福",
    "德馨",
    "瑞祥",
    "同心",
    "春晖",
]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾蒋") + ["欧阳", "司马"]
GIVEN = list("建国秀英志强丽华伟敏静芳军平明红霞玉兰桂珍海燕德福永春梅文杰宏斌")
STREETS = ["人民路", "延陵路", "晋陵路", "通江大道", "长江路", "武宜路", "常武路", "金坛大道", "燕山路", "平陵路"]
OWNER_BY_PREFIX = {"12": "public", "52": "private_nonprofit", "91": "enterprise"}
PENALTY_SAMPLES = [
    # (severity, fire, 处罚类别, 违法行为类型, 事实, 依据, content, fine 元)
    (
        "minor",
        False,
        "警告",
        "未按规定公开服务信息",
        "未在醒目位置公示收费标准",
        "《养老机构管理办法》第四十六条",
        "警告",
        None,
    ),
    ("minor", False, "警告", "未按规定建立档案", "入住老年人档案不全", "《养老机构管理办法》第四十六条", "警告", None),
    (
        "general",
        False,
        "罚款",
        "未与老年人签订服务协议",
        "3名入住老年人未签订服务协议",
        "《养老机构管理办法》第四十六条",
        "罚款人民币一万元",
        Decimal("10000"),
    ),
    (
        "general",
        True,
        "罚款",
        "消防设施未保持完好有效",
        "部分楼层火灾报警探测器损坏",
        "《中华人民共和国消防法》第六十条",
        "罚款人民币八千五百元",
        Decimal("8500"),
    ),
    (
        "general",
        False,
        "罚款",
        "食品安全管理不规范",
        "食堂未落实食品留样制度",
        "《中华人民共和国食品安全法》第一百二十六条",
        "罚款人民币五千元",
        Decimal("5000"),
    ),
    (
        "serious",
        True,
        "罚款、责令停产停业",
        "占用堵塞疏散通道",
        "安全出口上锁、疏散通道堆放杂物",
        "《中华人民共和国消防法》第六十条",
        "责令停业整改并罚款人民币三万元",
        Decimal("30000"),
    ),
    (
        "serious",
        False,
        "罚款",
        "虐待老年人",
        "护理员殴打入住老年人",
        "《中华人民共和国老年人权益保障法》第七十八条",
        "罚款人民币五万元",
        Decimal("50000"),
    ),
    (
        "serious",
        False,
        "没收违法所得、罚款",
        "骗取养老服务补贴",
        "虚报床位骗取运营补贴",
        "《养老机构管理办法》第四十九条",
        "没收违法所得并罚款人民币两万元",
        Decimal("20000.50"),
    ),
]
NEW_SHARE = 0.05  # homes opened within the last year
GRADED_SHARE = 0.8  # homes ever graded (等级评定 is voluntary)
LISTING_STATES = ["proposed", "notified", "objected", "listed", "listed", "removed", "withdrawn"]


@dataclass
class DemoCity:
    institutions: list[dict[str, Any]] = field(default_factory=list)
    practitioners: list[dict[str, Any]] = field(default_factory=list)  # with "uscc" and clear "id_number"
    gradings: list[dict[str, Any]] = field(default_factory=list)
    inspections: list[dict[str, Any]] = field(default_factory=list)  # with "checklist" and "hazards"
    penalties: list[dict[str, Any]] = field(default_factory=list)
    listings: list[dict[str, Any]] = field(default_factory=list)  # with "uscc" and "penalty_numbers"


def make_uscc(rnd: random.Random, prefix: str, district: str) -> str:
    body = prefix + district + "".join(rnd.choice(USCC_ALPHABET) for _ in range(8))
    body += rnd.choice("0123456789")
    return body + uscc.calc_check_digit(body)


def make_id_number(rnd: random.Random, district: str) -> str:
    born = date(1955, 1, 1) + timedelta(days=rnd.randrange(0, 365 * 45))
    body = district + born.strftime("%Y%m%d") + f"{rnd.randrange(0, 1000):03d}"
    return body + ric.calc_check_digit(body)


def person_name(rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))


def institution_name(rnd: random.Random, prefix: str, district: str, town: str) -> str:
    short = DISTRICTS[district][0]
    if prefix == "12":
        return rnd.choice([f"常州市{short}{town}敬老院", f"{short}{town}社会福利中心", f"{town}镇中心敬老院"])
    brand = rnd.choice(BRANDS)
    if prefix == "52":
        return rnd.choice([f"常州市{short}{brand}养老院", f"{town}{brand}颐养中心", f"{short}{brand}老年公寓"])
    return rnd.choice([f"常州{brand}养老服务有限公司", f"常州市{brand}护理院有限公司", f"{brand}康养（常州）有限公司"])


def _parts_for(rnd: random.Random, target_level: int, policy) -> dict[str, int]:
    maxima = policy.grading.part_maxima
    floor = {5: 0.91, 4: 0.81, 3: 0.62, 2: 0.46, 1: 0.31}[target_level]
    ceiling = {5: 0.99, 4: 0.89, 3: 0.79, 2: 0.59, 1: 0.44}[target_level]
    share = rnd.uniform(floor, ceiling)
    return {
        name: min(getattr(maxima, name), round(getattr(maxima, name) * share))
        for name in ("environment", "facilities", "operations", "services")
    }


# How often a home offers each service / accepts each care level, when it reports them at all.
SERVICE_SHARES = {"medical_care": 0.45, "dementia_care": 0.2, "rehabilitation": 0.4, "hospice": 0.1, "day_care": 0.3}
CARE_LEVEL_SHARES = {"self_care": 0.75, "partly_dependent": 0.85, "dependent": 0.6}
UNREPORTED_SHARE = 0.15  # homes that reported none of what they offer (every field NULL)


def demo_offers(rnd: random.Random, prefix: str, code: str) -> dict[str, Any]:
    """What a demo home offers, in the registry's stored form (credit.registry.offers): a plausible mix, some
    homes reporting nothing, some only part (no fee, no website, only a lowest fee)."""
    if rnd.random() < UNREPORTED_SHARE:
        return {}
    services = [c for c, share in SERVICE_SHARES.items() if rnd.random() < share]
    levels = [c for c, share in CARE_LEVEL_SHARES.items() if rnd.random() < share] or ["partly_dependent"]
    low = rnd.randrange(15, 31) * 100 if prefix == "12" else rnd.randrange(25, 61) * 100
    high = low + rnd.randrange(5, 41) * 100
    fees = rnd.random()
    return {
        "services": ",".join(services),  # "" for a home that offers none of them
        "care_levels": ",".join(levels) if rnd.random() < 0.9 else None,
        "fee_min": low if fees < 0.85 else None,
        "fee_max": high if fees < 0.75 else None,
        "website": f"https://www.ylj{code[-6:].lower()}.cn" if rnd.random() < 0.3 else None,
    }


def build_demo_city(seed: int, as_of: date, count: int = 300) -> DemoCity:
    """Generate the city. Same seed and date -> the same city, record for record."""
    rnd = random.Random(seed)
    offers_rnd = random.Random(f"{seed}:offers")  # its own stream: the rest of the city stays as it was
    policy = policy_for(as_of)
    city = DemoCity()
    districts = list(DISTRICT_WEIGHTS)
    weights = list(DISTRICT_WEIGHTS.values())
    used_usccs: set[str] = set()
    penalty_number = 0
    for index in range(count):
        district = rnd.choices(districts, weights)[0]
        prefix = rnd.choices(["12", "52", "91"], [25, 50, 25])[0]
        code = make_uscc(rnd, prefix, district)
        while code in used_usccs:
            code = make_uscc(rnd, prefix, district)
        used_usccs.add(code)
        town = rnd.choice(TOWNS[district])
        beds = rnd.randrange(30, 120) if prefix == "12" else rnd.randrange(40, 600)
        # About 5 % opened within the last year (level at most B under 2026.1): no grading yet, and
        # no record older than the home.
        age = rnd.randrange(60, 360) if rnd.random() < NEW_SHARE else rnd.randrange(400, 365 * 25)
        city.institutions.append(
            {
                "uscc": code,
                "name": institution_name(rnd, prefix, district, town),
                "district_code": district,
                "address": f"江苏省常州市{DISTRICTS[district][0]}{town}{rnd.choice(STREETS)}{rnd.randrange(1, 400)}号",
                "beds": beds,
                "owner_type": OWNER_BY_PREFIX[prefix] if rnd.random() > 0.1 else "public_private",
                "legal_representative": person_name(rnd),
                "phone": f"0519-8{rnd.randrange(1000000, 9999999)}",
                "established_on": as_of - timedelta(days=age),
                **demo_offers(offers_rnd, prefix, code),
            }
        )
        for role in ("legal_representative", "manager", "care_staff"):
            # one legal representative per home: the practitioner is the person the registry names
            name = city.institutions[-1]["legal_representative"] if role == "legal_representative" else None
            city.practitioners.append(
                {
                    "uscc": code,
                    "name": name or person_name(rnd),
                    "role": role,
                    "id_number": make_id_number(rnd, district),
                }
            )
        if age >= 400 and rnd.random() < GRADED_SHARE:
            level = rnd.choices([1, 2, 3, 4, 5], [8, 20, 35, 25, 12])[0]
            parts = _parts_for(rnd, level, policy)
            decided = as_of - timedelta(days=rnd.randrange(30, min(age, 365 * 7 // 2)))
            city.gradings.append(
                {
                    "uscc": code,
                    "decided_on": decided,
                    "expires_on": add_months(decided, 36),
                    "level": grading_level(**parts, policy=policy) or 1,
                    **parts,
                    "decision_number": f"常民评〔{decided.year}〕{index + 1}号",
                    "assessor": "常州市养老机构等级评定委员会",
                }
            )
        if rnd.random() < 0.9:
            inspected = as_of - timedelta(days=rnd.randrange(10, min(age, 540)))
            fail_rate = rnd.choice([0.0, 0.0, 0.05, 0.15, 0.3])
            checklist = {
                area: (
                    "na"
                    if area == "micro_fire_station" and beds < 50
                    else "fail"
                    if rnd.random() < fail_rate
                    else "pass"
                )
                for area in FIRE_AREAS
            }
            hazards = []
            if rnd.random() < 0.08:
                rectify_by = inspected + timedelta(days=rnd.choice((30, 60, 90)))
                rectified = rnd.random() < 0.5 and rectify_by < as_of
                hazards.append(
                    {
                        "category": rnd.choice(list(HAZARD_CATEGORIES)),
                        "description": "疏散楼梯间防火门损坏未整改",
                        "found_on": inspected,
                        "rectify_by": rectify_by,
                        "rectified_on": rectify_by - timedelta(days=3) if rectified else None,
                    }
                )
            city.inspections.append(
                {
                    "uscc": code,
                    "inspected_on": inspected,
                    "inspector": "常州市消防救援支队",
                    "checklist": checklist,
                    "hazards": hazards,
                }
            )
        if rnd.random() < 0.3:
            for _ in range(rnd.choice((1, 1, 2, 3))):
                penalty_number += 1
                severity, fire, kind, violation, facts, basis, content, fine = rnd.choice(PENALTY_SAMPLES)
                decided = as_of - timedelta(days=rnd.randrange(5, min(age, 365 * 3)))
                agency = "常州市消防救援支队" if fire else f"常州市{DISTRICTS[district][0]}民政局"
                city.penalties.append(
                    {
                        "uscc": code,
                        "subject_name": city.institutions[-1]["name"],
                        "subject_kind": "legal_person",
                        "legal_representative": city.institutions[-1]["legal_representative"],
                        "decision_number": (
                            f"常{'消' if fire else '民'}罚决字〔{decided.year}〕第{penalty_number:04d}号"
                        ),
                        "violation_type": violation,
                        "facts": facts,
                        "legal_basis": basis,
                        "penalty_kind": kind,
                        "content": content,
                        "fine_yuan": fine,
                        "decision_date": decided,
                        "deciding_agency": agency,
                        "source_agency": agency,
                        "publication_end": None,
                        "severity": severity,
                        "is_fire_safety": fire,
                        "listing_behaviour": "",
                        "rectified_on": decided + timedelta(days=30)
                        if rnd.random() < 0.5 and decided + timedelta(days=30) < as_of
                        else None,
                    }
                )
                if penalty_number % 23 == 0:
                    city.penalties[-1]["revoked"] = True
                    city.penalties[-1]["revoked_on"] = decided + timedelta(days=60)
    _add_listings(rnd, city, as_of)
    return city


def _add_listings(rnd: random.Random, city: DemoCity, as_of: date) -> None:
    """A few list entries in every procedure state, each backed by a serious penalty."""
    serious = [p for p in city.penalties if p["severity"] == "serious" and not p.get("revoked")]
    rnd.shuffle(serious)
    states, active = list(LISTING_STATES * 2), set()  # one active entry per subject and behaviour
    for penalty in serious:
        if not states:
            break
        behaviour = "4" if penalty["is_fire_safety"] else rnd.choice(["2", "6", "9"])
        if states[0] in ("proposed", "notified", "objected", "listed"):
            if (penalty["uscc"], behaviour) in active:
                continue
            active.add((penalty["uscc"], behaviour))
        state = states.pop(0)
        penalty["listing_behaviour"] = behaviour
        if state != "withdrawn":  # a home on the list (or on its way there) is not graded (DESIGN: listing)
            city.gradings[:] = [
                g for g in city.gradings if g["uscc"] != penalty["uscc"] or g["decided_on"] < penalty["decision_date"]
            ]
        if behaviour == FIRE_HAZARD:
            _add_overdue_hazard(rnd, city, penalty, state, as_of)
        city.listings.append(
            {
                "uscc": penalty["uscc"],
                "state": state,
                "behaviour": behaviour,
                "penalty_numbers": [penalty["decision_number"]],
                "facts": penalty["facts"],
                "basis": penalty["legal_basis"],
                "decided_on": penalty["decision_date"],
            }
        )


def city_facts(city: DemoCity) -> list[InstitutionFacts]:
    """The scoring facts of every home of the city, as `credit.public.facts.load_facts` reads them once seeded."""
    by_uscc: dict[str, dict[str, list]] = {i["uscc"]: {"g": [], "i": [], "h": [], "p": []} for i in city.institutions}
    for n, g in enumerate(city.gradings):
        by_uscc[g["uscc"]]["g"].append(GradingFacts(id=n, decided_on=g["decided_on"], level=g["level"]))
    for n, i in enumerate(city.inspections):
        records = by_uscc[i["uscc"]]
        records["i"].append(InspectionFacts(id=n, inspected_on=i["inspected_on"], checklist=i["checklist"]))
        for m, h in enumerate(i["hazards"]):
            records["h"].append(
                HazardFacts(
                    id=f"{n}.{m}",
                    category=h["category"],
                    found_on=h["found_on"],
                    rectify_by=h["rectify_by"],
                    rectified_on=h["rectified_on"],
                )
            )
    for n, p in enumerate(city.penalties):
        by_uscc[p["uscc"]]["p"].append(
            PenaltyFacts(
                id=n,
                severity=p["severity"],
                decision_date=p["decision_date"],
                is_fire_safety=p["is_fire_safety"],
                publication_end=p["publication_end"],
                rectified_on=p["rectified_on"],
                revoked=p.get("revoked", False),
            )
        )
    listed = {entry["uscc"] for entry in city.listings if entry["state"] == "listed"}
    return [
        InstitutionFacts(
            institution_id=i["uscc"],
            gradings=tuple(by_uscc[i["uscc"]]["g"]),
            inspections=tuple(by_uscc[i["uscc"]]["i"]),
            hazards=tuple(by_uscc[i["uscc"]]["h"]),
            penalties=tuple(by_uscc[i["uscc"]]["p"]),
            listed=i["uscc"] in listed,
            opened_on=i.get("established_on"),
        )
        for i in city.institutions
    ]


def level_mix(city: DemoCity, as_of: date) -> dict[str, int]:
    """How many homes of the city have each credit level on `as_of` under the policy then in force (A first)."""
    policy = policy_for(as_of)
    mix = dict.fromkeys(policy.levels, 0)
    for assessment in evaluate_many(city_facts(city), policy, as_of):
        mix[assessment.level] += 1
    return mix


def _add_overdue_hazard(rnd: random.Random, city: DemoCity, penalty: dict[str, Any], state: str, as_of: date) -> None:
    """Behaviour 4 is a major fire hazard left unrectified past its deadline: the home's record shows that
    hazard, found by an inspection after the home opened and overdue on the penalty's date."""
    decided = penalty["decision_date"]
    opened = next(i["established_on"] for i in city.institutions if i["uscc"] == penalty["uscc"])
    inspected = max(opened, decided - timedelta(days=60))
    rectify_by = inspected + timedelta(days=max((decided - inspected).days // 2, 0))
    settled = state in ("removed", "withdrawn") and decided + timedelta(days=10) < as_of
    city.inspections.append(
        {
            "uscc": penalty["uscc"],
            "inspected_on": inspected,
            "inspector": "常州市消防救援支队",
            "checklist": {area: "fail" if area == "evacuation" else "pass" for area in FIRE_AREAS},
            "hazards": [
                {
                    "category": rnd.choice(list(HAZARD_CATEGORIES)),
                    "description": "疏散通道堵塞，逾期未整改",
                    "found_on": inspected,
                    "rectify_by": rectify_by,
                    "rectified_on": decided + timedelta(days=10) if settled else None,
                }
            ],
        }
    )
