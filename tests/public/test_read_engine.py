"""DATABASE_READ_URL (issue 14 "Beyond one machine"): the public read side — portal pages, the public API, the
search — reads from the read engine when one is set; writes, and the reads of a writer's own transaction, stay
on the primary. A read engine that cannot be reached makes the public pages answer a clear 503 problem, never a
500, while the rest of the service keeps answering."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from piccolo.engine.postgres import PostgresEngine
from stdnum.cn import uscc as uscc_rules

from credit import app as app_module
from credit.accounts.system import system_principal
from credit.db import SQLiteReader, _sqlite_path
from credit.records import service as records
from credit.records.schemas import PenaltyIn
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.settings import settings
from credit.timeutil import today
from credit.validation import typed_from_text
from tests.conftest import running

ADMIN = system_principal("setup")


def code(n: int) -> str:
    body = f"52320402MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


class RecordingSQLite(SQLiteReader):
    def __init__(self, path, seen: list[str]) -> None:
        super().__init__(path)
        self.seen = seen

    async def run_querystring(self, querystring, in_pool: bool = False):
        self.seen.append(str(querystring))
        return await super().run_querystring(querystring, in_pool)


class RecordingPostgres(PostgresEngine):
    def __init__(self, url: str, seen: list[str]) -> None:
        super().__init__(config={"dsn": url})
        self.seen = seen

    async def run_querystring(self, querystring, in_pool: bool = True):
        self.seen.append(str(querystring))
        return await super().run_querystring(querystring, in_pool)


def recorder(db: str, url: str, seen: list[str]):
    return RecordingSQLite(_sqlite_path(url), seen) if db == "sqlite" else RecordingPostgres(url, seen)


@pytest.fixture
async def home(db) -> dict:
    home = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(61),
                "name": "常州市天宁区只读测试养老院",
                "district_code": "320402",
                "beds": 60,
                "owner_type": "private_nonprofit",
                "legal_representative": "张建国",
            }
        ),
        ADMIN,
    )
    return home


async def test_public_reads_go_to_the_read_engine_and_writes_never_do(db, database_urls, home, monkeypatch):
    seen: list[str] = []
    url = database_urls[db]  # the read engine reads the same database here, as a caught-up replica would
    monkeypatch.setattr(app_module, "read_engine_for_url", lambda _: recorder(db, url, seen))
    app = app_module.create_app(dataclasses.replace(settings, database_read_url=url))
    async with running(app) as client:
        page = await client.get(f"/institutions/{home['uscc']}")
        api = await client.get(f"/api/v1/institutions/{home['uscc']}")
        found = await client.get("/api/v1/institutions", params={"q": "只读测试"})
        assert (page.status_code, api.status_code, found.status_code) == (200, 200, 200)
        assert seen and any("public_profile" in sql for sql in seen)
        read_before_write = len(seen)
        # A write through the service: the record, the feed, the projection, all on the primary.
        await records.create_penalty(
            home["id"],
            typed_from_text(
                PenaltyIn,
                {
                    "decision_number": "常民罚〔2026〕只读1号",
                    "facts": "未按规定配备护理人员",
                    "legal_basis": "《养老机构管理办法》第四十六条",
                    "penalty_kind": "罚款",
                    "content": "罚款五千元",
                    "fine_yuan": "5000.00",
                    "decision_date": (today() - timedelta(days=3)).isoformat(),
                    "deciding_agency": "天宁区民政局",
                },
            ),
            ADMIN,
        )
        assert len(seen) == read_before_write  # nothing of the write touched the read engine
        after = (await client.get(f"/api/v1/institutions/{home['uscc']}")).json()
        assert [p["decision_number"] for p in after["penalties"]] == ["常民罚〔2026〕只读1号"]
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in seen), [s for s in seen if "SELECT" not in s]


@pytest.mark.parametrize(
    "path", ["/institutions/{uscc}", "/api/v1/institutions/{uscc}", "/?q=只读测试", "/api/v1/institutions?q=只读测试"]
)
async def test_a_read_replica_that_is_down_gives_a_clear_503_not_a_500(db, home, tmp_path, path):
    down = (
        f"sqlite:///{tmp_path / 'missing' / 'replica.sqlite3'}"
        if db == "sqlite"
        else "postgresql://postgres@127.0.0.1:1/replica"
    )  # nothing listens on port 1
    app = app_module.create_app(dataclasses.replace(settings, database_read_url=down))
    async with running(app) as client:
        response = await client.get(path.format(uscc=home["uscc"]))
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "database" in response.json()["detail"]
        assert response.headers["retry-after"] == "5"
        assert (await client.get("/healthz")).status_code == 200  # the service itself still answers
