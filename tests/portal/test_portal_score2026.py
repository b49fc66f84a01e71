"""The public pages under policy 2026.1: /about explains caps, the clamp, the yearly inspection and the
draw in both languages; a profile lists the caps among the reasons and says when a home is due."""

from __future__ import annotations

import html as html_lib

from credit.public.tables import PublicProfile
from credit.timeutil import today
from scoring import load_policy, policy_for

POLICY = load_policy("2026.1")


async def test_about_explains_the_2026_caps_inspection_and_draw_in_both_languages(city, client):
    # Issue 15 "Done when": /about explains the 2026 policy in plain words generated from the policy.
    assert policy_for(today()).version == "2026.1"
    zh = (await client.get("/about?lang=zh")).text
    assert "信用等级上限" in zh and "存在未整改的重大事故隐患，信用等级最高为C" in zh
    assert "运营不满12个月，信用等级最高为B" in zh and "消防安全标准化不达标，信用等级最高为B" in zh
    assert "不扣机构的分" in zh and "A级0.5" in zh and "D级3" in zh
    assert "基础分为85分" in zh
    assert "近12个月无消防安全检查" not in zh  # the 2020 deduction is gone
    en = html_lib.unescape((await client.get("/about?lang=en")).text)
    assert "Level caps" in en and "Open major accident hazard: level C at best" in en
    assert "costs the home nothing" in en and "A 0.5" in en
    assert "a higher grade always shows" in en


async def test_a_profile_lists_the_level_caps_and_says_when_the_home_is_due_for_inspection(city, client):
    # Issue 15 §4: caps shown among the reasons; a missing yearly inspection shown as "due", costing nothing.
    from credit.disclosures.rescoring import rescore_all

    on = today()
    await rescore_all(on)
    facts_by_uscc = {i["uscc"]: i for i in city.institutions}
    inspected = {i["uscc"] for i in city.inspections if (on - i["inspected_on"]).days < 365}
    never = next(u for u in facts_by_uscc if u not in {i["uscc"] for i in city.inspections})
    zh = (await client.get(f"/institutions/{never}?lang=zh")).text
    assert 'data-testid="inspection-due"' in zh and "不扣机构的分" in zh
    fresh = next(iter(inspected))
    assert 'data-testid="inspection-due"' not in (await client.get(f"/institutions/{fresh}")).text
    capped = await PublicProfile.select(PublicProfile.uscc).where(PublicProfile.level == "C").run()
    pages = [(await client.get(f"/institutions/{r['uscc']}?lang=en")).text for r in capped]
    assert capped and any('data-testid="level-caps"' in p and "at best" in p for p in pages)
    assert all("Score kept within" not in p for p in pages)
