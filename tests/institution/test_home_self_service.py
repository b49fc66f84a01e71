"""Institution self-service (机构端, issue 18): civil affairs opens a home's accounts; the home's user sets its password
at the first sign-in, sees its full record, opens its list notices (电子送达, recorded and shown to the regulator) and
objects within the window; it sees and changes nothing of another home and reaches neither the workspace nor the
regulator API.

Sources: 民发〔2019〕103号 (notice and the subject's right to object before listing; the window stays the one the
notice states); DESIGN.md roles ("institution: only its own home").
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest

from credit.accounts import service as accounts
from credit.accounts.service import create_user
from credit.accounts.system import system_principal
from credit.accounts.tables import User
from credit.listings import service as listings
from credit.listings.schemas import ProposalIn, StepIn
from credit.listings.tables import ListingEntry, NoticeReceipt
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies
from credit.settings import settings
from credit.timeutil import today
from tests.workspace.workspace_helpers import PASSWORD, TIANNING, WUJIN, csrf, make_uscc, post, sign_in

SYSTEM = system_principal()
NEW_PASSWORD = "our home's own passphrase"


@pytest.fixture
async def homes(db) -> dict:
    """Two homes (天宁 and 武进), each with a court designation notified today; regulators of each district."""
    await ensure_agencies()
    await create_user("tianning", "district_regulator", PASSWORD, district_code=TIANNING, actor="test")
    await create_user("wujin", "district_regulator", PASSWORD, district_code=WUJIN, actor="test")
    await create_user("doctor", "agency_officer", PASSWORD, agency_code="health", actor="test")
    found = {}
    for n, district in ((1, TIANNING), (2, WUJIN)):
        home = await registry.create_institution(
            InstitutionIn(
                **{
                    "uscc": make_uscc(n, district),
                    "name": f"康乐养老院{n}",
                    "district_code": district,
                    "beds": 80,
                    "owner_type": "private_nonprofit",
                }
            ),
            SYSTEM,
        )
        entry = await listings.propose(
            ProposalIn(
                uscc=home["uscc"],
                behaviour="court_debtor",
                facts="人民法院认定为失信被执行人",
                basis=f"（2026）苏04执{n}号",
            ),
            SYSTEM,
        )
        found[district] = {**home, "entry_id": entry["id"]}
    return found


async def open_account(client, homes, district: str = TIANNING, username: str = "kangle.zhang") -> str:
    """A regulator of the home's district opens the account in the workspace; returns the initial password."""
    await sign_in(client, "tianning" if district == TIANNING else "wujin")
    response = await post(
        client,
        f"/workspace/institutions/{homes[district]['id']}/accounts/new",
        {"username": username, "display_name": "张院长"},
    )
    assert response.status_code == 201, response.text
    password = re.search(r'data-testid="initial-password">([^<]+)<', response.text).group(1)
    await client.post("/logout", data={"_csrf_token": csrf(client)})
    return password


async def sign_in_home(client, password: str, username: str = "kangle.zhang", *, set_password: bool = True):
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    response = await client.post("/login", data={"username": username, "password": password, "_csrf_token": token})
    assert response.status_code == 303
    if set_password:
        changed = await post(client, "/my/password", {"current_password": password, "new_password": NEW_PASSWORD})
        assert changed.status_code == 303, changed.text
    return response


async def test_the_first_sign_in_leads_to_the_password_form_until_the_initial_password_is_replaced(client, homes):
    password = await open_account(client, homes)
    first = await sign_in_home(client, password, set_password=False)
    assert first.headers["location"] == "/my/password"
    held = await client.get("/my", follow_redirects=False)
    assert held.status_code == 303 and held.headers["location"] == "/my/password"
    weak = await post(client, "/my/password", {"current_password": password, "new_password": "short"})
    assert weak.status_code == 422 and "至少需要 12 个字符" in weak.text
    done = await post(client, "/my/password", {"current_password": password, "new_password": NEW_PASSWORD})
    assert done.status_code == 303
    record = await client.get("/my")
    assert record.status_code == 200 and homes[TIANNING]["uscc"] in record.text
    assert not (await User.select(User.must_change_password).where(User.username == "kangle.zhang").first().run())[
        "must_change_password"
    ]


async def test_only_civil_affairs_of_the_homes_district_opens_its_accounts_and_at_most_the_limit(
    client, homes, monkeypatch
):
    home = homes[TIANNING]["id"]
    for outsider in ("wujin", "doctor"):
        await sign_in(client, outsider)
        refused = await post(client, f"/workspace/institutions/{home}/accounts/new", {"username": "intruder"})
        assert refused.status_code == 403
        await client.post("/logout", data={"_csrf_token": csrf(client)})
    await open_account(client, homes, username="first.user")
    await sign_in(client, "tianning")
    monkeypatch.setattr(accounts, "settings", dataclasses.replace(settings, institution_users_max=1))
    full = await post(client, f"/workspace/institutions/{home}/accounts/new", {"username": "second.user"})
    assert full.status_code == 422 and "已有 1 个有效账号（最多 1 个）" in full.text
    assert await User.count().where(User.institution_uscc == homes[TIANNING]["uscc"]).run() == 1


async def test_a_home_user_reaches_neither_the_workspace_nor_the_regulator_api(client, homes):
    await sign_in_home(client, await open_account(client, homes))
    assert (await client.get("/workspace", follow_redirects=False)).status_code == 403
    assert (await client.get(f"/workspace/institutions/{homes[TIANNING]['id']}")).status_code == 403
    assert (await client.get(f"/api/v1/listings/{homes[TIANNING]['entry_id']}")).status_code == 403
    uscc = homes[TIANNING]["uscc"]
    assert (await client.get(f"/api/v1/institutions/{uscc}/practitioners")).status_code == 403
    me = await client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["role"] == "institution"


async def test_opening_a_notice_is_recorded_once_and_shown_to_the_regulator(client, homes):
    entry_id = homes[TIANNING]["entry_id"]
    await sign_in_home(client, await open_account(client, homes))
    record = await client.get("/my")
    assert "新告知，请查看" in record.text and f'href="/my/notices/{entry_id}"' in record.text
    notice = await client.get(f"/my/notices/{entry_id}")
    assert notice.status_code == 200 and 'data-testid="receipt"' in notice.text
    first = await NoticeReceipt.select().first().run()
    await client.get(f"/my/notices/{entry_id}")
    assert await NoticeReceipt.count().run() == 1
    assert (await NoticeReceipt.select().first().run())["opened_at"] == first["opened_at"]
    entry = await ListingEntry.select().where(ListingEntry.id == entry_id).first().run()
    assert entry["notified_on"] == today()  # the legal service date stays the regulator's
    await client.post("/logout", data={"_csrf_token": csrf(client)})
    await sign_in(client, "tianning")
    page = await client.get(f"/workspace/listings/{entry_id}")
    assert re.search(r'data-testid="notice-receipt">[^<]*kangle\.zhang', page.text)


async def test_a_home_objects_within_the_window_once(client, homes):
    entry_id = homes[TIANNING]["entry_id"]
    await sign_in_home(client, await open_account(client, homes))
    empty = await post(client, f"/my/notices/{entry_id}/objection", {"text": ""})
    assert empty.status_code == 422 and "异议内容" in empty.text
    done = await post(client, f"/my/notices/{entry_id}/objection", {"text": "已全部履行判决义务，附法院结案通知书"})
    assert done.status_code == 303
    entry = await listings.entry_detail(entry_id)
    assert entry["status"] == "objected" and entry["objection_text"].startswith("已全部履行")
    again = await post(client, f"/my/notices/{entry_id}/objection", {"text": "再次异议"})
    assert again.status_code == 409
    assert (await listings.entry_detail(entry_id))["objection_text"].startswith("已全部履行")


async def test_an_objection_after_the_window_is_refused_with_the_date(client, homes):
    late = await listings.propose(
        ProposalIn(
            uscc=homes[TIANNING]["uscc"],
            behaviour="4",
            facts="重大火灾隐患逾期未整改",
            basis="民发〔2019〕103号 第六条第四项",
        ),
        SYSTEM,
    )
    await listings.notify(late["id"], StepIn(on=today() - timedelta(days=40), backdate_reason="补录"), SYSTEM)
    await sign_in_home(client, await open_account(client, homes))
    refused = await post(client, f"/my/notices/{late['id']}/objection", {"text": "逾期异议"})
    deadline = (await listings.entry_detail(late["id"]))["objection_deadline"]
    assert refused.status_code == 409 and f"异议期已于 {deadline.isoformat()} 届满" in refused.text
    assert (await listings.entry_detail(late["id"]))["status"] == "notified"


async def test_a_home_user_sees_and_changes_nothing_of_another_home(client, homes):
    other = homes[WUJIN]["entry_id"]
    await sign_in_home(client, await open_account(client, homes))
    assert (await client.get(f"/my/notices/{other}")).status_code == 404
    assert (await post(client, f"/my/notices/{other}/objection", {"text": "不是我们的"})).status_code == 404
    assert (await listings.entry_detail(other))["status"] == "notified"
    assert await NoticeReceipt.count().run() == 0
    record = await client.get("/my")
    assert homes[WUJIN]["name"] not in record.text and homes[WUJIN]["uscc"] not in record.text


async def test_staff_and_anonymous_visitors_do_not_reach_the_home_pages(client, homes):
    anonymous = await client.get("/my", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]
    await sign_in(client, "tianning")
    assert (await client.get("/my")).status_code == 403
