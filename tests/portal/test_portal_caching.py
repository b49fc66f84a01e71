"""Public pages are cacheable: ETag and Last-Modified, 304 before any rendering, a new ETag when the data
changes, a stored copy for repeated requests, and gzip when asked."""

from __future__ import annotations

from datetime import date

from credit import db
from credit.disclosures.service import publish
from credit.sharing import feed
from portal.public import caching


async def test_repeated_request_with_the_etag_gets_304(city, client):
    uscc = city.institutions[0]["uscc"]
    for url in ("/", f"/institutions/{uscc}", f"/compare?uscc={uscc}", "/listings", "/listings.csv", "/disclosures",
                "/about"):
        first = await client.get(url)
        assert first.headers["etag"].startswith('W/"')
        assert first.headers["cache-control"] == "public, max-age=60"
        assert "Cookie" in first.headers["vary"]
        assert first.headers["last-modified"].endswith("GMT")
        again = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304, url
        assert again.content == b"" and again.headers["etag"] == first.headers["etag"]


async def test_if_modified_since_gets_304_when_nothing_changed(city, client):
    first = await client.get("/about")
    again = await client.get("/about", headers={"If-Modified-Since": first.headers["last-modified"]})
    assert again.status_code == 304


async def test_a_new_change_event_changes_the_etag(city, client):
    first = await client.get("/")
    async with db.transaction():
        await feed.emit("rating", "rescored", 1, {"institution": 1})
    again = await client.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200 and again.headers["etag"] != first.headers["etag"]


async def test_a_new_disclosure_shows_at_once(city, client):
    before = await client.get("/disclosures")
    assert 'data-testid="disclosure"' not in before.text
    await publish(date(2026, 6, 30))
    after = await client.get("/disclosures", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and 'data-testid="disclosure"' in after.text


async def test_etag_differs_by_language_and_mode(city, client):
    tags = {(await client.get("/about", cookies=cookies)).headers["etag"]
            for cookies in ({}, {"ec_lang": "en"}, {"ec_mode": "elder"}, {"ec_lang": "en", "ec_mode": "elder"})}
    client.cookies.clear()
    assert len(tags) == 4


async def test_a_repeated_request_is_served_from_the_page_store(city, client, monkeypatch):
    first = await client.get("/about")
    calls = []
    monkeypatch.setattr("portal.public.pages.render", lambda *a, **k: calls.append(a) or b"")
    again = await client.get("/about")
    assert again.status_code == 200 and again.text == first.text and calls == []


async def test_gzip_when_the_client_accepts_it(city, client):
    response = await client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]
    assert "查找养老机构" in response.text  # httpx decoded it


async def test_bounded_memory_store_forgets_the_least_recently_used():
    store = caching.BoundedMemoryStore(entries=2)
    await store.set("a", b"1", expires_in=60)
    await store.set("b", b"2", expires_in=60)
    await store.get("a")
    await store.set("c", b"3", expires_in=60)
    assert await store.get("a") == b"1" and await store.get("b") is None and await store.get("c") == b"3"


async def test_the_data_version_is_reused_for_at_most_its_ttl(city, client, monkeypatch):
    monkeypatch.setattr(caching, "VERSION_TTL_SECONDS", 0.2)
    caching._memo.clear()
    first = await client.get("/about")
    async with db.transaction():
        await feed.emit("rating", "rescored", 1, {"institution": 1})
    within = await client.get("/about")
    assert within.headers["etag"] == first.headers["etag"]  # still inside the TTL
    import asyncio

    await asyncio.sleep(0.25)
    after = await client.get("/about")
    assert after.headers["etag"] != first.headers["etag"]


async def test_gzip_copy_is_kept_and_refused_gzip_is_respected(city, client):
    plain = await client.get("/about", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    zipped = await client.get("/about", headers={"Accept-Encoding": "gzip"})
    again = await client.get("/about", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["content-encoding"] == again.headers["content-encoding"] == "gzip"
    assert zipped.text == again.text == plain.text
    refused = await client.get("/about", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
