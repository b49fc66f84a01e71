"""The cap on a home's accounts (INSTITUTION_USERS_MAX, issue 18) is held by the database: each active account of a
home holds one slot 1..max, unique per home, so creations at the same moment cannot pass it together; a deactivated
account gives its slot back.

Source: issue 18 ("up to N users per home"); DESIGN.md ("concurrency held by database constraints").
"""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from credit.accounts import lifecycle, service as accounts
from credit.accounts.service import create_user
from credit.accounts.system import system_principal
from credit.accounts.tables import User
from credit.db import engine_for_url, use_engine
from credit.errors import ValidationFailed
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.settings import settings
from tests.workspace.workspace_helpers import PASSWORD, TIANNING, make_uscc

SYSTEM = system_principal()


@pytest.fixture
async def home(db) -> dict:
    return await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": make_uscc(1, TIANNING),
                "name": "康乐养老院",
                "district_code": TIANNING,
                "beds": 80,
                "owner_type": "private_nonprofit",
            }
        ),
        SYSTEM,
    )


def cap(monkeypatch, limit: int) -> None:
    monkeypatch.setattr(accounts, "settings", dataclasses.replace(settings, institution_users_max=limit))


async def active_accounts(uscc: str) -> int:
    return await User.count().where((User.institution_uscc == uscc) & User.active.eq(True)).run()


async def test_accounts_created_at_the_same_moment_never_pass_the_cap(home, db, database_urls, monkeypatch):
    cap(monkeypatch, 2)
    if db == "postgres":  # a pool: each creation runs on a connection of its own, at the same time
        engine = engine_for_url(database_urls["postgres"])
        await engine.start_connection_pool(min_size=6, max_size=6)
        use_engine(engine)
    try:
        results = await asyncio.gather(
            *(
                create_user(f"staff{n}", "institution", PASSWORD, institution_uscc=home["uscc"], actor="t")
                for n in range(6)
            ),
            return_exceptions=True,
        )
    finally:
        if db == "postgres":
            await engine.close_connection_pool()
    created = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, ValidationFailed)]
    assert len(created) == 2 and len(refused) == 4, results
    assert all(e.errors[0].field == "institution_uscc" for e in refused)
    assert await active_accounts(home["uscc"]) == 2


async def test_a_deactivated_account_gives_its_place_back(home, monkeypatch):
    cap(monkeypatch, 1)
    await create_user("first.user", "institution", PASSWORD, institution_uscc=home["uscc"], actor="t")
    with pytest.raises(ValidationFailed):
        await create_user("second.user", "institution", PASSWORD, institution_uscc=home["uscc"], actor="t")
    await lifecycle.deactivate_user("first.user", actor="t")
    await create_user("second.user", "institution", PASSWORD, institution_uscc=home["uscc"], actor="t")
    assert await active_accounts(home["uscc"]) == 1
