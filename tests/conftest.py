"""Shared fixtures: every DB test runs on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path
from typing import AsyncIterator

# Before any credit module reads its settings: no background scheduler in tests (they drive jobs
# themselves), and a throw-away signing key.
os.environ["SCHEDULER_ENABLED"] = "false"
os.environ.setdefault("SIGNING_KEY_PATH", str(Path(tempfile.mkdtemp(prefix="eldercredit-key-")) / "key.pem"))

import httpx
import pytest

from credit.db import engine_for_url, use_engine
from credit.migrate import migrate
from credit.piccolo_app import TABLES

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not POSTGRES_URL, reason="TEST_POSTGRES_URL is not set"))]


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory) -> dict[str, str]:
    """One migrated database per engine for the whole session."""
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"}
    if POSTGRES_URL:
        urls["postgres"] = POSTGRES_URL
    for url in urls.values():
        use_engine(engine_for_url(url))
        asyncio.run(migrate())
    return urls


async def empty_all_tables(engine) -> None:
    names = [table._meta.tablename for table in TABLES]
    if engine.engine_type == "postgres":
        await engine.run_ddl(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
    else:
        for name in reversed(names):
            await engine.run_ddl(f"DELETE FROM {name}")


@pytest.fixture(params=ENGINES)
async def db(request, database_urls):
    """An empty, migrated database on the engine of this parameter; yields the engine name."""
    engine = engine_for_url(database_urls[request.param])
    use_engine(engine)
    await empty_all_tables(engine)
    yield request.param


@contextlib.asynccontextmanager
async def running(app) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan in a task of its own (its cancel scopes must exit where they entered)."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(lifespan())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait([task, waiter], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()  # the lifespan failed: raise its error here
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http
    finally:
        stop.set()
        await task


@pytest.fixture
async def client(db):
    """An HTTP client on the app, inside its lifespan, on the same event loop as the test."""
    from credit.app import create_app

    async with running(create_app()) as http:
        yield http


@pytest.fixture
def fixtures_dir() -> Path:
    return Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    """Argon2 at its lowest cost: the tests create many users; production keeps the library's defaults."""
    from argon2 import PasswordHasher

    from credit.accounts import passwords

    production = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = production
