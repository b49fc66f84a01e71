"""Sessions end SESSION_MAX_HOURS after sign-in however busy, and a CSRF token works only in its own session."""

import json
import time

from credit.accounts.sessions import SESSION_STORE, session_middleware
from credit.settings import settings
from tests.accounts.test_accounts_web import http, sign_in  # noqa: F401  (fixture)


async def test_a_csrf_token_from_another_session_is_refused(http):  # noqa: F811
    await sign_in(http)
    first_token = http.cookies["ec_csrf"]
    http.cookies.clear()
    await sign_in(http)
    second_token = http.cookies["ec_csrf"]
    assert first_token != second_token
    http.cookies.set("ec_csrf", first_token)  # a planted cookie with its matching token: still refused
    assert (await http.post("/api/v1/probe/write", json={}, headers={"x-csrftoken": first_token})).status_code == 403
    assert (await http.post("/logout", data={"_csrf_token": first_token})).status_code == 403
    assert (await http.post("/logout", data={"_csrf_token": second_token})).status_code == 303


async def test_the_csrf_token_from_before_sign_in_does_not_survive_it(http):  # noqa: F811
    await http.get("/login")
    before = http.cookies["ec_csrf"]
    await sign_in(http)
    assert http.cookies["ec_csrf"] != before
    assert (await http.post("/api/v1/probe/write", json={}, headers={"x-csrftoken": before})).status_code == 403


async def test_a_busy_session_ends_session_max_hours_after_sign_in(http):  # noqa: F811
    await sign_in(http)
    assert (await http.get("/probe/page")).status_code == 200
    store = http._transport.app.stores.get(SESSION_STORE)
    session_id = http.cookies["ec_session"]
    data = json.loads(await store.get(session_id))
    data["signed_in_at"] = time.time() - settings.session_max_hours * 3600 - 1
    await store.set(session_id, json.dumps(data).encode(), expires_in=3600)
    assert (await http.get("/probe/page")).status_code == 303
    assert await store.get(session_id) is None


def test_the_idle_timeout_and_absolute_lifetime_come_from_the_settings():
    config = session_middleware(settings).kwargs["backend"].config
    assert config.max_age == 60 * 60 and config.absolute_max_age == 12 * 3600
