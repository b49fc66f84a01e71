"""Account rules: who can be created, sign-in, and API tokens."""

import pytest

from credit.accounts import service
from credit.accounts.tables import ApiToken, User
from credit.audit.tables import AuditEntry
from credit.errors import Duplicate, ValidationFailed
from credit.seeding import ensure_agencies

PASSWORD = "correct horse battery"


async def make_user(username="alice", role="city_regulator", **extra):
    return await service.create_user(username, role, PASSWORD, actor="tester", **extra)


async def test_a_created_user_is_stored_hashed_and_audited(db):
    user = await make_user()
    row = await User.select().where(User.id == user["id"]).first().run()
    assert row["password_hash"].startswith("$argon2") and PASSWORD not in row["password_hash"]
    audit = await AuditEntry.select().run()
    assert [(a["action"], a["entity_id"]) for a in audit] == [("user.create", user["id"])]
    assert "password" not in str(audit[0]["changes"])


@pytest.mark.parametrize(
    "username, role, extra, field",
    [
        ("bob", "superuser", {}, "role"),
        ("bob", "district_regulator", {}, "district_code"),
        ("bob", "district_regulator", {"district_code": "999999"}, "district_code"),
        ("bob", "agency_officer", {"agency_code": "no_such_agency"}, "agency_code"),
        ("bob", "city_regulator", {"district_code": "320402"}, "district_code"),
        ("Bob Smith", "admin", {}, "username"),
    ],
)
async def test_an_invalid_user_is_refused_with_the_field_and_nothing_is_written(db, username, role, extra, field):
    with pytest.raises(ValidationFailed) as refused:
        await service.create_user(username, role, PASSWORD, actor="tester", **extra)
    assert field in [e.field for e in refused.value.errors]
    assert await User.count().run() == 0 and await AuditEntry.count().run() == 0


async def test_a_username_is_unique(db):
    await make_user()
    with pytest.raises(Duplicate):
        await make_user()
    assert await User.count().run() == 1


async def test_an_agency_officer_belongs_to_an_existing_agency_and_a_short_password_is_refused(db):
    await ensure_agencies()
    officer = await make_user("fire1", "agency_officer", agency_code="fire_rescue")
    principal = await service.authenticate("fire1", PASSWORD)
    assert officer["agency_code"] == principal.agency_code == "fire_rescue"
    with pytest.raises(ValidationFailed):
        await service.create_user("fire2", "agency_officer", "short", agency_code="fire_rescue", actor="t")


async def test_a_good_sign_in_after_a_wrong_password_records_the_time(db):
    user = await make_user("tianning", "district_regulator", district_code="320402")
    with pytest.raises(service.InvalidCredentials):
        await service.authenticate("tianning", "wrong password")
    principal = await service.authenticate("tianning", PASSWORD)
    assert (principal.user_id, principal.role, principal.district_code, principal.via) == (
        user["id"],
        "district_regulator",
        "320402",
        "session",
    )
    row = await User.select().where(User.id == user["id"]).first().run()
    assert row["last_login_at"] is not None


async def test_many_failed_sign_ins_never_lock_the_account(db):
    await make_user()
    for _ in range(10):
        with pytest.raises(service.InvalidCredentials):
            await service.authenticate("alice", "wrong password")
    assert (await service.authenticate("alice", PASSWORD)).username == "alice"


async def test_unknown_and_deactivated_users_cannot_sign_in(db):
    await make_user()
    await User.update({User.active: False}).where(User.username == "alice").run()
    for username in ("alice", "nobody"):
        with pytest.raises(service.InvalidCredentials):
            await service.authenticate(username, PASSWORD)


async def test_a_token_is_stored_only_as_a_hash_and_stops_working_when_revoked(db):
    await make_user()
    issued = await service.issue_token("alice", actor="tester")
    stored = await ApiToken.select().first().run()
    assert issued.token not in str(stored) and stored["prefix"] == issued.token[:12]
    principal = await service.principal_for_token(issued.token)
    assert principal.username == "alice" and principal.via == "token"
    assert (await ApiToken.select().first().run())["last_used_at"] is not None
    await service.revoke_token(issued.token_id, actor="tester")
    assert await service.principal_for_token(issued.token) is None
    actions = [a["action"] for a in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.seq).run()]
    assert actions == ["user.create", "token.issue", "token.revoke"]


async def test_a_deactivated_users_token_is_refused(db):
    await make_user()
    issued = await service.issue_token("alice", actor="tester")
    await User.update({User.active: False}).where(User.username == "alice").run()
    assert await service.principal_for_token(issued.token) is None
    assert await service.principal_for_token("ect_not-a-token") is None
