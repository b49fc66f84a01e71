"""Readiness on a database that has not been migrated: 503 with the pending migrations named."""

from credit.app import create_app
from credit.db import engine_for_url, use_engine
from credit.migrate import known_migration_ids
from tests.conftest import running


async def test_readyz_names_pending_migrations_on_an_empty_database(tmp_path, database_urls):
    use_engine(engine_for_url(f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    async with running(create_app()) as http:
        response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["pending_migrations"] == known_migration_ids()


async def test_healthz_answers_even_when_the_database_is_unreachable(database_urls):
    use_engine(engine_for_url("postgresql://nobody@127.0.0.1:1/none"))
    async with running(create_app()) as http:
        assert (await http.get("/healthz")).status_code == 200
        ready = await http.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["database"] == "unreachable"
