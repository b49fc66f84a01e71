"""Public pages are cacheable: ETag and Last-Modified, 304 before any rendering, a new ETag when the data
changes, a stored copy for repeated requests, and gzip when asked."""

from __future__ import annotations

from datetime import date

import pytest

from credit import db
from credit.changes import Event, record_changed
from credit.disclosures.service import publish
from portal.public import caching


async def test_repeated_request_with_the_etag_gets_304(city, client):
    uscc = city.institutions[0]["uscc"]
    for url in (
        "/",
        f"/institutions/{uscc}",
        f"/compare?uscc={uscc}",
        "/listings",
        "/listings.csv",
        "/disclosures",
        "/about",
    ):
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
        await record_changed(Event("rating", "rescored", 1, {"institution": 1}))
    again = await client.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200 and again.headers["etag"] != first.headers["etag"]


async def test_a_new_disclosure_shows_at_once(city, client):
    before = await client.get("/disclosures")
    assert 'data-testid="disclosure"' not in before.text
    await publish(date(2026, 6, 30))
    after = await client.get("/disclosures", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and 'data-testid="disclosure"' in after.text


async def test_etag_differs_by_language_and_mode(city, client):
    tags = set()
    for cookies in ({}, {"ec_lang": "en"}, {"ec_mode": "elder"}, {"ec_lang": "en", "ec_mode": "elder"}):
        client.cookies.clear()  # cookies on the client: httpx deprecates per-request cookies
        client.cookies.update(cookies)
        tags.add((await client.get("/about")).headers["etag"])
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
    now = [1000.0]  # a controlled clock: the test moves it, nothing sleeps
    monkeypatch.setattr(caching, "version_clock", lambda: now[0])
    monkeypatch.setattr(caching, "VERSION_TTL_SECONDS", 0.2)
    caching._memo.clear()
    first = await client.get("/about")
    async with db.transaction():
        await record_changed(Event("rating", "rescored", 1, {"institution": 1}))
    now[0] += 0.19
    within = await client.get("/about")
    assert within.headers["etag"] == first.headers["etag"]  # still inside the TTL
    now[0] += 0.02
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


# The page store is bounded, and junk in the URL makes no new cache key.

import dataclasses  # noqa: E402
import uuid  # noqa: E402

from credit.settings import load_settings  # noqa: E402
from credit.stores import BudgetedRedisStore  # noqa: E402
from tests.conftest import REDIS_URL  # noqa: E402  (this xdist worker's own Redis database)

needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")


async def test_junk_and_reordered_parameters_share_the_pages_cache_key(city, client):
    plain = await client.get("/?q=常州&level=A")
    for url in (
        "/?level=A&q=常州",
        "/?q=常州&level=A&utm_source=wechat&utm_campaign=x",
        "/?fbclid=1&q=%E5%B8%B8%E5%B7%9E&level=A&district=&zzz=9",
        "/?q=常州&level=A&page=",
    ):
        again = await client.get(url)
        assert again.headers["etag"] == plain.headers["etag"], url
        assert again.text == plain.text, url
    assert "utm_" not in (await client.get("/?q=常州&utm_source=wechat")).text  # nor in the page's own links
    assert (await client.get("/?q=常州&level=B")).headers["etag"] != plain.headers["etag"]


async def test_a_flood_of_junk_urls_stores_one_page(city, client):
    store = client._transport.app.stores.get(caching.PAGE_STORE)
    await store.delete_all()
    for n in range(30):
        response = await client.get(f"/about?utm_source={n}&x{n}=1", headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200
    assert len(store._items) == 1


def test_every_public_page_declares_its_query_parameters():
    from litestar.handlers import HTTPRouteHandler

    from portal.public.pages import PublicController

    paths = {
        path
        for handler in vars(PublicController).values()
        if isinstance(handler, HTTPRouteHandler)
        for path in handler.paths
    }
    assert "/" in paths and len(paths) >= 7
    for path in paths:
        concrete = path.replace("{uscc:str}", "52320402MJ0000001X")
        assert caching.known_parameters(concrete) is not None, path
    assert caching.known_parameters("/workspace") is None and caching.known_parameters("/api/v1/institutions") is None


async def test_the_memory_store_caps_every_entrys_lifetime():
    store = caching.BoundedMemoryStore(entries=10, ttl=60)
    await store.set("page", b"x", expires_in=86400)
    await store.set("other", b"y")
    assert 0 < await store.expires_in("page") <= 60 and 0 < await store.expires_in("other") <= 60


@pytest.fixture
async def redis_pages():
    store = BudgetedRedisStore.with_client(url=REDIS_URL, namespace=f"test-pages-{uuid.uuid4().hex[:8]}").bounded(
        10, 60
    )
    yield store
    await store.delete_all()
    await store._redis.aclose()


@needs_redis
async def test_the_redis_page_store_keeps_at_most_its_key_budget_each_with_a_ttl(redis_pages):
    for n in range(50):
        await redis_pages.set(f"page-{n}", b"<html>", expires_in=86400)
    assert await redis_pages.stored_keys() == 5  # half the budget per TTL window: at most 10 at any moment
    assert await redis_pages.get("page-0") == b"<html>" and await redis_pages.get("page-49") is None
    assert 0 < await redis_pages.expires_in("page-0") <= 60


@needs_redis
async def test_pages_served_through_redis_share_one_key_and_stay_within_the_budget(city, monkeypatch):
    from credit.app import create_app
    from tests.conftest import running

    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "0")
    settings = dataclasses.replace(load_settings(), redis_url=REDIS_URL, page_store_max_keys=8)
    app = create_app(settings)
    store = app.stores.get(caching.PAGE_STORE)
    assert isinstance(store, BudgetedRedisStore)
    await store.delete_all()
    async with running(app) as http:
        try:
            for n in range(10):
                assert (
                    await http.get(f"/about?utm_source={n}", headers={"Accept-Encoding": "identity"})
                ).status_code == 200
            assert await store.stored_keys() == 1
            for n in range(20):
                assert (await http.get(f"/?q=home{n}", headers={"Accept-Encoding": "identity"})).status_code == 200
            assert await store.stored_keys() <= 8
        finally:
            # inside the app's life: after it the lifespan has closed the store, and a call would open a
            # connection nobody closes (a ResourceWarning in some later test)
            await store.delete_all()
