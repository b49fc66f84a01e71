"""The home's JSON API from a browser session (issue 18): `/api/v1/my` also answers the session of the /my pages, and
a write of that session needs the session's own CSRF token (credit.accounts.sessions): with it the write succeeds;
without it, with a wrong one, or sent from another site (Origin / Sec-Fetch-Site), it is refused with 403 and
nothing is written. A read needs only the cookie. An Authorization header that is no valid token does not open the
session's writes either (the header alone then decides: 401).
"""

from __future__ import annotations

import pytest

from credit.audit.tables import AuditEntry
from credit.registry.tables import ChangeRequest
from tests.institution.test_home_self_service import homes, open_account, sign_in_home  # noqa: F401
from tests.workspace.workspace_helpers import csrf

CHANGE = {"field": "phone", "requested_value": "0519-81234567"}


@pytest.fixture
async def session(client, homes):  # noqa: F811
    """A home's user signed in through the login form (initial password replaced): the client holds the cookie."""
    await sign_in_home(client, await open_account(client, homes))
    return client


async def nothing_written() -> bool:
    actions = [r["action"] for r in await AuditEntry.select(AuditEntry.action).run()]
    return await ChangeRequest.count().run() == 0 and "registry_change.request" not in actions


async def test_a_read_needs_only_the_session_cookie(session):
    record = await session.get("/api/v1/my")
    assert record.status_code == 200 and record.json()["institution"]["name"] == "康乐养老院1"
    assert (await session.get("/api/v1/my/changes")).json() == []


async def test_a_write_with_the_sessions_csrf_token_succeeds(session):
    done = await session.post("/api/v1/my/changes", json=CHANGE, headers={"x-csrftoken": csrf(session)})
    assert done.status_code == 201, done.text
    assert done.json()["requested_by"] == "kangle.zhang"
    assert await ChangeRequest.count().run() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-csrftoken": "x" * 64},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        {"Content-Type": "text/plain"},  # what a cross-site form may send without a preflight
    ],
    ids=["no-token", "wrong-token", "cross-site", "text-plain"],
)
async def test_a_session_write_without_its_token_is_refused_and_writes_nothing(session, headers):
    refused = await session.post("/api/v1/my/changes", json=CHANGE, headers=headers)
    assert refused.status_code == 403
    assert await nothing_written()


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}],
    ids=["origin", "fetch-site", "sibling-site"],
)
async def test_a_write_from_another_site_is_refused_even_with_the_token(session, headers):
    refused = await session.post("/api/v1/my/changes", json=CHANGE, headers={"x-csrftoken": csrf(session), **headers})
    assert refused.status_code == 403
    assert await nothing_written()


async def test_a_write_from_the_sites_own_pages_passes_the_origin_check(session):
    headers = {"x-csrftoken": csrf(session), "Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    done = await session.post("/api/v1/my/changes", json=CHANGE, headers=headers)
    assert done.status_code == 201, done.text


async def test_a_bogus_authorization_header_does_not_open_the_sessions_writes(session):
    refused = await session.post("/api/v1/my/changes", json=CHANGE, headers={"Authorization": "Bearer forged"})
    assert refused.status_code == 401
    assert await nothing_written()


async def test_the_browsers_own_fetch_site_wins_over_a_host_a_reverse_proxy_rewrote(session):
    # nginx's default `proxy_set_header Host $proxy_host` hands the app the upstream's host, not the site's
    headers = {
        "x-csrftoken": csrf(session),
        "Origin": "https://eldercredit.example.gov.cn",
        "Sec-Fetch-Site": "same-origin",
    }
    done = await session.post("/api/v1/my/changes", json=CHANGE, headers=headers)
    assert done.status_code == 201, done.text
