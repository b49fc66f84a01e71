"""Shared fixtures: every DB test runs on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# Before any credit module reads its settings: no background scheduler in tests (they drive jobs
# themselves), and a throw-away signing key.
os.environ["SCHEDULER_ENABLED"] = "false"
os.environ.setdefault("SIGNING_KEY_PATH", str(Path(tempfile.mkdtemp(prefix="eldercredit-key-")) / "key.pem"))
# Evidence files in a folder of each test process's own: xdist workers inherit the controller's environment, and a
# shared folder let one worker's uploads appear in another's count of the files its upload added (and its sweep).
if "EVIDENCE_DIR" not in os.environ or os.environ.get("ELDERCREDIT_TEST_OWN_EVIDENCE_DIR"):
    os.environ["EVIDENCE_DIR"] = tempfile.mkdtemp(prefix="eldercredit-evidence-")
    os.environ["ELDERCREDIT_TEST_OWN_EVIDENCE_DIR"] = "1"

import httpx
import pytest

from credit.db import engine_for_url, use_engine
from credit.migrate import migrate
from credit.piccolo_app import TABLES

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
ENGINES = [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.skipif(not POSTGRES_URL, reason="TEST_POSTGRES_URL is not set")),
]
# pytest-xdist names its workers gw0, gw1, ...; without xdist there is one process and no name. The run's id
# keeps two runs at once (two engineers, or CI beside a developer) from dropping each other's databases.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8]


def worker_redis_url(url: str | None, worker: str = WORKER) -> str | None:
    """`redis://h/15` for worker gw1 -> `redis://h/14`: each xdist worker has a Redis database of its own.

    Tests that empty a store namespace would otherwise empty another worker's keys mid-test (RedisStore.delete_all
    matches by prefix), and pytest-xdist's `xdist_group` cannot keep them on one worker under pytest 9.
    """
    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base - int(worker[2:])) % 16}"))


REDIS_URL = worker_redis_url(os.environ.get("TEST_REDIS_URL"))


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory) -> Iterator[dict[str, str]]:
    """One migrated database per engine for the whole session, and per xdist worker.

    SQLite: a file under the worker's own temporary folder. PostgreSQL: TEST_POSTGRES_URL itself in a single
    process; under xdist each worker creates `<that database>_<run>_<worker>` on the same server and drops it at
    the end.
    """
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"}
    created = None
    if POSTGRES_URL:
        if WORKER:
            created = worker_database_url(POSTGRES_URL, f"{RUN}_{WORKER}")
            asyncio.run(recreate_database(POSTGRES_URL, created))
        urls["postgres"] = created or POSTGRES_URL
    for url in urls.values():
        use_engine(engine_for_url(url))
        asyncio.run(migrate())
    yield urls
    if created:
        use_engine(engine_for_url(urls["sqlite"]))
        asyncio.run(drop_database(POSTGRES_URL, created))


def worker_database_url(url: str, worker: str) -> str:
    """`postgresql://h/ec` for worker `1a2b_gw1` -> `postgresql://h/ec_1a2b_gw1` (same server, user, options)."""
    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "postgres"
    return urlunsplit(parts._replace(path=f"/{base}_{worker}"))


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


async def recreate_database(admin_url: str, url: str) -> None:
    """Drop (left over from a killed run) and create the database of `url`, connected through `admin_url`."""
    import asyncpg

    connection = await asyncpg.connect(admin_url)
    try:
        name = _database_name(url)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def drop_database(admin_url: str, url: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{_database_name(url)}" WITH (FORCE)')
    finally:
        await connection.close()


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
