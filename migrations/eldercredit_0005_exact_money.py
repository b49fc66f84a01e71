"""Fines as integer fen: `penalty.fine_yuan` (NUMERIC, which SQLite keeps as a float) becomes `penalty.fine_fen`
(BIGINT), exact on both engines.

Existing rows are converted in SQL: on PostgreSQL from the exact NUMERIC; on SQLite from the stored double, rounded
to the nearest fen, which gives back exactly the decimal that was written (an amount of at most 12 integer digits
and 2 decimals has 14 significant digits, within a double's 15). A stored fine that is negative or has more than
12 integer digits cannot be kept exactly: the migration stops and names the penalties, so an operator corrects them
instead of the migration changing money silently.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "fines as integer fen"

TO_FEN = {
    "postgres": "UPDATE penalty SET fine_fen = CAST(fine_yuan * 100 AS BIGINT) WHERE fine_yuan IS NOT NULL",
    "sqlite": "UPDATE penalty SET fine_fen = CAST(ROUND(fine_yuan * 100) AS INTEGER) WHERE fine_yuan IS NOT NULL",
}
TO_YUAN = {
    "postgres": "UPDATE penalty SET fine_yuan = CAST(fine_fen AS NUMERIC(16, 2)) / 100 WHERE fine_fen IS NOT NULL",
    "sqlite": "UPDATE penalty SET fine_yuan = fine_fen / 100.0 WHERE fine_fen IS NOT NULL",
}
OUT_OF_RANGE = "SELECT id FROM penalty WHERE fine_yuan < 0 OR fine_yuan >= 1000000000000 ORDER BY id"


class FinesOutOfRange(RuntimeError):
    """Stored fines that integer fen of at most 12 integer digits cannot hold."""


async def to_fen() -> None:
    engine = engine_finder()
    bad = await engine.run_ddl(OUT_OF_RANGE)
    if bad:
        ids = ", ".join(str(r["id"]) for r in bad[:20])
        raise FinesOutOfRange(
            f"penalties with a negative fine or one of 13 or more integer digits: {ids}; "
            "correct them, then migrate again"
        )
    await engine.run_ddl("ALTER TABLE penalty ADD COLUMN fine_fen BIGINT NULL")
    await engine.run_ddl(TO_FEN[engine.engine_type])
    await engine.run_ddl("ALTER TABLE penalty DROP COLUMN fine_yuan")


async def to_yuan() -> None:
    engine = engine_finder()
    numeric = "NUMERIC(16, 2)" if engine.engine_type == "postgres" else "NUMERIC"
    await engine.run_ddl(f"ALTER TABLE penalty ADD COLUMN fine_yuan {numeric} NULL")
    await engine.run_ddl(TO_YUAN[engine.engine_type])
    await engine.run_ddl("ALTER TABLE penalty DROP COLUMN fine_fen")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)
    manager.add_raw(to_fen)
    manager.add_raw_backwards(to_yuan)
    return manager
