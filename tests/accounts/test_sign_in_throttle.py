"""Failed sign-ins slow and refuse the client that makes them, for that account only: nobody can lock a
regulator out from outside. Counts live in the shared store (memory, or Redis when REDIS_URL is set)."""

import time
from dataclasses import replace

import httpx
import pytest

from credit.accounts import service, throttle
from credit.accounts.throttle import LoginThrottle, MemoryCountingStore, throttle_store
from credit.app import create_app
from credit.settings import settings
from credit.stores import close_stores
from tests.accounts.test_accounts_web import csrf_from, session_cookie
from tests.conftest import REDIS_URL, running

PASSWORD = "correct horse battery"
STORES = ["memory", pytest.param("redis", marks=pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set"))]


@pytest.fixture(params=STORES)
async def store(request):
    if request.param == "memory":
        yield MemoryCountingStore()
        return
    redis = throttle_store(replace(settings, redis_url=REDIS_URL))
    await redis.delete_all()
    yield redis
    await redis.delete_all()
    await close_stores([redis])


async def fail(store, client: str, username: str = "alice", times: int = 1):
    for _ in range(times):
        with pytest.raises(service.InvalidCredentials):
            await service.authenticate(username, "wrong password", throttle=LoginThrottle(store, client, username))


async def test_five_failures_from_one_address_refuse_that_address_even_with_the_right_password(db, store):
    await service.create_user("alice", "city_regulator", PASSWORD, actor="t")
    await fail(store, "203.0.113.9", times=throttle.CLIENT_FAILURES)
    with pytest.raises(service.TooManyFailedLogins) as refused:
        await service.authenticate("alice", PASSWORD, throttle=LoginThrottle(store, "203.0.113.9", "alice"))
    assert 0 < (refused.value.until - service.now_utc()).total_seconds() <= throttle.CLIENT_WINDOW.total_seconds()


async def test_an_attacker_on_one_address_cannot_stop_the_regulator_signing_in_from_another(db, store):
    await service.create_user("alice", "city_regulator", PASSWORD, actor="t")
    await fail(store, "203.0.113.9", times=throttle.CLIENT_FAILURES)
    for _ in range(3):
        with pytest.raises(service.TooManyFailedLogins):
            await service.authenticate("alice", "more guesses", throttle=LoginThrottle(store, "203.0.113.9", "alice"))
    principal = await service.authenticate("alice", PASSWORD, throttle=LoginThrottle(store, "10.1.2.3", "alice"))
    assert principal.username == "alice"


async def test_refusing_an_address_for_one_account_leaves_its_other_accounts_alone(db, store):
    for name in ("alice", "bob"):
        await service.create_user(name, "city_regulator", PASSWORD, actor="t")
    await fail(store, "10.1.2.3", "alice", times=throttle.CLIENT_FAILURES)
    assert (
        await service.authenticate("bob", PASSWORD, throttle=LoginThrottle(store, "10.1.2.3", "bob"))
    ).username == "bob"


async def test_unknown_usernames_are_throttled_like_real_ones(db, store):
    await fail(store, "203.0.113.9", "nobody", times=throttle.CLIENT_FAILURES)
    with pytest.raises(service.TooManyFailedLogins):
        await service.authenticate("nobody", PASSWORD, throttle=LoginThrottle(store, "203.0.113.9", "nobody"))


async def test_a_good_sign_in_clears_its_own_address_count(db, store):
    await service.create_user("alice", "city_regulator", PASSWORD, actor="t")
    await fail(store, "10.1.2.3", times=throttle.CLIENT_FAILURES - 1)
    await service.authenticate("alice", PASSWORD, throttle=LoginThrottle(store, "10.1.2.3", "alice"))
    await fail(store, "10.1.2.3", times=throttle.CLIENT_FAILURES - 1)
    assert (
        await service.authenticate("alice", PASSWORD, throttle=LoginThrottle(store, "10.1.2.3", "alice"))
    ).username == "alice"


async def test_an_account_attacked_from_many_addresses_is_slowed_never_refused(db, store, monkeypatch):
    monkeypatch.setattr(throttle, "SLOWDOWN_SECONDS", 0.3)
    await service.create_user("alice", "city_regulator", PASSWORD, actor="t")
    for n in range(throttle.ACCOUNT_CEILING):
        await fail(store, f"198.51.100.{n}")
    started = time.monotonic()
    principal = await service.authenticate("alice", PASSWORD, throttle=LoginThrottle(store, "10.1.2.3", "alice"))
    assert principal.username == "alice" and time.monotonic() - started >= 0.3


async def test_failures_counted_at_the_same_moment_are_all_counted(db, store):
    import asyncio

    counts = await asyncio.gather(*(store.incr("burst", throttle.CLIENT_WINDOW) for _ in range(50)))
    assert sorted(counts) == list(range(1, 51))


def client_on(app, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 50000)), base_url="http://testserver"
    )


async def sign_in_from(http, password: str):
    token = csrf_from(await http.get("/login"))
    return await http.post("/login", data={"username": "alice", "password": password, "_csrf_token": token})


async def test_on_the_login_page_an_attacker_is_refused_and_the_regulator_elsewhere_signs_in(db):
    await service.create_user("alice", "city_regulator", PASSWORD, actor="t")
    app = create_app()
    async with running(app), client_on(app, "203.0.113.9") as attacker, client_on(app, "10.1.2.3") as regulator:
        for _ in range(throttle.CLIENT_FAILURES):
            assert (await sign_in_from(attacker, "guess guess guess")).status_code == 401
        refused = await sign_in_from(attacker, PASSWORD)
        assert refused.status_code == 429 and session_cookie(refused) is None
        assert "Too many failed sign-ins from this address" in refused.text and int(refused.headers["retry-after"]) > 0
        welcomed = await sign_in_from(regulator, PASSWORD)
        assert welcomed.status_code == 303 and welcomed.headers["location"] == "/workspace"
        assert (await regulator.get("/api/v1/me")).json()["username"] == "alice"
