"""`eldercredit users deactivate` and `users tokens list | revoke`: what they do to sessions, tokens and
sign-in, at once, and that each is audited."""

import asyncio

from credit.accounts import lifecycle, service
from credit.accounts.tables import ApiToken, User
from credit.audit.tables import AuditEntry
from credit.cli import main
from tests.accounts.test_accounts_cli import cli_db  # noqa: F401  (fixture)
from tests.accounts.test_accounts_web import http, sign_in  # noqa: F401  (fixture)

PASSWORD = "correct horse battery"


def actions() -> list[str]:
    return [a["action"] for a in asyncio.run(AuditEntry.select(AuditEntry.action).order_by(AuditEntry.seq).run())]


async def test_deactivating_a_user_ends_their_session_and_tokens_at_once_and_refuses_sign_in(http):  # noqa: F811
    assert (await sign_in(http)).status_code == 303
    issued = await service.issue_token("alice", actor="tester")
    headers = {"Authorization": f"Bearer {issued.token}"}
    assert (await http.get("/probe/page")).status_code == 200
    assert (await http.get("/api/v1/me", headers=headers)).status_code == 200
    assert await lifecycle.deactivate_user("alice", actor="admin", reason="left the bureau")
    assert (await http.get("/probe/page")).status_code == 303  # the open session: sent to sign in
    assert (await http.get("/api/v1/me", headers=headers)).status_code == 401
    http.cookies.clear()
    assert (await sign_in(http)).status_code == 401
    user = await User.select().first().run()
    assert not user["active"] and user["deactivated_at"] is not None
    assert (await ApiToken.select().first().run())["revoked_at"] is not None
    entry = await AuditEntry.select().where(AuditEntry.action == "user.deactivate").first().run()
    assert entry["actor"] == "admin" and "left the bureau" in str(entry["changes"])


def test_users_deactivate_switches_the_user_off_once_and_revokes_every_token(cli_db, capsys):  # noqa: F811
    asyncio.run(service.create_user("alice", "city_regulator", PASSWORD, actor="t"))
    tokens = [asyncio.run(service.issue_token("alice", actor="t")) for _ in range(2)]
    assert main(["users", "deactivate", "alice", "--reason", "retired"]) == 0
    assert "Deactivated alice" in capsys.readouterr().out
    assert all(asyncio.run(service.principal_for_token(t.token)) is None for t in tokens)
    assert asyncio.run(ApiToken.count().where(ApiToken.revoked_at.is_null()).run()) == 0
    assert main(["users", "deactivate", "alice"]) == 0
    assert "already deactivated" in capsys.readouterr().out
    assert actions().count("user.deactivate") == 1 and actions().count("token.revoke") == 2
    assert main(["users", "deactivate", "nobody"]) == 1
    assert "no user 'nobody'" in capsys.readouterr().err


def test_users_tokens_list_shows_id_dates_and_state_never_the_token(cli_db, capsys):  # noqa: F811
    asyncio.run(service.create_user("alice", "city_regulator", PASSWORD, actor="t"))
    issued = asyncio.run(service.issue_token("alice", actor="t"))
    capsys.readouterr()
    assert main(["users", "tokens", "list", "alice"]) == 0
    out = capsys.readouterr().out
    assert issued.token not in out and issued.token[12:20] not in out
    for shown in (
        "id",
        "created",
        "expires",
        "last used",
        str(issued.token_id),
        issued.prefix,
        "active",
        issued.expires_at.isoformat(timespec="minutes"),
    ):
        assert shown in out, shown


def test_users_tokens_revoke_one_token_leaves_the_others_working(cli_db, capsys):  # noqa: F811
    asyncio.run(service.create_user("alice", "city_regulator", PASSWORD, actor="t"))
    first, second = (asyncio.run(service.issue_token("alice", actor="t")) for _ in range(2))
    assert main(["users", "tokens", "revoke", "alice", "--token-id", str(first.token_id)]) == 0
    assert f"id {first.token_id}" in capsys.readouterr().out
    assert asyncio.run(service.principal_for_token(first.token)) is None
    assert asyncio.run(service.principal_for_token(second.token)).username == "alice"
    assert actions()[-1] == "token.revoke"


def test_users_tokens_revoke_all_and_refuses_a_token_of_someone_else(cli_db, capsys):  # noqa: F811
    for name in ("alice", "bob"):
        asyncio.run(service.create_user(name, "city_regulator", PASSWORD, actor="t"))
    alices = [asyncio.run(service.issue_token("alice", actor="t")) for _ in range(2)]
    bobs = asyncio.run(service.issue_token("bob", actor="t"))
    assert main(["users", "tokens", "revoke", "alice", "--token-id", str(bobs.token_id)]) == 1
    assert "has no API token" in capsys.readouterr().err
    assert asyncio.run(service.principal_for_token(bobs.token)).username == "bob"
    assert main(["users", "tokens", "revoke", "alice", "--all"]) == 0
    assert "Revoked 2 API token(s)" in capsys.readouterr().out
    assert all(asyncio.run(service.principal_for_token(t.token)) is None for t in alices)
    assert asyncio.run(service.principal_for_token(bobs.token)).username == "bob"
    assert main(["users", "tokens", "revoke", "alice", "--all"]) == 0
    assert "nothing changed" in capsys.readouterr().out


def test_users_tokens_revoke_needs_a_token_id_or_all(cli_db, capsys):  # noqa: F811
    import pytest

    with pytest.raises(SystemExit) as refused:
        main(["users", "tokens", "revoke", "alice"])
    assert refused.value.code == 2 and "--token-id" in capsys.readouterr().err
