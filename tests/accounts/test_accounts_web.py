"""Signing in and out in the browser, sessions, CSRF, and bearer tokens on the API."""

import re

import pytest
from litestar import Request, get, post

from credit.accounts import service
from credit.accounts.auth import principal_of, requires_login, requires_roles
from credit.accounts.tables import User
from credit.app import create_app
from credit.audit.tables import AuditEntry
from tests.conftest import running

PASSWORD = "correct horse battery"


@get("/probe/page", guards=[requires_login], include_in_schema=False)
async def probe_page(request: Request) -> str:
    return f"hello {principal_of(request).username}"


@get("/api/v1/probe/admin", guards=[requires_roles("admin")], include_in_schema=False)
async def probe_admin(request: Request) -> dict:
    return {"username": principal_of(request).username}


@post("/api/v1/probe/write", guards=[requires_login], status_code=200, include_in_schema=False)
async def probe_write(request: Request) -> dict:
    principal = principal_of(request)
    return {"username": principal.username, "via": principal.via}


@pytest.fixture
async def http(db):
    """The real app plus three probe routes that need a signed-in user."""
    app = create_app()
    for handler in (probe_page, probe_admin, probe_write):
        app.register(handler)
    await service.create_user("alice", "city_regulator", PASSWORD, actor="tester")
    async with running(app) as client:
        yield client


def csrf_from(page) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)


async def sign_in(http, username="alice", password=PASSWORD, **extra):
    token = csrf_from(await http.get("/login"))
    return await http.post("/login", data={"username": username, "password": password, "_csrf_token": token, **extra})


async def failed_sign_ins() -> int:
    return await AuditEntry.count().where(AuditEntry.action == "user.login_failed").run()


def session_cookie(response) -> str | None:
    return next((c for c in response.headers.get_list("set-cookie") if c.startswith("ec_session=")), None)


async def test_signing_in_sets_an_httponly_samesite_session_cookie_and_opens_protected_pages(http):
    assert (await http.get("/probe/page")).status_code == 303
    response = await sign_in(http)
    assert response.status_code == 303 and response.headers["location"] == "/workspace"
    cookie = session_cookie(response).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = await http.get("/probe/page")
    assert page.status_code == 200 and page.text == "hello alice"


async def test_a_protected_page_sends_anonymous_visitors_to_sign_in_and_back(http):
    response = await http.get("/probe/page?x=1")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/probe/page%3Fx%3D1"
    assert (await sign_in(http, next="/probe/page?x=1")).headers["location"] == "/probe/page?x=1"


@pytest.mark.parametrize("next_path", ["//evil.example/", "https://evil.example/", "/\\evil.example", "workspace"])
async def test_after_sign_in_only_a_path_on_this_site_is_followed(http, next_path):
    assert (await sign_in(http, next=next_path)).headers["location"] == "/workspace"


async def test_a_wrong_password_is_said_next_to_the_field_and_the_username_is_kept(http):
    response = await sign_in(http, password="wrong password")
    assert response.status_code == 401 and session_cookie(response) is None
    assert 'id="password-error"' in response.text and "The username or password is incorrect" in response.text
    assert 'value="alice"' in response.text
    assert (await http.get("/probe/page")).status_code == 303


async def test_an_empty_field_is_named_and_nothing_is_checked(http):
    response = await sign_in(http, username="alice", password="")
    assert response.status_code == 422 and "Please enter your password" in response.text
    assert await failed_sign_ins() == 0


async def test_a_form_posted_without_a_csrf_token_is_refused_and_changes_nothing(http):
    await http.get("/login")  # has the CSRF cookie, but the form below leaves the token out
    refused = await http.post("/login", data={"username": "alice", "password": "wrong password"})
    assert refused.status_code == 403
    forged = await http.post("/login", data={"username": "alice", "password": PASSWORD, "_csrf_token": "x" * 128})
    assert forged.status_code == 403 and session_cookie(forged) is None
    assert await failed_sign_ins() == 0
    assert (await http.get("/probe/page")).status_code == 303


async def test_sign_out_needs_the_csrf_token_and_then_ends_the_session(http):
    await sign_in(http)
    assert (await http.post("/logout")).status_code == 403
    assert (await http.get("/probe/page")).status_code == 200
    token = http.cookies["ec_csrf"]
    assert (await http.post("/logout", data={"_csrf_token": token})).status_code == 303
    assert (await http.get("/probe/page")).status_code == 303


async def test_a_cookie_authenticated_api_post_still_needs_the_csrf_token(http):
    await sign_in(http)
    assert (await http.post("/api/v1/probe/write", json={})).status_code == 403
    allowed = await http.post("/api/v1/probe/write", json={}, headers={"x-csrftoken": http.cookies["ec_csrf"]})
    assert allowed.status_code == 200 and allowed.json() == {"username": "alice", "via": "session"}


async def test_the_session_id_changes_at_sign_in(http):
    http.cookies.set("ec_session", "planted-by-someone-else")
    response = await sign_in(http)
    assert "planted-by-someone-else" not in session_cookie(response)
    assert (await http.get("/probe/page")).status_code == 200


async def test_anonymous_public_pages_set_no_cookies(http):
    response = await http.get("/")
    assert response.status_code == 200 and not response.headers.get_list("set-cookie")


async def test_a_bearer_token_authenticates_an_api_request_without_csrf_and_a_revoked_one_does_not(http):
    issued = await service.issue_token("alice", actor="tester")
    headers = {"Authorization": f"Bearer {issued.token}"}
    me = await http.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.json()["username"] == "alice" and me.json()["via"] == "token"
    assert (await http.post("/api/v1/probe/write", json={}, headers=headers)).status_code == 200
    await service.revoke_token(issued.token_id, actor="tester")
    refused = await http.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401 and refused.headers["content-type"].startswith("application/problem+json")
    assert (await http.post("/api/v1/probe/write", json={}, headers=headers)).status_code == 401


async def test_a_bad_bearer_token_is_not_rescued_by_a_session_cookie(http):
    await sign_in(http)
    response = await http.post("/api/v1/probe/write", json={}, headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401


async def test_an_api_caller_without_credentials_gets_401_problem_json(http):
    response = await http.get("/api/v1/me")
    assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


async def test_an_anonymous_api_post_gets_401_not_a_csrf_refusal(http):
    response = await http.post("/api/v1/probe/write", json={})
    assert response.status_code == 401 and response.json()["status"] == 401


async def test_a_role_guard_refuses_other_roles_with_403(http):
    issued = await service.issue_token("alice", actor="tester")
    response = await http.get("/api/v1/probe/admin", headers={"Authorization": f"Bearer {issued.token}"})
    assert response.status_code == 403 and response.json()["status"] == 403


async def test_a_deactivated_user_is_treated_as_anonymous(http):
    await sign_in(http)
    await User.update({User.active: False}).where(User.username == "alice").run()
    assert (await http.get("/probe/page")).status_code == 303


async def test_a_signed_in_user_opening_the_login_page_goes_straight_on(http):
    await sign_in(http)
    response = await http.get("/login?next=/probe/page")
    assert response.status_code == 303 and response.headers["location"] == "/probe/page"


def test_cookies_are_secure_in_production_and_sessions_go_to_redis_when_configured():
    from dataclasses import replace

    from litestar.stores.memory import MemoryStore
    from litestar.stores.redis import RedisStore

    from credit.accounts.sessions import csrf_config, session_middleware, session_store
    from credit.settings import settings

    production = replace(settings, environment="production", redis_url="redis://127.0.0.1:6379/0")
    assert session_middleware(production).kwargs["backend"].config.secure
    assert csrf_config(production).cookie_secure and csrf_config(production).cookie_httponly
    assert isinstance(session_store(production), RedisStore)
    development = replace(settings, environment="development", redis_url=None)
    assert not session_middleware(development).kwargs["backend"].config.secure
    assert isinstance(session_store(development), MemoryStore)
