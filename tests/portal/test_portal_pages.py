"""The public portal's pages: search with every filter and sort, profiles, comparison, the list, the
disclosure archive and the rules page, in Chinese and English, in the standard and the elderly mode."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from credit.disclosures.service import publish
from credit.public import queries as portal_queries
from credit.public.facts import load_facts
from credit.public.tables import PublicProfile
from credit.registry.tables import Institution
from credit.timeutil import today
from scoring import fire_outcome, policy_for

RESULT = re.compile(r'<li class="card" data-testid="result">\s*<h3><a href="/institutions/([0-9A-Z]{18})">')


def result_usccs(html: str) -> list[str]:
    return RESULT.findall(html)


def found_count(html: str) -> int:
    return int(re.search(r'data-testid="result-count">\D*(\d+)', html).group(1))


FIRE_RANK = {"compliant": 0, "basically_compliant": 1, "none": 2, "non_compliant": 3}


async def all_rows() -> list[dict]:
    """Every institution with its public credit (level, score, grade) and its fire status' rank in the credit
    order (compliant first)."""
    rows = await Institution.select().order_by(Institution.id).run()
    public = {r["institution"]: r for r in await PublicProfile.select().run()}
    return [
        {
            **r,
            "credit_level": public[r["id"]]["level"],
            "credit_score": public[r["id"]]["score"],
            "grade": public[r["id"]]["grade"],
            "fire_rank": FIRE_RANK[public[r["id"]]["fire_status"]],
        }
        for r in rows
    ]


def credit_key(r: dict) -> tuple:
    # Issue 14: ties in the credit sort are broken by grade, then fire status, then name (then id).
    return (-Decimal(str(r["credit_score"])), -(r["grade"] or 0), r["fire_rank"], r["name"], r["id"])


async def test_home_lists_homes_best_credit_first_with_the_total(city, client):
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN"' in response.text and "查找养老机构" in response.text
    rows = await all_rows()
    assert found_count(response.text) == len(rows) == 40
    expected = sorted(rows, key=credit_key)
    assert result_usccs(response.text) == [r["uscc"] for r in expected[:20]]
    assert 'rel="next"' in response.text and "第1页，共2页" in response.text


async def test_second_page_continues_where_the_first_ended(city, client):
    first = result_usccs((await client.get("/")).text)
    second = result_usccs((await client.get("/?page=2")).text)
    assert len(second) == 20 and not set(first) & set(second)


async def test_search_by_part_of_the_name_or_the_start_of_the_code(city, client):
    target = city.institutions[5]
    by_name = (await client.get("/", params={"q": target["name"][2:6]})).text
    assert target["uscc"] in result_usccs(by_name)
    by_code = (await client.get("/", params={"q": target["uscc"][:12].lower()})).text
    assert result_usccs(by_code) == [target["uscc"]] or target["uscc"] in result_usccs(by_code)


async def test_each_filter_keeps_only_matching_homes(city, client):
    rows = {r["uscc"]: r for r in await all_rows()}
    district = city.institutions[0]["district_code"]
    cases = {
        "district": ({"district": district}, lambda r: r["district_code"] == district),
        "level": ({"level": "B"}, lambda r: r["credit_level"] == "B"),
        "min_grade": ({"min_grade": "3"}, lambda r: (r["grade"] or 0) >= 3),
        "beds": ({"beds_min": "50", "beds_max": "200"}, lambda r: 50 <= r["beds"] <= 200),
        "owner_type": ({"owner_type": "enterprise"}, lambda r: r["owner_type"] == "enterprise"),
    }
    for name, (params, keep) in cases.items():
        html = (await client.get("/", params={**params, "sort": "name"})).text
        expected = [u for u, r in sorted(rows.items(), key=lambda kv: (kv[1]["name"], kv[1]["id"])) if keep(r)]
        assert found_count(html) == len(expected), name
        assert result_usccs(html) == expected[:20], name


async def test_fire_filter_agrees_with_the_scoring_rule(city, client):
    on = today()
    policy = policy_for(on)
    rows = await all_rows()
    facts = await load_facts([r["id"] for r in rows])
    expected: dict[str, list[str]] = {}
    for r in rows:
        f = facts[r["id"]]
        inspections = [i for i in f.inspections if i.inspected_on <= on]
        latest = max(inspections, key=lambda i: (i.inspected_on, i.id), default=None)
        outcome = fire_outcome(latest, [h for h in f.hazards if h.found_on <= on], policy, on)
        expected.setdefault(outcome.value if outcome else "none", []).append(r["uscc"])
    assert len(expected) >= 2  # the demo city has homes in more than one state
    for status in portal_queries.FIRE_STATUSES:
        html = (await client.get("/", params={"fire": status, "sort": "name"})).text
        assert found_count(html) == len(expected.get(status, [])), status
        assert set(result_usccs(html)) <= set(expected.get(status, [])), status


async def test_every_sort_orders_the_results(city, client):
    rows = await all_rows()
    keys = {
        "credit": credit_key,
        "grade": lambda r: (-(r["grade"] or 0), -Decimal(str(r["credit_score"])), r["fire_rank"], r["name"], r["id"]),
        "beds": lambda r: (-r["beds"], *credit_key(r)),
        "name": lambda r: (r["name"], r["id"]),
    }
    for sort, key in keys.items():
        html = (await client.get("/", params={"sort": sort})).text
        assert result_usccs(html) == [r["uscc"] for r in sorted(rows, key=key)][:20], sort
        assert f'<option value="{sort}" selected>' in html


async def test_the_search_url_holds_the_whole_search(city, client):
    html = (
        await client.get(
            "/",
            params={
                "q": "养老",
                "level": "B",
                "min_grade": "2",
                "beds_max": "300",
                "owner_type": "public",
                "fire": "compliant",
                "sort": "beds",
            },
        )
    ).text
    assert 'form method="get" action="/"' in html
    for selected in (
        '<option value="B" selected>',
        '<option value="2" selected>',
        '<option value="public" selected>',
        '<option value="compliant" selected>',
        '<option value="beds" selected>',
    ):
        assert selected in html
    assert 'name="beds_max" type="number" inputmode="numeric" min="0" value="300"' in html


async def test_unusable_filter_values_are_ignored_not_an_error(city, client):
    response = await client.get("/", params={"min_grade": "nine", "beds_min": "-3", "level": "Z", "page": "x"})
    assert response.status_code == 200 and found_count(response.text) == 40


async def test_profile_explains_the_level_and_shows_every_section(city, client):
    public = (await PublicProfile.select().where(PublicProfile.level == "C").first().run()) or (
        await PublicProfile.select().order_by(PublicProfile.score).first().run()
    )
    registry = await Institution.select().where(Institution.id == public["institution"]).first().run()
    row = {**registry, "level": public["level"]}
    html = (await client.get(f"/institutions/{row['uscc']}")).text
    assert row["name"] in html and row["uscc"] in html
    assert f"{row['level']}级" in html
    for heading in (
        "为什么是这个信用等级",
        "扣分原因",
        "信用分明细",
        "等级评定",
        "消防安全",
        "公示期内的行政处罚",
        "失信联合惩戒对象名单",
        "信用分变化",
    ):
        assert heading in html, heading
    assert "<svg" in html and 'role="img"' in html and "信用分变化表" in html
    assert row["legal_representative"] not in html
    # The home's own telephone is its public contact (issue 17, "Contact and place"); a person's never is.
    assert not row["phone"] or row["phone"] in html


async def test_profile_of_a_listed_home_says_so(city, client):
    listed = next(entry for entry in city.listings if entry["state"] == "listed")
    html = (await client.get(f"/institutions/{listed['uscc']}")).text
    assert "自" in html and "起列入名单" in html
    assert "该机构已列入失信联合惩戒对象名单" in html  # the veto explained


async def test_unknown_code_gets_a_friendly_404_page(city, client):
    response = await client.get("/institutions/91320000MA1XXXXX0X")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "没有找到该机构" in response.text and 'href="/"' in response.text


async def test_an_address_the_portal_does_not_serve_gets_the_html_404_page(city, client):
    for path, lang in (("/listing", "zh"), ("/listing?lang=en", "en"), ("/no/such/page?lang=zh&mode=elder", "zh")):
        response = await client.get(path, headers={"Accept": "text/html,application/xhtml+xml"})
        assert response.status_code == 404, path
        assert "text/html" in response.headers["content-type"]
        assert ("找不到这个页面" if lang == "zh" else "We could not find that page") in response.text
        assert 'href="/listings"' in response.text and 'href="/"' in response.text
    assert 'class="public elder"' in (await client.get("/nowhere?mode=elder", headers={"Accept": "text/html"})).text


async def test_an_unknown_api_address_still_answers_problem_json(city, client):
    for headers in ({"Accept": "text/html"}, {"Accept": "application/json"}):
        response = await client.get("/api/v1/no-such-thing", headers=headers)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
    program = await client.get("/listing", headers={"Accept": "application/json"})
    assert program.status_code == 404 and program.headers["content-type"].startswith("application/problem+json")


async def test_a_page_past_the_end_says_how_many_were_found(city, client):
    html = (await client.get("/?page=999")).text
    total = (await client.get("/")).text.count('data-testid="result"')
    assert total, "the demo city has homes"
    assert 'data-testid="past-the-end"' in html and "第999页超出了结果范围" in html
    assert 'href="/?page=' in html  # a link to the last page
    english = (await client.get("/?page=999&lang=en")).text
    assert "Page 999 is past the end" in english and "homes were found" in english


async def test_compare_shows_homes_side_by_side(city, client):
    a, b = city.institutions[0]["uscc"], city.institutions[1]["uscc"]
    html = (await client.get("/compare", params=[("uscc", a), ("uscc", b)])).text
    assert "2家机构对比" in html
    assert html.index(city.institutions[0]["name"]) < html.index(city.institutions[1]["name"])


async def test_compare_more_than_three_gives_a_plain_message(city, client):
    codes = [i["uscc"] for i in city.institutions[:4]]
    html = (await client.get("/compare", params=[("uscc", c) for c in codes])).text
    assert 'data-testid="too-many"' in html and "最多对比3家" in html
    assert '<table class="compare">' not in html


async def test_compare_names_an_unknown_code(city, client):
    html = (await client.get("/compare", params={"uscc": "91320000MA1XXXXX0X"})).text
    assert "没有统一社会信用代码为91320000MA1XXXXX0X的机构" in html


async def test_listings_page_shows_entries_in_force(city, client):
    html = (await client.get("/listings")).text
    listed = [entry for entry in city.listings if entry["state"] == "listed"]
    assert f"名单内共{len(listed)}条" in html
    for entry in listed:
        # the basis penalty is named while it is public itself, the legal basis after (credit.public.listed)
        assert entry["uscc"] in html and (entry["penalty_numbers"][0] in html or entry["basis"] in html)


async def test_listings_csv_is_utf8_with_bom(city, client):
    response = await client.get("/listings.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + sum(1 for e in city.listings if e["state"] == "listed")


async def test_disclosures_page_links_every_download_and_explains_verification(city, client):
    await publish(date(2026, 6, 30))
    html = (await client.get("/disclosures")).text
    for link in (
        "/api/v1/disclosures/2026-06-30",
        "/api/v1/disclosures/2026-06-30.csv",
        "/api/v1/disclosures/2026-06-30.sig",
        "/api/v1/disclosures/public-key",
    ):
        assert f'href="{link}"' in html
    assert "eldercredit disclosures verify" in html and "openssl pkeyutl -verify" in html
    home = (await client.get("/")).text
    assert "最新每日公示：2026-06-30" in home


async def test_about_page_is_generated_from_the_policy_in_force(city, client):
    policy = policy_for(today())
    html = (await client.get("/about")).text
    assert policy.version in html
    for level, minimum in policy.levels.items():
        assert f"{level}级" in html and f"{minimum.normalize():f}分" in html
    assert f"有效期{policy.grading.validity_years}年" in html
    serious = policy.penalties.serious
    assert f"{serious.minimum_months}至{serious.maximum_months}个月" in html
    assert not re.search(r"(\d+)至\1个月", html), "a period of one length reads '12 个月', not '12 至 12 个月'"
    assert f"−{-policy.fire.points.open_major_hazard.normalize():f}" in html
    assert f"{policy.listing.objection_working_days}个工作日" in html


async def test_english_with_lang_query_and_remembered_by_cookie(city, client):
    response = await client.get("/about?lang=en")
    assert '<html lang="en"' in response.text and "How ratings are made" in response.text
    assert "ec_lang=en" in response.headers.get("set-cookie", "")
    assert response.headers["cache-control"].startswith("private")
    again = await client.get("/listings")  # the client keeps the cookie
    assert '<html lang="en"' in again.text and "Joint-punishment list" in again.text
    assert "set-cookie" not in again.headers
    back = await client.get("/listings?lang=zh")
    assert '<html lang="zh-CN"' in back.text and "ec_lang=zh" in back.headers["set-cookie"]


async def test_english_profile_uses_the_english_reasons(city, client):
    html = (await client.get(f"/institutions/{city.institutions[2]['uscc']}", params={"lang": "en"})).text
    assert "Why this credit level" in html and "Base score" in html and "基础分" not in html


async def test_toggles_are_plain_links_that_keep_the_search(city, client):
    from html import unescape
    from urllib.parse import parse_qs, urlsplit

    html = (await client.get("/?q=%E5%BA%B7&sort=beds")).text
    for testid, extra in (("lang-toggle", {"lang": ["en"]}), ("mode-toggle", {"mode": ["elder"]})):
        href = unescape(re.search(rf'<a class="toggle" href="([^"]+)" data-testid="{testid}"', html).group(1))
        assert urlsplit(href).path == "/"
        assert parse_qs(urlsplit(href).query) == {"q": ["康"], "sort": ["beds"], **extra}


async def test_elderly_mode_cookie_changes_the_page_class(city, client):
    standard = (await client.get("/")).text
    assert 'class="public"' in standard and "mode-standard" in standard
    chosen = await client.get("/?mode=elder")
    assert "ec_mode=elder" in chosen.headers["set-cookie"]
    assert 'class="public elder"' in chosen.text and "mode-elder" in chosen.text
    kept = (await client.get(f"/institutions/{city.institutions[0]['uscc']}")).text
    assert 'class="public elder"' in kept and "标准版" in kept


async def test_elderly_mode_css_meets_the_ageing_friendly_sizes():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "portal/static/portal.css").read_text()
    assert ".public.elder { --target: 60px; font-size: 24px; line-height: 1.6; }" in css
    assert "--target: 44px" in css


async def test_anonymous_pages_set_no_cookie(city, client):
    await publish(date(2026, 6, 30))
    for url in (
        "/",
        f"/institutions/{city.institutions[0]['uscc']}",
        "/compare",
        "/listings",
        "/listings.csv",
        "/disclosures",
        "/about",
        "/institutions/91320000MA1XXXXX0X",
    ):
        response = await client.get(url)
        assert "set-cookie" not in response.headers, url


async def test_english_pages_mark_chinese_names_as_chinese_and_use_half_width_brackets(city, client):
    home = city.institutions[0]
    english = (await client.get(f"/institutions/{home['uscc']}?lang=en")).text
    assert f'<h1 data-testid="institution-name"><span lang="zh-CN">{home["name"]}</span></h1>' in english
    assert f'<span lang="zh-CN">{home["address"]}</span>' in english
    assert "（" not in re.sub(r'<span lang="zh-CN">.*?</span>', "", english, flags=re.S)
    search = (await client.get("/?lang=en")).text
    assert re.search(r'<h3><a href="/institutions/\w+"><span lang="zh-CN">', search)
    chinese = (await client.get(f"/institutions/{home['uscc']}?lang=zh")).text
    assert f'<h1 data-testid="institution-name">{home["name"]}</h1>' in chinese
