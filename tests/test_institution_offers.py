"""What a home offers (issue 17): services, care levels accepted, the monthly fee range and the website. Each is
optional and "not reported" is never 0 or "none offered"; bad values are refused naming the field and write
nothing; every way into the registry takes them; search finds exactly the homes that offer what is asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from openpyxl import Workbook

from credit.accounts.roles import INSTITUTION, Principal
from credit.accounts.service import create_user, issue_token
from credit.accounts.system import system_principal
from credit.errors import ValidationFailed
from credit.importer.service import import_file
from credit.public import queries as public_queries
from credit.registry import changes, service
from credit.registry.offers import MAX_FEE, check_offers
from credit.registry.schemas import ChangeDecision, InstitutionUpdate, RegistryChangeFiling
from credit.registry.tables import Institution
from credit.validation import Checker
from tests import factories

SETUP = system_principal("tests")


async def test_offers_are_stored_as_reported_and_unreported_stays_null(db):
    offered = await factories.institution(1, services="医养结合、康复护理", care_levels=["dependent", "self_care"])
    nothing = await factories.institution(2)
    none_offered = await factories.institution(3, services="无", care_levels=[])
    assert offered["services"] == ["medical_care", "rehabilitation"]  # in the set's order, by name or code
    assert offered["care_levels"] == ["self_care", "dependent"]
    assert nothing["services"] is None and nothing["fee_min"] is None and nothing["website"] is None
    assert none_offered["services"] == [] and none_offered["care_levels"] == []
    rows = {r["id"]: r for r in await Institution.select().run()}
    assert rows[nothing["id"]]["services"] is None and rows[none_offered["id"]]["services"] == ""


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"fee_min": 5000, "fee_max": 3000}, "fee_max", "must not be less than the lowest monthly fee (5000)"),
        ({"fee_min": -1}, "fee_min", "must be at least 0"),
        ({"fee_max": "3千"}, "fee_max", "must be a whole number"),
        ({"services": ["medical_care", "spa"]}, "services", "has an unknown item 'spa'"),
        ({"care_levels": "自理、全护理"}, "care_levels", "has an unknown item '全护理'"),
        ({"services": "无、康复护理"}, "services", "cannot be none and something else at once"),
        ({"website": "ftp://example.cn"}, "website", "must be a web address starting with http:// or https://"),
        ({"website": "https://"}, "website", "must be a web address starting with http:// or https://"),
        ({"website": "javascript:alert(1)"}, "website", "must be a web address starting with http:// or https://"),
    ],
)
async def test_a_bad_offer_is_refused_naming_the_field_and_nothing_is_written(db, changes, field, reason):
    with pytest.raises(ValidationFailed) as refused:
        await factories.institution(1, **changes)
    assert [(e.field, e.reason.split(": use")[0]) for e in refused.value.errors] == [(field, reason)]
    assert await Institution.count().run() == 0


@given(low=st.integers(min_value=0, max_value=MAX_FEE), high=st.integers(min_value=0, max_value=MAX_FEE))
def test_a_fee_range_is_accepted_exactly_when_the_highest_fee_is_not_below_the_lowest(low, high):
    check = Checker({"fee_min": low, "fee_max": high})
    clean = check_offers(check)
    assert (not check.errors) == (high >= low)
    if not check.errors:
        assert (clean["fee_min"], clean["fee_max"]) == (low, high)


@pytest.fixture
async def admin(db) -> dict[str, str]:
    await create_user("admin", password="correct-horse-battery", actor="test", role="admin")
    issued = await issue_token("admin", actor="test")
    return {"Authorization": f"Bearer {issued.token}"}


def body(n: int, **changes) -> dict:
    return {
        "uscc": factories.uscc(n),
        "name": f"测试养老院{n}",
        "district_code": factories.TIANNING,
        "beds": 80,
        "owner_type": "private_nonprofit",
        **changes,
    }


async def test_the_api_takes_and_gives_back_the_offers_and_a_full_update_can_clear_them(client, admin):
    offers = {
        "services": ["dementia_care", "medical_care"],
        "care_levels": [],
        "fee_min": 2800,
        "fee_max": 5600,
        "website": "https://www.kangle.cn/",
    }
    created = await client.post("/api/v1/institutions", json=body(1, **offers), headers=admin)
    assert created.status_code == 201, created.text
    assert {k: created.json()[k] for k in offers} == {**offers, "services": ["medical_care", "dementia_care"]}
    profile = (await client.get(f"/api/v1/institutions/{factories.uscc(1)}")).json()
    assert profile["fee_min"] == 2800 and profile["care_levels"] == [] and profile["website"] == offers["website"]
    updated = await client.put(
        f"/api/v1/institutions/{factories.uscc(1)}", json={**body(1, fee_max=6000), "version": 1}, headers=admin
    )
    assert updated.status_code == 200, updated.text
    out = updated.json()
    assert (out["services"], out["care_levels"], out["fee_min"], out["fee_max"], out["website"]) == (
        None,
        None,
        None,
        6000,
        None,
    )


async def test_the_api_refuses_bad_offers_with_422_naming_each_field(client, admin):
    bad = body(1, services=["hospice", "sauna"], fee_min=4000, fee_max=100, website="www.example.cn")
    response = await client.post("/api/v1/institutions", json=bad, headers=admin)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {e["field"] for e in response.json()["errors"]} == {"services", "fee_max", "website"}
    assert await Institution.count().run() == 0


async def test_the_api_search_refuses_an_unknown_service_naming_the_parameter(client):
    response = await client.get("/api/v1/institutions", params={"service": "sauna"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["service"]


@pytest.fixture
async def homes(db) -> dict[str, dict]:
    """Four homes: one offering much, one little, one reporting nothing, one reporting only a lowest fee."""
    return {
        "much": await factories.institution(
            1, services=["medical_care", "dementia_care"], care_levels="自理、半失能、失能", fee_min=3000, fee_max=6000
        ),
        "little": await factories.institution(2, services=["day_care"], care_levels=["self_care"], fee_min=1800),
        "silent": await factories.institution(3),
        "cheap_top": await factories.institution(4, services=[], care_levels=["dependent"], fee_max=2500),
    }


async def found(**filters) -> set[str]:
    page = await public_queries.search(public_queries.Filters(**filters), page_size=100)
    return {r["uscc"] for r in page.items}


async def test_search_filters_find_exactly_the_homes_that_offer_what_is_asked(homes):
    code = {k: h["uscc"] for k, h in homes.items()}
    assert await found(service="dementia_care") == {code["much"]}
    assert await found(service="day_care") == {code["little"]}
    assert await found(service="hospice") == set()
    assert await found(care_level="dependent") == {code["much"], code["cheap_top"]}
    assert await found(care_level="self_care", service="medical_care") == {code["much"]}
    # A budget finds the homes whose lowest (or only) fee fits; a home without fees is not known to fit.
    assert await found(max_fee=2000) == {code["little"]}
    assert await found(max_fee=2500) == {code["little"], code["cheap_top"]}
    assert await found(max_fee=3000) == {code["much"], code["little"], code["cheap_top"]}
    assert await found() == set(code.values())


async def test_the_api_search_filters_by_service_care_level_and_budget(client, homes):
    response = await client.get("/api/v1/institutions", params={"care_level": "dependent", "max_fee": 2600})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["uscc"] for i in items] == [homes["cheap_top"]["uscc"]]
    assert items[0]["services"] == [] and items[0]["fee_max"] == 2500 and items[0]["fee_min"] is None


async def test_a_search_card_shows_contact_place_and_offers_and_not_reported(client, homes):
    await service.update_institution(
        homes["much"]["id"],
        InstitutionUpdate(
            **{k: homes["much"][k] for k in service.EDITABLE_FIELDS}
            | {"address": "天宁区延陵路1号", "phone": "0519-86660001", "website": "https://www.kl.cn"},
            version=homes["much"]["version"],
        ),
        SETUP,
    )
    html = (await client.get("/")).text
    much = html.split(homes["much"]["name"] + "</a>")[1].split("</li>")[0]
    assert "天宁区" in much and "延陵路1号" in much
    assert 'href="tel:051986660001"' in much
    assert "geo:0,0?q=%E5%A4%A9%E5%AE%81%E5%8C%BA" in much  # 天宁区 + the address, URL-encoded
    assert "医养结合、认知障碍照护" in much and "自理、半失能、失能" in much
    assert "每月 3000–6000 元" in much and 'href="https://www.kl.cn"' in much
    silent = html.split(homes["silent"]["name"] + "</a>")[1].split("</li>")[0]
    assert silent.count("未报送") == 6  # address, phone, services, care levels, fee, website
    little = html.split(homes["little"]["name"] + "</a>")[1].split("</li>")[0]
    assert "每月 1800 元起" in little


async def test_the_profile_shows_the_offers_in_both_languages_and_never_a_zero_for_not_reported(client, homes):
    zh = (await client.get(f"/institutions/{homes['cheap_top']['uscc']}")).text
    assert "无（机构报送）" in zh and "每月最高 2500 元" in zh and "失能" in zh
    en = (await client.get(f"/institutions/{homes['silent']['uscc']}", params={"lang": "en"})).text
    assert en.count("Not reported") >= 5 and "0 yuan" not in en
    compared = (
        await client.get(
            "/compare", params=[("uscc", homes["much"]["uscc"]), ("uscc", homes["silent"]["uscc"]), ("lang", "zh")]
        )
    ).text
    assert "医养结合、认知障碍照护" in compared and "每月 3000–6000 元" in compared and "未报送" in compared


async def test_the_search_form_offers_the_new_filters_and_keeps_what_was_asked(client, homes):
    html = (await client.get("/", params={"service": "day_care", "care_level": "bogus", "max_fee": "2000"})).text
    assert '<option value="day_care" selected>' in html and 'name="max_fee"' in html and 'value="2000"' in html
    assert html.count('data-testid="result"') == 1  # the unknown care level is ignored, as other filters are


def write_book(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "机构名称",
            "统一社会信用代码",
            "区县代码",
            "床位数",
            "机构性质",
            "服务项目",
            "护理等级",
            "月收费下限(元)",
            "月收费上限(元)",
            "网站",
        ]
    )
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


async def test_the_institution_import_takes_the_offer_columns(db, tmp_path):
    path = write_book(
        tmp_path / "homes.xlsx",
        [
            [
                "甲养老院",
                factories.uscc(1),
                "320402",
                50,
                "民办非企业",
                "医养结合；康复护理",
                "自理,半失能",
                2600,
                4800.0,
                "http://jia.cn",
            ],
            ["乙养老院", factories.uscc(2), "320402", 60, "公办", None, "无", None, None, None],
        ],
    )
    report = await import_file(path, actor="test")
    assert report.ok and report.written == 2
    rows = {r["uscc"]: r for r in await Institution.select().run()}
    jia, yi = rows[factories.uscc(1)], rows[factories.uscc(2)]
    assert (jia["services"], jia["care_levels"], jia["fee_min"], jia["fee_max"], jia["website"]) == (
        "medical_care,rehabilitation",
        "self_care,partly_dependent",
        2600,
        4800,
        "http://jia.cn",
    )
    assert yi["services"] is None and yi["care_levels"] == "" and yi["fee_min"] is None


async def test_a_bad_offer_cell_is_reported_by_row_and_column_and_nothing_is_written(db, tmp_path):
    path = write_book(
        tmp_path / "bad.xlsx",
        [
            ["甲养老院", factories.uscc(1), "320402", 50, "民办非企业", "医养结合", "自理", 2600, 4800, None],
            ["乙养老院", factories.uscc(2), "320402", 60, "公办", "按摩", None, 5000, 3000, "jia.cn"],
        ],
    )
    report = await import_file(path, actor="test")
    assert not report.ok and report.written == 0
    assert {(p.row, p.column) for p in report.problems} == {(3, "服务项目"), (3, "月收费上限(元)"), (3, "网站")}
    assert await Institution.count().run() == 0


async def test_a_home_asks_to_change_its_services_and_the_public_sees_them_only_once_approved(db):
    home = await factories.institution(1, services=["day_care"])
    user = Principal(user_id=7, username="home1", role=INSTITUTION, institution_uscc=home["uscc"])
    with pytest.raises(ValidationFailed) as refused:
        await changes.request_change(RegistryChangeFiling(field="services", requested_value="日间照料、桑拿"), user)
    assert [e.field for e in refused.value.errors] == ["requested_value"]
    asked = await changes.request_change(
        RegistryChangeFiling(field="services", requested_value="康复护理，医养结合"), user
    )
    assert (asked["current_value"], asked["requested_value"]) == ("日间照料", "医养结合、康复护理")
    assert (await public_queries.profile(home["uscc"]))["services"] == ["day_care"]  # nothing public yet
    await changes.decide_change(asked["id"], ChangeDecision(decision="approved"), SETUP)
    assert (await service.get_institution(home["id"]))["services"] == ["medical_care", "rehabilitation"]
    assert (await public_queries.profile(home["uscc"]))["services"] == ["medical_care", "rehabilitation"]
    website = await changes.request_change(
        RegistryChangeFiling(field="website", requested_value="https://www.kl.cn"), user
    )
    assert website["current_value"] == ""
    with pytest.raises(ValidationFailed):
        await changes.request_change(RegistryChangeFiling(field="care_levels", requested_value="全护理"), user)
