"""Money is exact: `fine_yuan` is a decimal in digits (≤ 12 integer digits, ≤ 2 decimals), stored as integer fen,
and comes back to the cent through the API, the table and the exports, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from stdnum.cn import uscc as uscc_rules

from credit.accounts.system import system_principal
from credit.records.tables import Penalty
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies
from credit.sharing.keys import issue_key
from credit.timeutil import today

ADMIN = system_principal("setup")


def code(n: int) -> str:
    body = f"52320402MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


def report(number: str, fine) -> dict:
    return {
        "subject_name": "常州市天宁区康乐养老院",
        "uscc": code(1),
        "decision_number": number,
        "facts": "医疗废物处置不规范",
        "legal_basis": "《医疗废物管理条例》第四十六条",
        "penalty_kind": "罚款",
        "content": "罚款",
        "fine_yuan": fine,
        "decision_date": (today() - timedelta(days=10)).isoformat(),
        "deciding_agency": "常州市卫生健康委员会",
        "severity": "general",
    }


@pytest.fixture
async def health(client) -> dict[str, str]:
    await ensure_agencies()
    await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(1),
                "name": "常州市天宁区康乐养老院",
                "district_code": "320402",
                "beds": 100,
                "owner_type": "private_nonprofit",
            }
        ),
        ADMIN,
    )
    return {"Authorization": f"Bearer {(await issue_key('health', 'test')).key}"}


@pytest.mark.parametrize(
    "fine, reason",
    [
        ("1e9", "must be a decimal number written in digits, such as 5000.50"),
        ("1e30", "must be a decimal number written in digits, such as 5000.50"),
        ("99999999999999999999.99", "must have at most 12 digits before the decimal point"),
        ("1000000000000", "must have at most 12 digits before the decimal point"),
        (10**12, "must have at most 12 digits before the decimal point"),
        (10**30, "must have at most 12 digits before the decimal point"),
        ("NaN", "must be a decimal number written in digits, such as 5000.50"),
        ("Infinity", "must be a decimal number written in digits, such as 5000.50"),
        ("-0.01", "must not be negative"),
        (-5, "must not be negative"),
        ("5000.505", "has more precision than one fen (0.01 yuan)"),
        (5000.5, 'must be a decimal string such as "5000.50" or a whole number, not a floating-point number'),
        (1e30, 'must be a decimal string such as "5000.50" or a whole number, not a floating-point number'),
    ],
)
async def test_a_fine_that_is_not_exact_yuan_in_range_is_422_naming_fine_yuan_and_writes_nothing(
    client, health, fine, reason
):
    response = await client.post("/api/v1/penalties", json=report("常卫罚〔2026〕1号", fine), headers=health)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {"field": "fine_yuan", "reason": reason} in [
        {k: e[k] for k in ("field", "reason")} for e in response.json()["errors"]
    ]
    assert await Penalty.count().run() == 0


async def test_a_whole_number_and_the_largest_fine_are_accepted_exactly(client, health):
    whole = await client.post("/api/v1/penalties", json=report("常卫罚〔2026〕1号", 5000), headers=health)
    largest = await client.post(
        "/api/v1/penalties", json=report("常卫罚〔2026〕2号", "999999999999.99"), headers=health
    )
    assert whole.json()["fine_yuan"] == "5000.00" and largest.json()["fine_yuan"] == "999999999999.99"
    stored = {r["decision_number"]: r["fine_fen"] for r in await Penalty.select().run()}
    assert stored == {"常卫罚〔2026〕1号": 500000, "常卫罚〔2026〕2号": 99999999999999}


AMOUNTS = st.decimals(
    min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False, allow_infinity=False
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(AMOUNTS, min_size=1, max_size=4))
async def test_any_fine_survives_write_read_api_and_export_to_the_fen(client, health, amounts):
    start = await Penalty.count().run()
    numbers = [f"常卫罚〔2026〕{start + n}号" for n in range(len(amounts))]
    for number, amount in zip(numbers, amounts, strict=True):
        answered = await client.post("/api/v1/penalties", json=report(number, str(amount)), headers=health)
        assert answered.status_code == 201, answered.text
        assert Decimal(answered.json()["fine_yuan"]) == amount and answered.json()["fine_yuan"] == f"{amount:.2f}"
    stored = {
        r["decision_number"]: r["fine_fen"]
        for r in await Penalty.select().where(Penalty.decision_number.is_in(numbers)).run()
    }
    assert stored == {n: int(a * 100) for n, a in zip(numbers, amounts, strict=True)}
    jsonl = await client.get("/api/v1/exports/penalties.jsonl")
    exported = {row["decision_number"]: row["fine_yuan"] for row in map(json.loads, jsonl.text.splitlines())}
    assert all(exported[n] == f"{a:.2f}" for n, a in zip(numbers, amounts, strict=True))
    table = list(csv.reader(io.StringIO((await client.get("/api/v1/exports/penalties.csv")).text.lstrip("\ufeff"))))
    column = table[0].index("罚款金额（万元）")
    wan = {row[table[0].index("行政处罚决定书文号")]: row[column] for row in table[1:]}
    assert all(Decimal(wan[n]) * 10000 == a for n, a in zip(numbers, amounts, strict=True))


OLD_FINES = ["0.01", "0.30", "1234.56", "5000.50", "12345678901.23", "999999999999.99"]


async def _penalties_with_old_fines(fines: list[str]) -> list[int]:
    """Penalties stored as before migration 0005: the fine in a NUMERIC `fine_yuan` column."""
    from migrations.eldercredit_0005_exact_money import to_yuan

    ids = []
    for n, _ in enumerate(fines):
        row = Penalty(
            subject_name="某养老院",
            subject_kind="legal_person",
            decision_number=f"旧〔2025〕{n}号",
            decision_date=today(),
            deciding_agency="民政局",
            source_agency="民政局",
            severity="general",
            created_at=system_now(),
        )
        await row.save().run()
        ids.append(row.id)
    await to_yuan()
    engine = Penalty._meta.db
    for penalty_id, fine in zip(ids, fines, strict=True):
        await engine.run_ddl(f"UPDATE penalty SET fine_yuan = {fine} WHERE id = {penalty_id}")
    return ids


def system_now():
    from credit.timeutil import now_utc

    return now_utc()


async def test_migration_0005_converts_stored_fines_to_fen_exactly(db):
    from migrations.eldercredit_0005_exact_money import to_fen

    try:
        ids = await _penalties_with_old_fines(OLD_FINES)
        await to_fen()
        stored = {r["id"]: r["fine_fen"] for r in await Penalty.select(Penalty.id, Penalty.fine_fen).run()}
    finally:
        await _back_to_the_migrated_schema()
    assert [stored[i] for i in ids] == [int(Decimal(f) * 100) for f in OLD_FINES]


async def test_migration_0005_refuses_a_stored_fine_it_cannot_keep_exactly_and_names_it(db):
    from migrations.eldercredit_0005_exact_money import FinesOutOfRange, to_fen

    try:
        ids = await _penalties_with_old_fines(["100", "10000000000000"])
        with pytest.raises(FinesOutOfRange, match=rf": {ids[1]};"):
            await to_fen()
        old = await Penalty._meta.db.run_ddl(f"SELECT fine_yuan FROM penalty WHERE id = {ids[1]}")
        assert Decimal(str(old[0]["fine_yuan"])) == Decimal("10000000000000")  # left as it was
    finally:
        await _back_to_the_migrated_schema()


async def _back_to_the_migrated_schema() -> None:
    from migrations.eldercredit_0005_exact_money import to_fen

    engine = Penalty._meta.db
    await engine.run_ddl("DELETE FROM penalty")
    try:
        await engine.run_ddl("SELECT fine_yuan FROM penalty")
    except Exception:
        return  # fine_fen is in place
    await to_fen()
