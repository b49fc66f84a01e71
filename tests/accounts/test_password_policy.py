"""The password policy: at least 12 characters, not only whitespace, not a common password, not containing
the username; each broken rule is named, in the service, the CLI and the API, and nothing is written."""

import asyncio
import io

import pytest

from credit.accounts import service
from credit.accounts.password_policy import common_passwords, password_problems
from credit.accounts.passwords import generate_password
from credit.accounts.tables import User
from credit.audit.tables import AuditEntry
from credit.cli import main
from credit.errors import ValidationFailed
from tests.accounts.test_accounts_cli import cli_db  # noqa: F401  (fixture)
from tests.accounts.test_accounts_web import http, sign_in  # noqa: F401  (fixture)

PASSWORD = "correct horse battery"


@pytest.mark.parametrize(
    "password, rule",
    [
        ("short pass", "rule 'length'"),
        (" " * 16, "rule 'not blank'"),
        ("\t\n  \u3000        ", "rule 'not blank'"),
        ("qwertyuiop123", "rule 'not common'"),
        ("Password123456", "rule 'not common'"),
        ("1qaz2wsx3edc", "rule 'not common'"),
        ("woaini1314520", "rule 'not common'"),
        ("my name is ALICE, ok?", "rule 'not the username'"),
    ],
)
def test_a_password_breaking_a_rule_is_refused_naming_the_rule(password, rule):
    problems = password_problems(password, "alice")
    assert any(problem.startswith(rule) for problem in problems), problems


def test_a_long_uncommon_password_without_the_username_passes():
    assert password_problems(PASSWORD, "alice") == []
    assert password_problems("correct-horse-battery", "tianning") == []


def test_the_common_password_list_ships_with_the_package_and_holds_thousands_of_long_entries():
    from importlib.resources import files

    assert files("credit.accounts").joinpath("common_passwords.txt").is_file()
    entries = common_passwords()
    assert len(entries) > 5000 and "password1234" in entries and "qwertyuiop123" in entries


def test_generated_passwords_pass_the_policy_for_their_user():
    assert all(password_problems(generate_password("abc"), "abc") == [] for _ in range(200))


async def test_creating_a_user_with_a_common_password_is_refused_with_the_rule_and_writes_nothing(db):
    with pytest.raises(ValidationFailed) as refused:
        await service.create_user("alice", "city_regulator", "Password123456", actor="tester")
    assert [(e.field, e.reason.split(":")[0]) for e in refused.value.errors] == [("password", "rule 'not common'")]
    assert await User.count().run() == 0 and await AuditEntry.count().run() == 0


async def test_a_password_holding_the_username_is_refused_even_in_other_case(db):
    with pytest.raises(ValidationFailed) as refused:
        await service.create_user(
            "tianning", "district_regulator", "TianNing-office-2026", district_code="320402", actor="tester"
        )
    assert "rule 'not the username'" in str(refused.value)
    assert await User.count().run() == 0


def test_users_create_names_the_broken_rule_on_the_console(cli_db, capsys, monkeypatch):  # noqa: F811
    monkeypatch.setattr("sys.stdin", io.StringIO("            \n"))
    assert main(["users", "create", "root", "--role", "admin", "--password-stdin"]) == 1
    err = capsys.readouterr().err
    assert "not created" in err and "password: rule 'not blank'" in err
    assert asyncio.run(User.count().run()) == 0


async def test_changing_ones_own_password_checks_the_current_one_and_the_policy(http):  # noqa: F811
    issued = await service.issue_token("alice", actor="tester")
    headers = {"Authorization": f"Bearer {issued.token}"}
    refused = await http.post(
        "/api/v1/me/password",
        headers=headers,
        json={"current_password": "not it at all", "new_password": "qwertyuiop123"},
    )
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
    assert sorted((e["field"], e["reason"].split(":")[0]) for e in refused.json()["errors"]) == [
        ("current_password", "is not the current password"),
        ("new_password", "rule 'not common'"),
    ]
    assert (await sign_in(http)).status_code == 303  # the old password still works: nothing written
    changed = await http.post(
        "/api/v1/me/password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "a much better passphrase"},
    )
    assert changed.status_code == 204
    assert (await service.authenticate("alice", "a much better passphrase")).username == "alice"
    with pytest.raises(service.InvalidCredentials):
        await service.authenticate("alice", PASSWORD)
    assert await AuditEntry.count().where(AuditEntry.action == "user.password_change").run() == 1
