"""Public statistics of citizen feedback (issue 18): counts received / substantiated / closed on time per month,
per home on its profile and per district in the daily disclosure — never the content."""

from __future__ import annotations

import json
from datetime import timedelta

from credit.disclosures import service as disclosures
from credit.feedback import service as feedback
from credit.feedback.schemas import CloseIn, FeedbackIn, TransferIn
from credit.feedback.tables import Feedback
from credit.public.feedback_stats import first_month
from credit.timeutil import today
from tests.feedback.test_feedback_filing import TEXT, a_home
from tests.feedback.test_feedback_triage import CITY

SECRET = "王小明"


async def three_reports(uscc: str) -> list[int]:
    ids = []
    for n in range(3):
        ref = (
            await feedback.submit(FeedbackIn(what_happened=f"{TEXT}（{n}）", complainant_name=SECRET, uscc=uscc))
        ).reference
        ids.append((await Feedback.select(Feedback.id).where(Feedback.reference == ref).first().run())["id"])
    await feedback.close(ids[0], CloseIn(reply="经核查属实，已整改", substantiated=True, version=1), CITY)
    await feedback.transfer(ids[1], TransferIn(to="health", reply="转卫健委", version=1), CITY)
    return ids


async def test_the_profile_shows_each_months_counts_and_never_the_content(client):
    home = await a_home()
    await three_reports(home["uscc"])
    page = await client.get(f"/institutions/{home['uscc']}")
    table = page.text.split('data-testid="feedback-stats"')[1].split("</table>")[0]
    month = today().strftime("%Y-%m")
    assert f'<th scope="row">{month}</th><td>3</td><td>1</td><td>2</td>' in table
    for secret in (SECRET, "护理员夜间", "经核查属实"):
        assert secret not in page.text
    api = (await client.get(f"/api/v1/institutions/{home['uscc']}")).text
    assert SECRET not in api and "护理员夜间" not in api


async def test_an_answer_after_the_due_date_is_not_closed_on_time(db):
    home = await a_home()
    ids = await three_reports(home["uscc"])
    await Feedback.update({Feedback.due_on: today() - timedelta(days=1)}).where(Feedback.id == ids[0]).run()
    from credit.public.feedback_stats import by_home

    [month] = (await by_home([home["id"]], today()))[home["id"]]
    assert month == {"month": today().strftime("%Y-%m"), "received": 3, "substantiated": 1, "closed_on_time": 1}


async def test_the_daily_disclosure_carries_the_district_counts_only(db):
    home = await a_home()
    await three_reports(home["uscc"])
    await feedback.submit(FeedbackIn(what_happened="关于补贴的意见", complainant_name=SECRET))
    body, _, _ = await disclosures.build(today(), "")
    districts = {d["district_code"]: d["months"] for d in json.loads(body)["feedback"]["districts"]}
    assert districts["320402"][0]["received"] == 3 and districts[""][0]["received"] == 1
    assert SECRET.encode() not in body and "护理员夜间".encode() not in body


def test_the_statistics_cover_twelve_months():
    assert first_month(today().replace(month=12, day=31)) == today().replace(month=1, day=1)
