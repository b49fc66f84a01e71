"""ID and mobile numbers quoted in free text are masked in every public and agency output, and the log
scrubber finds an ID number wherever it stands."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from hypothesis import given, strategies as st
from stdnum.cn import ric, uscc as uscc_rules

from credit.accounts.system import system_principal
from credit.identifiers import mask_free_text
from credit.listings.tables import ListingEntry
from credit.logs import ScrubFilter, scrub
from credit.records import service as records
from credit.records.schemas import PenaltyUpdate
from credit.records.tables import Penalty
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies
from credit.sharing.keys import issue_key
from credit.timeutil import now_utc, today
from credit.validation import typed_from_text

ADMIN = system_principal("setup")
ID_NUMBER = "11010519491231002X"
OLD_ID_NUMBER = "110105491231002"
MOBILE = "13912345678"
FACTS = f"护理员欧阳娜娜（身份证{ID_NUMBER}，电话{MOBILE}）未持证上岗；旧证号{OLD_ID_NUMBER}。"


def code(n: int) -> str:
    body = f"52320402MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


# -- the masking rule ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, masked",
    [
        (f"欧阳{ID_NUMBER}", "欧阳110105********002X"),
        (f"id{ID_NUMBER}x", "id110105********002Xx"),
        (f"7{ID_NUMBER}5", "7110105********002X5"),
        (f"号码{OLD_ID_NUMBER}。", "号码110105*****1002。"),
        (f"电话{MOBILE}，", "电话139****5678，"),
        (f"tel:{MOBILE}a", "tel:139****5678a"),
    ],
)
def test_id_and_mobile_numbers_in_free_text_are_masked_wherever_they_stand(text, masked):
    assert mask_free_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "统一社会信用代码 52320402MJ0000077U、91320402MA1MXXXX0T",
        "常民罚〔2026〕12号、常卫罚字〔2025〕第0031号",
        "罚款5000.00元，2026年3月1日起",
        "订单号 9913912345678001",
        "账号 6222021234567890123",
    ],
)
def test_codes_decision_numbers_and_other_digit_runs_are_left_as_they_are(text):
    assert mask_free_text(text) == text


# -- properties: any valid ID number, in any surroundings -------------------------------------------------


@st.composite
def id_numbers(draw) -> str:
    """A region code, a birth date and a sequence number with the GB 11643 check character: every number
    that stdnum.cn.ric accepts is of this form (it also asks that the region existed in the birth year)."""
    region = draw(st.sampled_from(["110105", "320402", "440305", "510107", "650102"]))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)))
    body = f"{region}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + ric.calc_check_digit(body + "0")


percent_escapes = st.sampled_from(list("欧阳张王电话号")).map(lambda c: quote(c))
surroundings = st.lists(
    st.one_of(
        st.sampled_from(list("欧阳娜张三身份证号：，。 ")),
        st.characters(whitelist_categories=("Lu", "Ll", "Nd")),
        st.sampled_from(list("%&=?")),
        percent_escapes,
    ),
    max_size=12,
).map("".join)


@given(id_numbers(), surroundings, surroundings)
def test_no_valid_id_number_survives_free_text_masking(number, before, after):
    assert number not in mask_free_text(before + number + after).upper()


@given(id_numbers(), surroundings, surroundings)
def test_no_valid_id_number_survives_the_log_scrubber_plain_or_percent_encoded(number, before, after):
    encoded = "".join(f"%{ord(c):02X}" for c in number)
    assert number not in scrub(f"GET /?q={before}{number}{after}").upper()
    assert number not in scrub(f"GET /?q={quote(before + number + after)}").upper()
    scrubbed = scrub(f"GET /?q={before}{encoded}{after}").upper()
    assert number not in scrubbed and encoded not in scrubbed


@given(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    surroundings.filter(lambda s: not s[-1:].isdigit()),
    surroundings.filter(lambda s: not s[:1].isdigit()),
)
def test_no_mobile_number_survives_free_text_masking(mobile, before, after):
    assert mobile not in mask_free_text(before + mobile + after)


def test_a_search_for_a_name_with_an_id_number_reaches_the_log_masked():
    record = logging.LogRecord("access", logging.INFO, __file__, 1, "GET %s 200", (f"/?q=欧阳{ID_NUMBER}",), None)
    ScrubFilter().filter(record)
    assert ID_NUMBER not in record.getMessage() and "110105********002X" in record.getMessage()


# -- the outputs -----------------------------------------------------------------------------------------


@pytest.fixture
async def reported(client) -> dict:
    """A home with a penalty in force whose facts and content quote an ID and a mobile number, reported by
    an agency (health), and that agency's key."""
    await ensure_agencies()
    health = {"Authorization": f"Bearer {(await issue_key('health', 'test')).key}"}
    home = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(5),
                "name": "常州市天宁区掩码测试养老院",
                "district_code": "320402",
                "beds": 60,
                "owner_type": "private_nonprofit",
                "legal_representative": "张建国",
            }
        ),
        ADMIN,
    )
    answer = await client.post(
        "/api/v1/penalties",
        headers=health,
        json={
            "subject_name": home["name"],
            "uscc": home["uscc"],
            "decision_number": "常卫罚〔2026〕5号",
            "facts": FACTS,
            "legal_basis": "《医疗机构管理条例》第四十六条",
            "penalty_kind": "罚款",
            "content": f"罚款五千元，联系{MOBILE}",
            "fine_yuan": "5000.00",
            "decision_date": (today() - timedelta(days=10)).isoformat(),
            "deciding_agency": "常州市卫生健康委员会",
        },
    )
    assert answer.status_code == 201
    return {"home": home, "health": health, "answer": answer.text}


async def test_free_text_numbers_are_masked_in_every_public_and_agency_output(client, reported):
    uscc, health = reported["home"]["uscc"], reported["health"]
    outputs = {"report answer": reported["answer"]}
    for url, headers in (
        (f"/api/v1/institutions/{uscc}", {}),
        (f"/institutions/{uscc}", {}),
        ("/api/v1/exports/penalties.csv", {}),
        ("/api/v1/exports/penalties.jsonl", {}),
        ("/api/v1/exports/penalties.csv", health),
        ("/api/v1/exports/penalties.jsonl", health),
        ("/api/v1/feed", health),
    ):
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, url
        outputs[f"{url} {'agency' if headers else 'public'}"] = response.content.decode("utf-8-sig")
    leaks = [(name, n) for name, text in outputs.items() for n in (ID_NUMBER, OLD_ID_NUMBER, MOBILE) if n in text]
    assert leaks == []
    assert all("110105********002X" in outputs[k] for k in ("report answer", "/api/v1/feed agency"))
    assert "139****5678" in outputs[f"/api/v1/institutions/{uscc} public"]


async def test_the_stored_record_keeps_the_original_text(reported):
    stored = await Penalty.select(Penalty.facts).first().run()
    assert stored["facts"] == FACTS


async def test_saving_a_form_filled_from_the_masked_record_keeps_the_original_text(reported):
    row = await Penalty.select().first().run()
    shown = await records.get_penalty(row["id"])
    assert ID_NUMBER not in shown["facts"]
    fields = (
        "decision_number",
        "facts",
        "legal_basis",
        "penalty_kind",
        "content",
        "fine_yuan",
        "decision_date",
        "deciding_agency",
    )
    form = {k: str(shown[k]) for k in fields}
    await records.update_penalty(
        row["id"],
        typed_from_text(PenaltyUpdate, {**form, "violation_type": "无证上岗", "version": row["version"]}),
        ADMIN,
    )
    after = await Penalty.select(Penalty.facts, Penalty.violation_type).where(Penalty.id == row["id"]).first().run()
    assert after == {"facts": FACTS, "violation_type": "无证上岗"}


async def listed_entry(home_id: int) -> int:
    entry = ListingEntry(
        subject_kind="institution",
        institution=home_id,
        behaviour="2",
        status="listed",
        facts=FACTS,
        basis=f"举报人电话{MOBILE}",
        objection_text=f"本人身份证{ID_NUMBER}",
        proposed_on=today() - timedelta(days=40),
        listed_on=today() - timedelta(days=5),
        expires_on=today() + timedelta(days=3 * 365),
        created_at=now_utc(),
        updated_at=now_utc(),
    )
    await entry.save().run()
    return entry.id


async def test_an_agency_reads_a_list_entry_and_its_measures_feed_with_the_numbers_masked(client, reported):
    entry_id = await listed_entry(reported["home"]["id"])
    measure = await client.post(
        f"/api/v1/listings/{entry_id}/measures",
        headers=reported["health"],
        json={"measure": "other", "text": f"约谈负责人，电话{MOBILE}", "applied_on": today().isoformat()},
    )
    assert measure.status_code == 201
    detail = await client.get(f"/api/v1/listings/{entry_id}", headers=reported["health"])
    feed = await client.get("/api/v1/feed", headers=reported["health"])
    assert detail.status_code == feed.status_code == 200
    for text in (detail.text, feed.text):
        assert ID_NUMBER not in text and MOBILE not in text
    assert detail.json()["objection_text"] == "本人身份证110105********002X"


async def test_a_match_answer_carries_no_number_from_the_registry_text(client, reported):
    await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(6),
                "name": f"常州市康乐养老院{MOBILE}",
                "district_code": "320402",
                "beds": 60,
                "owner_type": "private_nonprofit",
                "legal_representative": "李四",
            }
        ),
        ADMIN,
    )
    answer = await client.post("/api/v1/match", headers=reported["health"], json={"name": "常州市康乐养老院"})
    assert answer.status_code == 200 and answer.json()
    assert MOBILE not in answer.text and "139****5678" in answer.text
