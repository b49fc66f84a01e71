"""`eldercredit users create | token` and `eldercredit audit verify`, as an operator runs them."""

import asyncio
import io

import pytest

from credit.accounts import service
from credit.accounts.tables import User
from credit.audit.tables import AuditEntry
from credit.cli import main
from credit.db import engine_for_url, use_engine
from tests.conftest import ENGINES, empty_all_tables


@pytest.fixture(params=ENGINES)
def cli_db(request, database_urls):
    """Plain (sync) tests, because the CLI runs its own event loop: an empty database per engine."""
    engine = engine_for_url(database_urls[request.param])
    use_engine(engine)
    asyncio.run(empty_all_tables(engine))
    return request.param


def count(table) -> int:
    return asyncio.run(table.count().run())


@pytest.mark.parametrize(
    "args, reason",
    [
        (["--role", "superuser"], "role: is not a role"),
        (["--role", "district_regulator", "--district", "999999"], "district_code: is not a known district code"),
        (["--role", "district_regulator"], "district_code: a district regulator needs a known district code"),
        (["--role", "agency_officer", "--agency", "nowhere"], "agency_code: is not an existing agency code"),
    ],
)
def test_users_create_refuses_a_bad_user_with_the_reason_and_writes_nothing(cli_db, capsys, args, reason):
    assert main(["users", "create", "bob", *args]) == 1
    captured = capsys.readouterr()
    assert reason in captured.err and "not created" in captured.err and "Password" not in captured.out
    assert count(User) == 0 and count(AuditEntry) == 0


def test_users_create_prints_a_working_password_once(cli_db, capsys):
    assert main(["users", "create", "tianning", "--role", "district_regulator", "--district", "320402"]) == 0
    out = capsys.readouterr().out
    password = out.split("Password (shown once): ")[1].strip()
    principal = asyncio.run(service.authenticate("tianning", password))
    assert principal.district_code == "320402"
    assert main(["users", "create", "tianning", "--role", "admin"]) == 1
    assert "username is taken" in capsys.readouterr().err and count(User) == 1


def test_users_create_can_read_the_password_from_stdin(cli_db, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["users", "create", "root", "--role", "admin", "--password-stdin"]) == 0
    assert "a long enough password" not in capsys.readouterr().out
    assert asyncio.run(service.authenticate("root", "a long enough password")).role == "admin"


def test_users_token_prints_a_bearer_token_that_authenticates(cli_db, capsys):
    asyncio.run(service.create_user("alice", "city_regulator", "correct horse battery", actor="t"))
    assert main(["users", "token", "alice"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert asyncio.run(service.principal_for_token(token)).username == "alice"
    assert main(["users", "token", "nobody"]) == 1


def test_audit_verify_passes_an_intact_chain_and_names_the_first_edited_entry(cli_db, capsys):
    for name in ("alice", "bob", "carol"):
        asyncio.run(service.create_user(name, "city_regulator", "correct horse battery", actor="t"))
    assert main(["audit", "verify"]) == 0
    assert "3 entries verified, chain intact" in capsys.readouterr().out
    asyncio.run(AuditEntry.update({AuditEntry.actor: "someone else"}).where(AuditEntry.seq == 2).run())
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "entry 2" in err and "edited" in err
