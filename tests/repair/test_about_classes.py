"""/about explains the Order No. 36 classes, the classification table and repair from the policy in force
(issue 15: the table is shown on /about, generated from the policy, in both languages)."""

from __future__ import annotations

from credit.timeutil import today
from scoring import policy_for


async def test_the_about_page_shows_the_classification_table_of_the_policy_in_zh_and_en(client):
    table = policy_for(today()).order36.classification
    zh = await client.get("/about")
    en = await client.get("/about?lang=en")
    client.cookies.clear()
    for page in (zh, en):
        assert page.status_code == 200 and 'data-testid="classification"' in page.text
        for kind in table.kinds:
            assert kind in page.text
    assert "信用修复" in zh.text and "轻微失信信息不予公示" in zh.text
    assert "Credit repair" in en.text and "Minor information is not published" in en.text
    days = policy_for(today()).order36.repair_decision_working_days
    assert f"{days} working days" in en.text and f"{days}个工作日" in zh.text
