"""The joint-punishment list in the workspace: the entries, the proposal form, each step of the procedure as a
form offered only when the state allows it, refusals in plain words, and the agencies' feedback."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from workspace_helpers import PASSWORD, TIANNING, WUJIN, csrf, error_beside_id, make_uscc, post, sign_in

from credit.accounts.roles import Principal
from credit.accounts.service import create_user
from credit.accounts.system import system_principal
from credit.listings import service as listings
from credit.listings.schemas import ObjectionIn, ProposalIn, StepIn
from credit.listings.tables import ListingEntry, ListingTransition
from credit.records import service as records
from credit.records.schemas import PenaltyIn
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies
from credit.sharing.measures import record_measure
from credit.sharing.schemas import MeasureIn
from credit.timeutil import now_utc, today
from credit.validation import typed_from_text

SYSTEM = system_principal()
HEALTH = Principal(user_id=0, username="agency:health", role="agency", agency_code="health", via="key")


def error_in_group(html: str, field_id: str) -> str:
    """The error text at the end of the fieldset (checkboxes, radios) with this id ('' when there is none)."""
    match = re.search(
        rf'<fieldset[^>]*id="{field_id}"[^>]*aria-describedby="[^"]*{field_id}-error[^"]*"[^>]*>'
        rf'(?:(?!</fieldset>).)*<strong id="{field_id}-error" class="field-error"[^>]*>(.*?)</strong>'
        rf"\s*</fieldset>",
        html,
        re.S,
    )
    return match.group(1) if match else ""


def status_of(html: str) -> str:
    return re.search(r'data-testid="status">(.*?)</strong>', html, re.S).group(1)


def forms_on(html: str) -> list[str]:
    return re.findall(r'data-testid="form-([a-z-]+)"', html)


@pytest.fixture
async def home(db) -> dict:
    """A Tianning home with a serious penalty and a proposed entry resting on it; users of each role."""
    await ensure_agencies()
    await create_user("city", "city_regulator", PASSWORD, actor="test")
    await create_user("tianning", "district_regulator", PASSWORD, district_code=TIANNING, actor="test")
    await create_user("wujin", "district_regulator", PASSWORD, district_code=WUJIN, actor="test")
    await create_user("doctor", "agency_officer", PASSWORD, agency_code="health", actor="test")
    institution = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": make_uscc(1),
                "name": "天宁康乐养老院",
                "district_code": TIANNING,
                "beds": 100,
                "owner_type": "private_nonprofit",
            }
        ),
        SYSTEM,
    )
    penalty = await records.create_penalty(
        institution["id"],
        typed_from_text(
            PenaltyIn,
            {
                "decision_number": "天民罚字〔2026〕9号",
                "facts": "护理员殴打老年人",
                "legal_basis": "《老年人权益保障法》第七十八条",
                "penalty_kind": "罚款",
                "content": "罚款五万元",
                "decision_date": (today() - timedelta(days=40)).isoformat(),
                "deciding_agency": "天宁区民政局",
                "severity": "serious",
                "fine_yuan": "50000",
            },
        ),
        SYSTEM,
    )
    entry = await listings.propose(
        ProposalIn(
            uscc=institution["uscc"],
            behaviour="2",
            facts="护理员殴打老年人",
            basis="民发〔2019〕103号 第六条第二项",
            penalty_ids=[penalty["id"]],
        ),
        SYSTEM,
    )
    return {**institution, "penalty_id": penalty["id"], "entry_id": entry["id"]}


async def walk_to_listed(http, entry_id: int) -> None:
    """Notice, objection and an upheld review, each through its form."""
    base = f"/workspace/listings/{entry_id}"
    assert (await post(http, f"{base}/notify", {"on": today().isoformat()})).status_code == 303
    assert (
        await post(http, f"{base}/objection", {"on": today().isoformat(), "text": "护理员已辞退，请求不予列入"})
    ).status_code == 303
    assert (
        await post(
            http,
            f"{base}/decision",
            {"on": today().isoformat(), "outcome": "upheld", "reasons": "事实清楚，异议理由不成立"},
        )
    ).status_code == 303


async def test_an_entry_walks_from_proposed_to_listed_through_the_forms_each_offered_in_its_state(client, home):
    await sign_in(client, "city")
    base = f"/workspace/listings/{home['entry_id']}"
    proposed = await client.get(base)
    assert proposed.status_code == 200 and "已提出" in status_of(proposed.text)
    assert forms_on(proposed.text) == ["notify", "withdrawal"]
    assert f'href="{base}/notice"' in proposed.text and "天民罚字〔2026〕9号" in proposed.text

    notified = await post(client, f"{base}/notify", {"on": today().isoformat()})
    assert notified.status_code == 303 and notified.headers["location"] == f"{base}?saved=notify"
    page = await client.get(notified.headers["location"])
    assert "已告知" in status_of(page.text) and 'data-testid="saved"' in page.text
    assert forms_on(page.text) == ["objection", "withdrawal"]

    assert (
        await post(client, f"{base}/objection", {"on": today().isoformat(), "text": "护理员已辞退，请求不予列入"})
    ).status_code == 303
    page = await client.get(base)
    assert "已提出异议" in status_of(page.text) and forms_on(page.text) == ["decision", "withdrawal"]
    assert "护理员已辞退，请求不予列入" in page.text

    decided = await post(client, f"{base}/decision", {"outcome": "upheld", "reasons": "事实清楚，异议理由不成立"})
    assert decided.status_code == 303
    page = await client.get(base)
    assert "已列入名单" in status_of(page.text) and forms_on(page.text) == ["removal"]
    assert 'data-testid="early-removal-note"' in page.text
    steps = re.search(r'<table data-testid="steps">.*?</table>', page.text, re.S).group(0)
    assert steps.count("<tr>") == 5 and "事实清楚，异议理由不成立" in steps and ">city<" in steps
    stored = await listings.entry_detail(home["entry_id"])
    assert stored["status"] == "listed" and stored["listed_on"] == today() and stored["review_outcome"] == "upheld"


async def test_proposing_through_the_form_rests_the_entry_on_the_chosen_penalty(client, home):
    await sign_in(client, "tianning")
    institution_page = await client.get(f"/workspace/institutions/{home['id']}")
    assert f'href="/workspace/listings/new?institution={home["id"]}"' in institution_page.text
    form = await client.get(f"/workspace/listings/new?institution={home['id']}")
    assert form.status_code == 200 and "被人民法院认定为失信被执行人的" in form.text
    assert re.search(rf'name="penalty_ids" type="checkbox" value="{home["penalty_id"]}"', form.text)
    refused = await post(
        client,
        "/workspace/listings/new",
        {"institution_id": str(home["id"]), "behaviour": "7", "basis": "第六条第七项"},
    )
    assert refused.status_code == 422
    assert "必须填写" in error_beside_id(refused.text, "f-facts")
    assert "至少勾选一项" in error_in_group(refused.text, "f-penalty_ids")
    assert "第六条第七项</textarea>" in refused.text
    created = await post(
        client,
        "/workspace/listings/new",
        {
            "institution_id": str(home["id"]),
            "behaviour": "7",
            "facts": "检查时提供虚假台账",
            "basis": "第六条第七项",
            "penalty_ids": [str(home["penalty_id"])],
        },
    )
    assert created.status_code == 303
    entry_id = int(re.search(r"/workspace/listings/(\d+)\?saved=proposed", created.headers["location"]).group(1))
    entry = await listings.entry_detail(entry_id)
    assert entry["status"] == "proposed" and entry["behaviour"] == "7"
    assert entry["penalty_numbers"] == ["天民罚字〔2026〕9号"]


async def test_proposing_a_behaviour_already_on_foot_answers_409_with_the_reason(client, home):
    await sign_in(client, "city")
    response = await post(
        client,
        "/workspace/listings/new",
        {
            "institution_id": str(home["id"]),
            "behaviour": "2",
            "facts": "再次",
            "basis": "第六条第二项",
            "penalty_ids": [str(home["penalty_id"])],
        },
    )
    assert response.status_code == 409 and "已有同一失信行为的名单事项" in response.text
    assert await ListingEntry.count().run() == 1


async def test_a_step_illegal_in_the_current_state_answers_409_naming_the_state_and_changes_nothing(client, home):
    await sign_in(client, "city")
    response = await post(
        client, f"/workspace/listings/{home['entry_id']}/decision", {"outcome": "upheld", "reasons": "维持"}
    )
    assert response.status_code == 409
    refused = re.search(r'data-testid="refused">(.*?)</div>', response.text, re.S).group(1)
    assert "已提出" in refused and "proposed" in refused
    assert (await listings.entry_detail(home["entry_id"]))["status"] == "proposed"
    assert await ListingTransition.count().run() == 1


async def test_an_objection_after_the_window_is_refused_with_the_closing_date(client, home):
    await sign_in(client, "city")
    base = f"/workspace/listings/{home['entry_id']}"
    await post(
        client,
        f"{base}/notify",
        {"on": (today() - timedelta(days=30)).isoformat(), "backdate_reason": "告知书30天前已送达"},
    )
    entry = await listings.entry_detail(home["entry_id"])
    page = await client.get(base)
    assert "objection" not in forms_on(page.text)
    response = await post(client, f"{base}/objection", {"text": "迟到的异议"})
    assert response.status_code == 409 and f"异议期已于 {entry['objection_deadline'].isoformat()} 届满" in response.text
    assert (await listings.entry_detail(home["entry_id"]))["status"] == "notified"


async def test_a_step_form_with_a_bad_field_shows_the_error_beside_it(client, home):
    await sign_in(client, "city")
    base = f"/workspace/listings/{home['entry_id']}"
    response = await post(
        client, f"{base}/withdrawal", {"on": (today() + timedelta(days=3)).isoformat(), "reasons": ""}
    )
    assert response.status_code == 422
    assert "不能晚于今天" in error_beside_id(response.text, "f-withdrawal-on")
    assert "必须填写" in error_beside_id(response.text, "f-withdrawal-reasons")
    # the page reloads at its top: the summary stands there, before the step forms, linked to each field
    summary = response.text.index('data-testid="error-summary"')
    assert summary < response.text.index('id="f-withdrawal-on"')
    assert 'href="#f-withdrawal-on"' in response.text and 'href="#f-withdrawal-reasons"' in response.text
    assert (await listings.entry_detail(home["entry_id"]))["status"] == "proposed"


async def test_a_review_decision_without_an_outcome_is_refused_beside_the_choice(client, home):
    await listings.notify(home["entry_id"], StepIn(), SYSTEM)
    await listings.object_to(home["entry_id"], ObjectionIn(**{"text": "异议"}), SYSTEM)
    await sign_in(client, "city")
    response = await post(client, f"/workspace/listings/{home['entry_id']}/decision", {"reasons": "维持"})
    assert response.status_code == 422
    assert "复核结论：必须填写" in error_in_group(response.text, "f-decision-outcome")
    assert "维持</textarea>" in response.text
    assert (await listings.entry_detail(home["entry_id"]))["status"] == "objected"


async def test_an_unconfirmed_objection_deadline_is_marked_so(client, home):
    await (
        ListingEntry.update(
            {
                ListingEntry.status: "notified",
                ListingEntry.notified_on: today(),
                ListingEntry.objection_deadline: today() + timedelta(days=7),
                ListingEntry.objection_deadline_confirmed: False,
            }
        )
        .where(ListingEntry.id == home["entry_id"])
        .run()
    )
    await sign_in(client, "city")
    page = await client.get(f"/workspace/listings/{home['entry_id']}")
    deadline = re.search(r'data-testid="objection-deadline">(.*?)</dd>', page.text, re.S).group(1)
    assert (today() + timedelta(days=7)).isoformat() in deadline and "待确认" in deadline and "unconfirmed" in deadline


async def test_the_feedback_table_shows_an_agencys_measure_and_not_yet_for_the_others(client, home):
    await sign_in(client, "city")
    await walk_to_listed(client, home["entry_id"])
    await record_measure(home["entry_id"], MeasureIn(measure="restrict_subsidies", applied_on=today()), HEALTH)
    page = await client.get(f"/workspace/listings/{home['entry_id']}")
    rows = dict(re.findall(r'<tr data-testid="feedback-([a-z_]+)">(.*?)</tr>', page.text, re.S))
    assert len(rows) == 7
    assert "限制享受财政补贴" in rows["health"] and today().isoformat() in rows["health"]
    assert "尚未反馈" not in rows["health"]
    assert all("尚未反馈" in row and "not yet" in row for agency, row in rows.items() if agency != "health")


async def test_a_district_regulator_of_another_district_reads_the_entry_but_gets_403_on_a_step(client, home):
    await sign_in(client, "wujin")
    page = await client.get(f"/workspace/listings/{home['entry_id']}")
    assert page.status_code == 200 and forms_on(page.text) == [] and 'data-testid="read-only"' in page.text
    response = await post(client, f"/workspace/listings/{home['entry_id']}/notify", {})
    assert response.status_code == 403 and "不允许" in response.text
    assert (await listings.entry_detail(home["entry_id"]))["status"] == "proposed"


async def test_an_agency_officer_may_read_the_list_but_its_decisions_are_refused(client, home):
    await sign_in(client, "doctor")
    assert (await client.get("/workspace/listings")).status_code == 200
    page = await client.get(f"/workspace/listings/{home['entry_id']}")
    assert page.status_code == 200 and forms_on(page.text) == []
    response = await post(client, f"/workspace/listings/{home['entry_id']}/withdrawal", {"reasons": "不成立"})
    assert response.status_code == 403
    assert (await listings.entry_detail(home["entry_id"]))["status"] == "proposed"


async def test_after_two_years_an_early_removal_is_applied_for_and_approved_through_the_forms(client, home):
    await sign_in(client, "tianning")
    await walk_to_listed(client, home["entry_id"])
    listed_on = today() - timedelta(days=800)
    await (
        ListingEntry.update(
            {
                ListingEntry.listed_on: listed_on,
                ListingEntry.early_removal_from: today() - timedelta(days=70),
                ListingEntry.expires_on: today() + timedelta(days=295),
            }
        )
        .where(ListingEntry.id == home["entry_id"])
        .run()
    )
    base = f"/workspace/listings/{home['entry_id']}"
    page = await client.get(base)
    assert forms_on(page.text) == ["early-removal", "removal"]
    assert (today() - timedelta(days=70)).isoformat() in page.text
    assert (await post(client, f"{base}/early-removal", {"statement": "已整改并完成培训"})).status_code == 303
    page = await client.get(base)
    assert forms_on(page.text) == ["early-removal-decision", "removal"] and "待决定" in page.text
    approved = await post(client, f"{base}/early-removal/decision", {"decision": "approved", "reasons": "整改到位"})
    assert approved.status_code == 303
    entry = await listings.entry_detail(home["entry_id"])
    assert entry["status"] == "removed" and entry["removal_reason"] == "repaired"
    page = await client.get(base)
    assert forms_on(page.text) == [] and "信用修复" in page.text


async def test_removal_as_expired_before_the_listing_ends_is_refused_but_as_an_error_is_done(client, home):
    await sign_in(client, "city")
    await walk_to_listed(client, home["entry_id"])
    base = f"/workspace/listings/{home['entry_id']}"
    early = await post(client, f"{base}/removal", {"reason": "expired"})
    assert early.status_code == 409 and "尚未期满" in early.text
    done = await post(client, f"{base}/removal", {"reason": "error", "reasons": "主体认定错误"})
    assert done.status_code == 303
    entry = await listings.entry_detail(home["entry_id"])
    assert entry["status"] == "removed" and entry["removal_reason"] == "error"


async def test_the_list_filters_by_state_counts_each_state_and_keeps_a_district_to_its_own(client, home):
    other = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": make_uscc(2, WUJIN),
                "name": "武进夕阳红养老院",
                "district_code": WUJIN,
                "beds": 60,
                "owner_type": "enterprise",
            }
        ),
        SYSTEM,
    )
    notified = await listings.propose(
        ProposalIn(uscc=other["uscc"], behaviour="court_debtor", facts="法院认定", basis="（2026）苏0412执123号"),
        SYSTEM,
    )
    assert notified["status"] == "notified"
    await sign_in(client, "city")
    everything = await client.get("/workspace/listings")
    assert everything.status_code == 200 and everything.text.count('data-testid="entry-row"') == 2
    assert '<span data-testid="count-proposed">1</span>' in everything.text
    assert '<span data-testid="count-notified">1</span>' in everything.text
    assert '<span data-testid="count-listed">0</span>' in everything.text
    only = await client.get("/workspace/listings", params={"status": "notified"})
    assert only.text.count('data-testid="entry-row"') == 1 and "武进夕阳红养老院" in only.text
    assert f'href="/workspace/listings/{notified["id"]}"' in only.text
    by_text = await client.get("/workspace/listings", params={"q": "康乐"})
    assert by_text.text.count('data-testid="entry-row"') == 1 and "天宁康乐养老院" in by_text.text
    by_behaviour = await client.get("/workspace/listings", params={"behaviour": "court_debtor"})
    assert by_behaviour.text.count('data-testid="entry-row"') == 1 and "武进夕阳红养老院" in by_behaviour.text
    await client.post("/logout", data={"_csrf_token": csrf(client)})
    await sign_in(client, "tianning")
    mine = await client.get("/workspace/listings")
    assert mine.text.count('data-testid="entry-row"') == 1 and "武进夕阳红养老院" not in mine.text
    assert '<span data-testid="count-notified">0</span>' in mine.text


async def test_the_list_pages_twenty_entries_at_a_time(client, home):
    at = now_utc()
    for _ in range(21):
        await (
            ListingEntry(
                subject_kind="institution",
                institution=home["id"],
                behaviour="9",
                status="removed",
                proposed_on=today(),
                created_at=at,
                updated_at=at,
            )
            .save()
            .run()
        )
    await sign_in(client, "city")
    first = await client.get("/workspace/listings")
    assert first.text.count('data-testid="entry-row"') == 20 and "第 1 / 2 页" in first.text
    assert 'href="/workspace/listings?page=2" rel="next"' in first.text
    second = await client.get("/workspace/listings", params={"page": 2})
    assert second.text.count('data-testid="entry-row"') == 2 and 'rel="prev"' in second.text


async def test_an_agency_officer_gets_403_on_the_proposal_form_and_its_post_and_nothing_is_written(client, home):
    await sign_in(client, "doctor")
    form = await client.get(f"/workspace/listings/new?institution={home['id']}")
    assert form.status_code == 403
    response = await post(
        client,
        "/workspace/listings/new",
        {
            "institution_id": str(home["id"]),
            "behaviour": "4",
            "facts": "重大火灾隐患逾期未整改",
            "basis": "第六条第四项",
        },
    )
    assert response.status_code == 403
    assert await ListingEntry.count().run() == 1


async def test_a_district_regulator_of_another_district_gets_403_on_the_proposal_form(client, home):
    await sign_in(client, "wujin")
    assert (await client.get(f"/workspace/listings/new?institution={home['id']}")).status_code == 403
    response = await post(
        client,
        "/workspace/listings/new",
        {"institution_id": str(home["id"]), "behaviour": "4", "facts": "逾期未整改", "basis": "第六条第四项"},
    )
    assert response.status_code == 403 and await ListingEntry.count().run() == 1


async def test_auto_detected_posted_in_the_proposal_form_is_ignored(client, home):
    await sign_in(client, "city")
    created = await post(
        client,
        "/workspace/listings/new",
        {
            "institution_id": str(home["id"]),
            "behaviour": "4",
            "facts": "重大火灾隐患逾期未整改",
            "basis": "第六条第四项",
            "auto_detected": "true",
        },
    )
    assert created.status_code == 303
    entry_id = int(re.search(r"/workspace/listings/(\d+)", created.headers["location"]).group(1))
    assert (await listings.entry_detail(entry_id))["auto_detected"] is False
    assert "系统自动发现" not in (await client.get(f"/workspace/listings/{entry_id}")).text


async def test_a_step_form_dated_before_today_without_a_reason_is_refused_beside_the_date(client, home):
    await sign_in(client, "city")
    base = f"/workspace/listings/{home['entry_id']}"
    response = await post(client, f"{base}/notify", {"on": (today() - timedelta(days=3)).isoformat()})
    assert response.status_code == 422 and "backdate_reason" in error_beside_id(response.text, "f-notify-on")
    assert (await listings.entry_detail(home["entry_id"]))["status"] == "proposed"


async def test_the_review_of_a_court_designation_offers_upholding_only(client, home):
    # 民发〔2019〕103号 (behaviour 9): the court's designation (失信被执行人) is followed, not reviewed away; the
    # service refuses "withdrawn" for it, so the form does not offer it.
    other = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": make_uscc(3, WUJIN),
                "name": "武进康宁养老院",
                "district_code": WUJIN,
                "beds": 60,
                "owner_type": "enterprise",
            }
        ),
        SYSTEM,
    )
    court = await listings.propose(
        ProposalIn(uscc=other["uscc"], behaviour="court_debtor", facts="法院认定", basis="（2026）苏0412执124号"),
        SYSTEM,
    )
    await listings.object_to(court["id"], ObjectionIn(**{"on": today().isoformat(), "text": "已履行完毕"}), SYSTEM)
    await sign_in(client, "city")
    page = await client.get(f"/workspace/listings/{court['id']}")
    assert "decision" in forms_on(page.text)
    assert 'value="upheld"' in page.text and 'value="withdrawn"' not in page.text
    ordinary = await client.get(f"/workspace/listings/{home['entry_id']}")
    assert 'value="withdrawn"' not in ordinary.text  # still proposed: no review yet
