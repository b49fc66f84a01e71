"""/about explains the supervision loop from the policy in force, in both languages (issue 19): the monthly share,
the weights by level, at least two inspectors per home, the publication window in working days, the checklist and
the separation of duties. Rules: 国办发〔2015〕58号 (双随机、一公开), 国发〔2019〕5号 (results public in 20 working
days)."""

from __future__ import annotations

import html as html_lib

from credit.timeutil import today
from portal.public.about_rules import supervision_rules
from scoring import policy_for


async def test_about_explains_the_supervision_loop_with_the_policys_numbers_in_both_languages(client):
    policy = policy_for(today())
    loop = policy.supervision

    zh = (await client.get("/about?lang=zh")).text
    en = html_lib.unescape((await client.get("/about?lang=en")).text)

    section = zh.split('data-testid="supervision-rules"')[1].split("</section>")[0]
    assert "双随机抽查及结果公开" in section
    assert f"随机抽取{format(policy.inspection_draw.share * 100, 'f').rstrip('0').rstrip('.')}%" in section
    assert "D级3" in section and "A级0.5" in section
    assert f"至少{loop.inspectors_per_task}名执法人员" in section
    assert f"{loop.publication_working_days}个工作日内公开" in section
    assert all(item.label_zh in section for item in loop.checklist)
    assert "职责分离" in section
    english = en.split('data-testid="supervision-rules"')[1].split("</section>")[0]
    assert f"within {loop.publication_working_days} working days" in english
    assert f"at least {loop.inspectors_per_task} law-enforcement officers" in english
    assert "level D 3" in english and "separation of duties" in english


def test_the_supervision_rules_follow_the_policy_values():
    import dataclasses

    policy = policy_for(today())
    changed = dataclasses.replace(
        policy,
        supervision=dataclasses.replace(policy.supervision, publication_working_days=15, allow_self_publication=True),
    )
    said = " ".join(s["en"] for s in supervision_rules(changed))
    assert "within 15 working days" in said and "separation of duties" not in said
    assert supervision_rules(dataclasses.replace(policy, supervision=None)) == []
