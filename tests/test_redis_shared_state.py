"""State that replicas share lives in Redis (DESIGN.md, "Stack" and "Scale": sessions, rate-limit counters and
the page store go to Redis when REDIS_URL is set): two app instances on one Redis behave as one site.

Runs when TEST_REDIS_URL is set (.ci/run sets it). Nothing here flushes Redis: sessions have random ids, each
test counts its rate limit under an address of its own, and the page test reads back the key it wrote.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from credit.accounts import service
from credit.accounts.sessions import SESSION_STORE
from credit.accounts.throttle import LOGIN_THROTTLE_STORE
from credit.app import create_app
from credit.ratelimit import RATE_LIMIT_STORE
from credit.settings import load_settings
from credit.stores import BudgetedRedisStore, close_stores
from portal.public import caching
from tests.conftest import REDIS_URL, running

# REDIS_URL is this xdist worker's own Redis database (tests.conftest.worker_redis_url).
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")
PASSWORD = "correct horse battery"
STORES = (SESSION_STORE, RATE_LIMIT_STORE, LOGIN_THROTTLE_STORE, caching.PAGE_STORE)


def replica(**changes):
    """An app instance as one replica of several: its own process state, the shared Redis."""
    return create_app(dataclasses.replace(load_settings(), redis_url=REDIS_URL, **changes))


def own_address() -> str:
    """A private address of this test's own, so parallel tests never share a rate-limit counter."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


@contextlib.asynccontextmanager
async def two_replicas(address: str, **changes) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """Two app instances on the same Redis, each with a client calling from `address`. Only the first runs the
    lifespan: in one test process both share the one database engine, whose pool the first opens."""
    first, second = replica(**changes), replica(**changes)
    try:
        async with running(first), client_on(first, address) as one, client_on(second, address) as other:
            yield one, other
    finally:
        await close_stores(second.stores.get(name) for name in STORES)  # no lifespan closed them


def client_on(app, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 50000)), base_url="http://testserver"
    )


async def sign_in(http: httpx.AsyncClient) -> httpx.Response:
    page = await http.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    return await http.post("/login", data={"username": "alice", "password": PASSWORD, "_csrf_token": token})


async def test_a_session_made_on_one_replica_is_valid_on_the_other_and_ends_on_both(db, monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "0")
    await service.create_user("alice", "city_regulator", PASSWORD, actor="tester")
    async with two_replicas(own_address()) as (one, other):
        assert (await sign_in(one)).status_code == 303
        other.cookies.update(one.cookies)
        assert (await other.get("/workspace")).status_code == 200  # signed in there too
        assert (await other.post("/logout", data={"_csrf_token": other.cookies["ec_csrf"]})).status_code == 303
        signed_out = await one.get("/workspace")  # `one` still sends the session cookie it was given
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/login")


async def test_a_session_of_process_memory_is_unknown_to_another_replica(db, monkeypatch):
    # The contrast that shows the test above proves something: without Redis, replicas do not agree.
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "0")
    await service.create_user("alice", "city_regulator", PASSWORD, actor="tester")
    first, second = create_app(load_settings()), create_app(load_settings())
    async with running(first) as one, client_on(second, "127.0.0.1") as other:
        assert (await sign_in(one)).status_code == 303
        other.cookies.update(one.cookies)
        assert (await other.get("/workspace")).status_code == 303


async def test_a_rate_limit_counts_requests_to_both_replicas(db, monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "4")
    async with two_replicas(own_address()) as (one, other):
        answers = [await (one if n % 2 else other).get("/api/v1/listings") for n in range(5)]
        async with client_on(one._transport.app, own_address()) as stranger:
            elsewhere = await stranger.get("/api/v1/listings")
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 429]
    assert elsewhere.status_code == 200  # the counter is per caller, not one for everybody


async def test_a_page_rendered_on_one_replica_is_served_from_redis_by_the_other(db, monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "0")
    async with two_replicas(own_address()) as (one, other):
        store = other._transport.app.stores.get(caching.PAGE_STORE)
        assert isinstance(store, BudgetedRedisStore)
        await store.delete_all()  # this namespace only: nothing stored before this test may answer for it
        first = await one.get("/about", headers={"Accept-Encoding": "identity"})
        renders = []
        monkeypatch.setattr("portal.public.pages.render", lambda *a, **k: renders.append(a) or b"")
        again = await other.get("/about", headers={"Accept-Encoding": "identity"})
    assert first.status_code == again.status_code == 200
    assert again.text == first.text and renders == []
