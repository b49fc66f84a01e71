"""API tokens: they expire TOKEN_TTL_DAYS after issue (an expired one is a clear 401 problem+json), the
tokens issued before expiry existed get 90 days from their issue, and they are listed without the secret."""

from dataclasses import replace
from datetime import timedelta

import pytest

from credit.accounts import lifecycle, service
from credit.accounts.tables import ApiToken
from credit.timeutil import now_utc
from migrations.eldercredit_0006_account_lifecycle import backfill_token_expiry
from tests.accounts.test_accounts_web import http  # noqa: F401  (fixture)

PASSWORD = "correct horse battery"


async def test_a_token_expires_token_ttl_days_after_it_was_issued(db, monkeypatch):
    monkeypatch.setattr(service, "settings", replace(service.settings, token_ttl_days=30))
    await service.create_user("alice", "city_regulator", PASSWORD, actor="tester")
    issued = await service.issue_token("alice", actor="tester")
    stored = await ApiToken.select().first().run()
    assert stored["expires_at"] == issued.expires_at
    assert timedelta(days=30) - timedelta(minutes=1) < stored["expires_at"] - stored["created_at"] <= timedelta(days=30)


async def test_the_default_token_lifetime_is_ninety_days(db):
    await service.create_user("alice", "city_regulator", PASSWORD, actor="tester")
    issued = await service.issue_token("alice", actor="tester")
    assert timedelta(days=89, hours=23) < issued.expires_at - now_utc() <= timedelta(days=90)


async def test_an_expired_token_is_refused_with_a_401_problem_saying_it_expired(http):  # noqa: F811
    issued = await service.issue_token("alice", actor="tester")
    headers = {"Authorization": f"Bearer {issued.token}"}
    assert (await http.get("/api/v1/me", headers=headers)).status_code == 200
    await (
        ApiToken.update({ApiToken.expires_at: now_utc() - timedelta(seconds=1)})
        .where(ApiToken.id == issued.token_id)
        .run()
    )
    refused = await http.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401 and refused.headers["content-type"].startswith("application/problem+json")
    body = refused.json()
    assert body["title"] == "API token expired" and "expired" in body["detail"]
    assert body["errors"] == [{"field": "Authorization", "reason": "the token has expired"}]
    assert 'error="invalid_token"' in refused.headers["www-authenticate"]
    write = await http.post("/api/v1/probe/write", json={}, headers=headers)
    assert write.status_code == 401 and write.json()["title"] == "API token expired"


async def test_a_token_with_no_expiry_counts_as_expired(db):
    await service.create_user("alice", "city_regulator", PASSWORD, actor="tester")
    issued = await service.issue_token("alice", actor="tester")
    await ApiToken.update({ApiToken.expires_at: None}).where(ApiToken.id == issued.token_id).run()
    with pytest.raises(service.TokenExpired):
        await service.principal_for_token(issued.token)


async def test_tokens_issued_before_expiry_existed_get_ninety_days_from_their_issue(db):
    await service.create_user("alice", "city_regulator", PASSWORD, actor="tester")
    old = await service.issue_token("alice", actor="tester")
    issued_on = now_utc() - timedelta(days=100)
    await (
        ApiToken.update({ApiToken.created_at: issued_on, ApiToken.expires_at: None})
        .where(ApiToken.id == old.token_id)
        .run()
    )
    recent = await service.issue_token("alice", actor="tester")
    await ApiToken.update({ApiToken.expires_at: None}).where(ApiToken.id == recent.token_id).run()
    await backfill_token_expiry()
    rows = {r["id"]: r for r in await ApiToken.select().run()}
    assert rows[old.token_id]["expires_at"] == issued_on + timedelta(days=90)
    assert rows[recent.token_id]["expires_at"] == rows[recent.token_id]["created_at"] + timedelta(days=90)
    with pytest.raises(service.TokenExpired):
        await service.principal_for_token(old.token)
    assert (await service.principal_for_token(recent.token)).username == "alice"


async def test_listing_tokens_shows_dates_and_state_but_never_the_secret(db):
    await service.create_user("alice", "city_regulator", PASSWORD, actor="tester")
    live = await service.issue_token("alice", actor="tester")
    gone = await service.issue_token("alice", actor="tester")
    await lifecycle.revoke_tokens("alice", token_id=gone.token_id, actor="tester")
    listed = await lifecycle.list_tokens("alice")
    assert [(t["id"], t["state"]) for t in listed] == [(live.token_id, "active"), (gone.token_id, "revoked")]
    assert set(listed[0]) == {"id", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at", "state"}
    assert live.token not in str(listed) and gone.token not in str(listed)
