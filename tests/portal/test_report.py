"""The printable credit report (信用报告) of one home: level, score and every reason, the public records, the daily
disclosure it comes from with its digest, and the day it was printed; in both languages and the elderly mode."""

from __future__ import annotations

import re

from credit.disclosures.service import publish
from credit.timeutil import today
from tests import factories


async def report(client, home, **params):
    response = await client.get(f"/institutions/{home['uscc']}/report", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response


async def test_the_report_shows_the_level_the_reasons_the_disclosure_digest_and_the_print_date(client):
    home = await factories.institution(1)
    await factories.penalty(home)
    await factories.grading(home)
    await factories.inspection_with_hazard(home)
    published = await publish(today())
    html = (await report(client, home)).text
    profile = (await client.get(f"/api/v1/institutions/{home['uscc']}")).json()
    level = profile["credit"]["level"]
    assert re.search(rf'data-testid="report-level">\s*<span class="level level-{level}">', html)
    reasons = html.split('data-testid="report-reasons"')[1].split("</table>")[0]
    for c in profile["credit"]["contributions"]:
        assert c["label"] in reasons
    assert f'data-testid="disclosure-digest">{published.digest}</code>' in html
    assert f"最新每日信用公示（{today().isoformat()}）" in html
    assert f'data-testid="printed-on">打印日期：{today().isoformat()}</p>' in html
    assert "常卫罚〔2026〕1号" in html  # the public penalty
    assert "医疗废物处置不规范" in html
    assert "button" in html and "data-print hidden" in html  # shown by our script; printing works without it


async def test_the_report_says_so_when_no_disclosure_is_published_yet(client):
    home = await factories.institution(1)
    html = (await report(client, home)).text
    assert 'data-testid="report-disclosure">尚未发布每日信用公示。</p>' in html


async def test_the_report_in_english_and_in_the_elderly_mode(client):
    home = await factories.institution(1)
    english = (await report(client, home, lang="en")).text
    assert '<html lang="en"' in english and "Credit report" in english
    assert f"Printed on {today().isoformat()}" in english
    elder = (await report(client, home, lang="zh", mode="elder")).text
    assert 'class="public elder"' in elder and "信用报告" in elder


async def test_the_profile_links_its_report(client):
    home = await factories.institution(1)
    profile = (await client.get(f"/institutions/{home['uscc']}")).text
    assert f'<a href="/institutions/{home["uscc"]}/report" data-testid="report-link">信用报告（可打印）</a>' in profile


async def test_the_report_is_cached_under_the_homes_row_and_answers_304(client):
    home = await factories.institution(1)
    first = await report(client, home)
    await factories.penalty(await factories.institution(2), number="常卫罚〔2026〕2号")
    url = f"/institutions/{home['uscc']}/report"
    again = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


async def test_an_unknown_home_has_no_report_but_the_html_404_page(client):
    for code in (factories.uscc(99), "%00", "x'y"):
        response = await client.get(f"/institutions/{code}/report")
        assert response.status_code == 404 and "text/html" in response.headers["content-type"], code
