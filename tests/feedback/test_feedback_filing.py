"""A citizen files feedback about a home or in general and follows it by reference (issue 18, 投诉与意见):
no account, a reference with a check character, a status page; abuse controls without a third-party CAPTCHA
(rate limit per address, size limits, a honeypot, duplicates get the earlier reference); CSRF as on the login
form; name and phone never on the status page, ID and mobile numbers in the text masked."""

from __future__ import annotations

import json
import re

import pytest
from stdnum.cn import uscc as uscc_rules

from credit.accounts.system import system_principal
from credit.audit.tables import AuditEntry
from credit.feedback import abuse, references
from credit.feedback.tables import Feedback
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn

TIANNING = "320402"
SETUP = system_principal("setup")
TEXT = "护理员夜间把老人锁在房间里，家属电话13912345678，老人身份证11010519491231002X。"


def make_uscc(n: int, district: str = TIANNING) -> str:
    body = f"52{district}MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


async def a_home(n: int = 1, district: str = TIANNING) -> dict:
    return await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": make_uscc(n, district),
                "name": f"测试养老院{n}",
                "district_code": district,
                "beds": 60,
                "owner_type": "private_nonprofit",
            }
        ),
        SETUP,
    )


async def form_token(http, query: str = "") -> str:
    page = await http.get(f"/feedback{query}")
    assert page.status_code == 200, page.text
    return re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)


async def file(http, uscc: str = "", **fields: str):
    token = await form_token(http, f"?uscc={uscc}" if uscc else "")
    data = {
        "what_happened": TEXT,
        "happened_on": "",
        "complainant_name": "王小明",
        "complainant_phone": "13800001111",
        "website": "",
        "_csrf_token": token,
        **fields,
    }
    if uscc:
        data["uscc"] = uscc
    return await http.post("/feedback", data=data)


def reference_of(response) -> str:
    assert response.status_code == 303, response.text
    return response.headers["location"].split("/feedback/")[1].split("?")[0]


async def test_a_citizen_files_about_a_home_and_gets_a_reference_with_a_status_page(client):
    """Issue 18: a form on every profile; a reference number and a status page for it, no account needed."""
    home = await a_home()
    profile = await client.get(f"/institutions/{home['uscc']}")
    assert f'href="/feedback?uscc={home["uscc"]}"' in profile.text
    form = await client.get(f"/feedback?uscc={home['uscc']}")
    assert "测试养老院1" in form.text
    response = await file(client, home["uscc"])
    reference = reference_of(response)
    assert references.is_valid(reference) and len(reference) == references.LENGTH
    status = await client.get(response.headers["location"])
    assert status.status_code == 200
    assert reference in status.text and "测试养老院1" in status.text
    # never public: the complainant's name and phone; the text's mobile and ID numbers masked
    for secret in ("王小明", "13800001111", "13912345678", "11010519491231002X"):
        assert secret not in status.text
    assert "139****5678" in status.text and "110105********002X" in status.text
    stored = await Feedback.select().first().run()
    assert stored["institution"] == home["id"] and stored["district_code"] == TIANNING
    assert stored["complainant_phone"] == "13800001111"


async def test_general_feedback_without_a_home_is_filed_for_the_city(client):
    reference = reference_of(await file(client))
    stored = await Feedback.select().where(Feedback.reference == reference).first().run()
    assert stored["institution"] is None and stored["district_code"] == ""


async def test_the_same_text_to_the_same_home_within_a_day_gets_the_earlier_reference(client):
    """Issue 18: duplicate detection."""
    home = await a_home()
    first = reference_of(await file(client, home["uscc"]))
    again = await file(client, home["uscc"], what_happened="  " + TEXT.replace("，", "， ") + " ")
    assert reference_of(again) == first and again.headers["location"].endswith("filed=duplicate")
    other_home = await a_home(2)
    assert reference_of(await file(client, other_home["uscc"])) != first
    assert await Feedback.count().run() == 2


async def test_a_filled_honeypot_is_thanked_and_stored_nowhere(client):
    """Issue 18: a honeypot field instead of a third-party CAPTCHA."""
    response = await file(client, website="http://spam.example")
    assert response.status_code == 200 and "_csrf_token" not in response.text
    assert await Feedback.count().run() == 0


async def test_an_address_filing_too_often_is_refused_with_retry_after(client):
    """Issue 18: rate limits per address (credit.feedback.abuse: FILINGS_PER_WINDOW an hour)."""
    for n in range(abuse.FILINGS_PER_WINDOW):
        assert (await file(client, what_happened=f"第{n}次反映：{TEXT}")).status_code == 303
    refused = await file(client, what_happened="又一次反映")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert await Feedback.count().run() == abuse.FILINGS_PER_WINDOW


async def test_too_long_a_text_or_a_bad_phone_is_refused_naming_the_field(client):
    """Issue 18: size limits; nothing is stored on a refused filing."""
    response = await file(client, what_happened="很" * 3000, complainant_phone="call me")
    assert response.status_code == 422
    assert 'id="f-what-error"' in response.text and 'id="f-phone-error"' in response.text
    too_big = await file(client, what_happened="很" * 9000)
    assert too_big.status_code == 413
    assert await Feedback.count().run() == 0


async def test_a_form_without_its_csrf_token_is_refused(client):
    await client.get("/feedback")
    response = await client.post("/feedback", data={"what_happened": TEXT})
    assert response.status_code == 403
    assert await Feedback.count().run() == 0


@pytest.mark.parametrize("reference", ["", "ABCDEFGHJ2", "NOT-A-REF"])
async def test_an_unknown_or_mistyped_reference_is_not_found(client, reference):
    good = reference_of(await file(client))
    wrong = reference or good[:-1] + ("2" if good[-1] != "2" else "3")
    assert (await client.get(f"/feedback/{wrong}")).status_code == 404


async def test_the_audit_log_keeps_no_complainant_phone_nor_full_name(client):
    """Issue 18: PII masked in logs and audit."""
    reference_of(await file(client))
    entries = " ".join(
        json.dumps(e["changes"] if isinstance(e["changes"], dict) else json.loads(e["changes"]), ensure_ascii=False)
        for e in await AuditEntry.select().run()
    )
    assert "13800001111" not in entries and "王小明" not in entries and "13912345678" not in entries
    assert "王**" in entries
