"""The printable listing decision, a court designation's refusals in plain words, and the dashboard's view
of entries held by the official calendar."""

from __future__ import annotations

from datetime import date

from test_workspace_listings import SYSTEM, home, walk_to_listed  # noqa: F401 (fixture)
from workspace_helpers import post, sign_in

from credit.accounts.service import issue_token
from credit.listings import service as listings
from credit.listings.schemas import ProposalIn, StepIn
from credit.listings.tables import ListingEntry
from credit.timeutil import today


async def test_the_decision_document_names_facts_basis_measures_duration_repair_and_remedies(client, home):
    await sign_in(client, "city")
    base = f"/workspace/listings/{home['entry_id']}"
    assert (await client.get(f"{base}/decision-document")).status_code == 404  # not listed yet
    await walk_to_listed(client, home["entry_id"])
    entry = await listings.entry_detail(home["entry_id"])
    assert 'data-testid="decision-document-link"' in (await client.get(base)).text
    page = await client.get(f"{base}/decision-document")
    assert page.status_code == 200
    text = page.text
    # 民发〔2019〕103号 art. 6(1)(2) in its official words, and the facts found
    assert "因养老服务行为侵害老年人合法权益的" in text and "护理员殴打老年人" in text
    assert "天民罚字〔2026〕9号" in text and "第六条第一款第（二）项" in text
    assert "限制享受财政补贴" in text and "D 级" in text
    assert f"至 {entry['expires_on'].isoformat()}" in text or entry["expires_on"].strftime("%Y") in text
    assert "列入满二年" in text  # art. 11: early removal after two full years
    # 行政复议法 art. 20 (60 days); 行政诉讼法 art. 46 (6 months)
    assert "六十日内" in text and "行政复议" in text and "六个月内" in text and "行政诉讼" in text


async def test_a_court_designation_refused_withdrawal_is_a_plain_message_and_a_409(client, home):
    court = await listings.propose(
        ProposalIn(uscc=home["uscc"], behaviour="court_debtor", facts="（2026）苏04执12号", basis="失信被执行人名单"),
        SYSTEM,
    )
    await sign_in(client, "city")
    base = f"/workspace/listings/{court['id']}"
    shown = await client.get(base)
    assert 'data-testid="form-withdrawal"' not in shown.text and 'data-testid="form-removal"' in shown.text
    await post(client, f"{base}/objection", {"on": today().isoformat(), "text": "已履行"})
    refused = await post(
        client, f"{base}/decision", {"on": today().isoformat(), "outcome": "withdrawn", "reasons": "复核"}
    )
    assert refused.status_code == 409 and "民政部门复核不得撤回" in refused.text
    assert (await listings.entry_detail(court["id"]))["status"] == "objected"


async def test_the_api_refuses_withdrawing_a_court_designation_with_a_problem(client, home):
    court = await listings.propose(
        ProposalIn(uscc=home["uscc"], behaviour="court_debtor", facts="（2026）苏04执13号", basis="失信被执行人名单"),
        SYSTEM,
    )
    token = (await issue_token("city", actor="test")).token
    answer = await client.post(
        f"/api/v1/listings/{court['id']}/removal",
        json={"reason": "expired"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 409 and answer.headers["content-type"].startswith("application/problem+json")
    assert "follows the court's list" in answer.text and "reason" in answer.text


async def test_the_dashboard_shows_an_entry_waiting_for_the_official_calendar(client, home):
    entry = await listings.notify(home["entry_id"], StepIn(), SYSTEM)
    await (
        ListingEntry.update(
            {ListingEntry.objection_deadline: date(2026, 1, 5), ListingEntry.objection_deadline_confirmed: False}
        )
        .where(ListingEntry.id == entry["id"])
        .run()
    )
    await sign_in(client, "city")
    page = await client.get("/workspace/")
    assert 'data-testid="calendar-holds"' in page.text and "暂缓列入" in page.text
