"""The shortlist (备选): kept in a cookie across pages and reloads, no JavaScript, no account; compare from it."""

from __future__ import annotations

import re


def _codes(html: str) -> list[str]:
    return re.findall(r'data-testid="shortlisted">\s*<h2><a href="/institutions/(\w+)"', html)


async def test_a_home_added_from_its_profile_stays_on_the_shortlist_across_pages(city, client):
    first, second = city.institutions[0], city.institutions[1]
    profile = (await client.get(f"/institutions/{first['uscc']}")).text
    assert 'action="/shortlist/add"' in profile and f'name="uscc" value="{first["uscc"]}"' in profile
    added = await client.post("/shortlist/add", data={"uscc": first["uscc"]})
    assert added.status_code == 303 and added.headers["location"] == f"/shortlist?added={first['uscc']}"
    page = (await client.get(added.headers["location"])).text
    assert 'data-testid="shortlist-added"' in page and first["name"] in page
    # from a search result's button (inside the compare form: its own name, so ticked boxes do not count)
    await client.post("/shortlist/add", data={"uscc": second["uscc"], "add": second["uscc"]})
    await client.get("/")  # another page, then a reload
    reloaded = await client.get("/shortlist")
    assert _codes(reloaded.text) == [second["uscc"], first["uscc"]]
    assert reloaded.headers["cache-control"] == "private, no-store"
    # compare from the shortlist without typing a code: the first three are ticked for /compare
    assert 'form="compare-shortlist" checked' in reloaded.text and 'action="/compare"' in reloaded.text


async def test_removing_one_home_and_emptying_the_shortlist(city, client):
    codes = [home["uscc"] for home in city.institutions[:3]]
    for code in codes:
        await client.post("/shortlist/add", data={"uscc": code})
    await client.post("/shortlist/remove", data={"uscc": codes[1]})
    assert _codes((await client.get("/shortlist")).text) == [codes[2], codes[0]]
    await client.post("/shortlist/remove", data={"all": "1"})
    assert 'data-testid="shortlist-empty"' in (await client.get("/shortlist")).text


async def test_at_most_ten_homes_the_oldest_leaving_and_unknown_codes_change_nothing(city, client):
    codes = [home["uscc"] for home in city.institutions[:12]]
    for code in codes:
        await client.post("/shortlist/add", data={"uscc": code})
    assert _codes((await client.get("/shortlist")).text) == list(reversed(codes))[:10]
    unknown = await client.post("/shortlist/add", data={"uscc": "91320000MA1XXXXX0X"})
    assert unknown.status_code == 303 and unknown.headers["location"] == "/shortlist"
    garbled = await client.post("/shortlist/add", data={"uscc": "<script>"})
    assert garbled.status_code == 303
    assert _codes((await client.get("/shortlist")).text) == list(reversed(codes))[:10]


async def test_a_post_from_another_site_is_refused_and_changes_nothing(city, client):
    code = city.institutions[0]["uscc"]
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        refused = await client.post("/shortlist/add", data={"uscc": code}, headers=headers)
        assert refused.status_code == 403 and 'data-testid="shortlist-refused"' in refused.text
        assert "set-cookie" not in refused.headers
    assert 'data-testid="shortlist-empty"' in (await client.get("/shortlist")).text


async def test_the_public_pages_stay_the_same_for_everyone_with_a_shortlist(city, client):
    code = city.institutions[0]["uscc"]
    before = (await client.get(f"/institutions/{code}")).text
    await client.post("/shortlist/add", data={"uscc": code})
    after = (await client.get(f"/institutions/{code}")).text
    assert before == after  # the cookie changes only /shortlist, so the page stays cacheable
    english = (await client.get("/shortlist?lang=en")).text
    assert "Your shortlist" in english and "Remove from the shortlist" in english
