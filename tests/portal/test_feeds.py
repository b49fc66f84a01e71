"""Subscribe: the Atom feeds of a home and of the joint-punishment list are valid Atom (parsed with feedparser),
keep their entry ids, show what becomes public and never what is not, and are cached like the pages."""

from __future__ import annotations

import feedparser

from credit.accounts.system import system_principal
from credit.listings import service as listings
from credit.listings.schemas import DecisionIn, ObjectionIn, RemovalIn
from credit.records import service as records
from credit.records.schemas import PenaltyUpdate
from credit.validation import typed_from_text
from tests import factories

REVIEWER = system_principal("reviewer")  # decides the review of entries the factories propose


def parsed(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def tag(home, *parts) -> str:
    """The id an entry about `home` has: a tag URI of the home's USCC and the record's kind and id."""
    return ":".join(("tag:eldercredit,2026:institution", home["uscc"], *(str(p) for p in parts)))


def ids(feed) -> list[str]:
    return [e.id for e in feed.entries]


async def home_feed(client, home, **params):
    return parsed(await client.get(f"/institutions/{home['uscc']}/feed.atom", params=params))


async def listed(home) -> dict:
    """A court's designation on `home`, objected to and upheld on review: listed today."""
    entry = await factories.list_entry(home)
    await listings.object_to(entry["id"], ObjectionIn(**{"text": "已履行"}), factories.SETUP)
    return await listings.decide(entry["id"], DecisionIn(outcome="upheld", reasons="法院名单仍在"), REVIEWER)


async def test_a_home_feed_is_valid_atom_with_its_level_records_and_links_to_the_profile(client):
    home = await factories.institution(1)
    penalty = await factories.penalty(home)
    grading = await factories.grading(home)
    inspection = await factories.inspection_with_hazard(home)
    feed = await home_feed(client, home)
    assert feed.feed.title == f"{home['name']}：信用信息动态"
    assert feed.feed.id == f"tag:eldercredit,2026:institution:{home['uscc']}"
    assert {
        tag(home, "penalty", penalty["id"]),
        tag(home, "grading", grading["id"]),
        tag(home, "fire_inspection", inspection["id"]),
    } <= set(ids(feed))
    levels = [e for e in feed.entries if e.tags[0].term == "level"]
    assert levels and levels[-1].title.startswith("信用等级评定为")  # the first level, then each change
    by_id = {e.id: e for e in feed.entries}
    entry = by_id[tag(home, "penalty", penalty["id"])]
    assert entry.title == "行政处罚：常卫罚〔2026〕1号（一般）"
    assert entry.updated.startswith(penalty["decision_date"].isoformat())
    assert entry.link.endswith(f"/institutions/{home['uscc']}#penalties-heading")
    days = [e.updated for e in feed.entries]
    assert days == sorted(days, reverse=True)  # newest first


async def test_entry_ids_are_the_same_on_every_request_and_after_an_unrelated_write(client):
    home = await factories.institution(1)
    await factories.penalty(home)
    await factories.grading(home)
    first = await client.get(f"/institutions/{home['uscc']}/feed.atom")
    second = await home_feed(client, home)
    assert ids(parsed(first)) == ids(second)
    other = await factories.institution(2)
    await factories.penalty(other, number="常卫罚〔2026〕2号")
    url = f"/institutions/{home['uscc']}/feed.atom"
    after = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert after.status_code == 304  # cached under the home's own row: another home's write leaves it valid
    assert ids(await home_feed(client, home)) == ids(second)


async def test_a_new_public_penalty_appears_as_a_new_entry_with_its_facts_masked(client):
    home = await factories.institution(1)
    before = ids(await home_feed(client, home))
    facts = "护理员（电话13812345678）未按规定操作"
    penalty = await factories.penalty(
        home, number="常卫罚〔2026〕7号", facts=facts, decision_date=factories.days_ago(1)
    )
    response = await client.get(f"/institutions/{home['uscc']}/feed.atom")
    feed = parsed(response)
    new = {e.id: e for e in feed.entries if e.id not in before}
    entry = new[tag(home, "penalty", penalty["id"])]
    assert set(before) <= set(ids(feed))
    assert "常卫罚〔2026〕7号" in entry.title and "电话138****5678" in entry.summary
    assert "13812345678" not in response.text


async def test_a_revoked_penalty_never_appears(client):
    home = await factories.institution(1)
    penalty = await factories.penalty(home, number="常卫罚〔2026〕8号")
    await records.update_penalty(
        penalty["id"],
        typed_from_text(
            PenaltyUpdate,
            {
                **factories.penalty_report(home, "常卫罚〔2026〕8号"),
                "revoked": True,
                "revoked_on": factories.days_ago(0),
                "version": penalty["version"],
            },
        ),
        factories.SETUP,
    )
    response = await client.get(f"/institutions/{home['uscc']}/feed.atom")
    feed = parsed(response)
    assert tag(home, "penalty", penalty["id"]) not in ids(feed)
    assert "常卫罚〔2026〕8号" not in response.text


async def test_a_minor_penalty_the_policy_does_not_publish_never_appears(client):
    home = await factories.institution(1)
    minor = await factories.penalty(home, number="常卫罚〔2026〕9号", severity="minor", penalty_kind="警告")
    response = await client.get(f"/institutions/{home['uscc']}/feed.atom")
    assert tag(home, "penalty", minor["id"]) not in ids(parsed(response)) and "常卫罚〔2026〕9号" not in response.text


async def test_a_proposal_not_yet_listed_is_in_no_feed(client):
    home = await factories.institution(1)
    entry = await factories.list_entry(home)
    assert entry["status"] == "notified"
    for url in (f"/institutions/{home['uscc']}/feed.atom", "/listings/feed.atom"):
        feed = parsed(await client.get(url))
        assert not [e for e in feed.entries if ":listing:" in e.id], url


async def test_the_list_feed_shows_a_listing_and_then_only_its_removal(client):
    home = await factories.institution(1)
    entry = await listed(home)
    feed = parsed(await client.get("/listings/feed.atom"))
    assert ids(feed) == [tag(home, "listing", entry["id"], "listed")]
    assert feed.entries[0].title == f"列入失信联合惩戒名单：{home['name']}"
    assert feed.entries[0].summary.startswith(f"{home['name']}自 {entry['listed_on']} 起列入名单。")  # no end
    assert feed.entries[0].link.endswith(f"/institutions/{home['uscc']}#list-heading")
    assert tag(home, "listing", entry["id"], "listed") in ids(await home_feed(client, home))
    await listings.remove(entry["id"], RemovalIn(reason="court_removed"), factories.SETUP)
    feed = parsed(await client.get("/listing/feed.atom"))  # the brief's address serves the same feed
    assert ids(feed) == [tag(home, "listing", entry["id"], "removed")]
    assert "法院已移出" in feed.entries[0].summary
    assert ids(await home_feed(client, home))[0] == tag(home, "listing", entry["id"], "removed")


async def test_the_feed_speaks_the_visitors_language_with_the_same_ids(client):
    home = await factories.institution(1)
    await factories.penalty(home)
    chinese, english = await home_feed(client, home), await home_feed(client, home, lang="en")
    assert ids(chinese) == ids(english)
    assert english.feed.title == f"{home['name']}: credit updates"
    assert english.feed.language == "en" and chinese.feed.language == "zh-CN"
    assert any(e.title == "Administrative penalty 常卫罚〔2026〕1号 (general)" for e in english.entries)
    assert all(e.link.split("#")[0].endswith("?lang=en") for e in english.entries)


async def test_feeds_answer_304_to_a_current_copy(client):
    home = await factories.institution(1)
    for url in (f"/institutions/{home['uscc']}/feed.atom", "/listings/feed.atom"):
        first = await client.get(url)
        assert first.headers["cache-control"] == "public, max-age=60"
        again = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304, url


async def test_an_unknown_home_has_no_feed_but_the_html_404_page(client):
    for code in (factories.uscc(99), "%00", "x'y", "9" * 500, "%E4%B8%AD"):
        response = await client.get(f"/institutions/{code}/feed.atom")
        assert response.status_code == 404 and response.headers["content-type"].startswith("text/html"), code


async def test_the_profile_and_the_list_page_link_their_feeds(client):
    home = await factories.institution(1)
    profile = (await client.get(f"/institutions/{home['uscc']}")).text
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="订阅: {home["name"]}" '
        f'href="/institutions/{home["uscc"]}/feed.atom">' in profile
    )
    assert 'data-testid="feed-link">订阅 (Atom)</a>' in profile
    page = (await client.get("/listings", params={"lang": "en"})).text
    assert 'rel="alternate" type="application/atom+xml"' in page and 'href="/listings/feed.atom?lang=en"' in page
    assert ">Subscribe (Atom)</a>" in page


def test_the_feeds_and_the_report_declare_their_query_parameters():
    from portal.public import caching

    for path in ("/institutions/52320402MJ0000001X/feed.atom", "/institutions/52320402MJ0000001X/report"):
        assert caching.known_parameters(path) == ("lang", "mode"), path
    assert caching.known_parameters("/listings/feed.atom") == ("lang", "mode")
    assert caching.known_parameters("/institutions/52320402MJ0000001X/other") is None


async def test_unknown_query_parameters_do_not_reach_the_feed(client):
    home = await factories.institution(1)
    plain = await client.get(f"/institutions/{home['uscc']}/feed.atom")
    tracked = await client.get(f"/institutions/{home['uscc']}/feed.atom?utm_source=x&lang=")
    assert plain.headers["etag"] == tracked.headers["etag"]


async def test_a_feed_takes_its_language_from_its_url_and_sets_no_cookie(client):
    home = await factories.institution(1)
    url = f"/institutions/{home['uscc']}/feed.atom"
    english = await client.get(url, params={"lang": "en"})
    assert "set-cookie" not in english.headers and english.headers["cache-control"].startswith("public")
    assert english.headers["vary"] == "Accept-Encoding"
    again = await client.get(url, params={"lang": "en"}, headers={"If-None-Match": english.headers["etag"]})
    assert again.status_code == 304  # a feed reader polling ?lang=en gets 304s
    client.cookies.set("ec_lang", "en")
    assert parsed(await client.get(url)).feed.language == "zh-CN"  # the pages' cookie does not apply


def test_characters_xml_forbids_are_left_out_of_a_feed():
    from datetime import date

    from portal.public import atom

    entry = atom.Entry(atom.tag("x", 1), date(2026, 6, 30), "标题\x0b一", "事实\x00<b>&", "http://h/x", "penalty")
    body = atom.document(
        atom.Feed("tag:x", "t", "s", "a", "zh-CN", "http://h/f", "http://h/", date(2026, 6, 30), [entry])
    )
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.entries[0].title == "标题一" and feed.entries[0].summary == "事实<b>&"
    assert feed.entries[0].updated == "2026-06-30T00:00:00+08:00"
