"""Database engines: build one from a URL, swap it in, and run one transaction."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import AsyncIterator, Awaitable, TypeVar
from urllib.parse import urlparse

from asyncpg.exceptions import UniqueViolationError
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

T = TypeVar("T")


def _sqlite_path(url: str) -> Path:
    # sqlite:///relative/path and sqlite:////absolute/path, as SQLAlchemy spells them.
    rest = url.removeprefix("sqlite://")
    return Path(rest.removeprefix("/"))


def engine_for_url(url: str) -> Engine:
    """Return a Piccolo engine for a `sqlite:///...` or `postgresql://...` URL.

    Raises ValueError for any other scheme.
    """
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        _enable_wal(path)
        return SQLiteEngine(path=str(path), timeout=30)
    if scheme in {"postgres", "postgresql"}:
        return PostgresEngine(config={"dsn": url})
    raise ValueError(f"DATABASE_URL: unsupported scheme {scheme!r} (use sqlite:/// or postgresql://)")


def _enable_wal(path: Path) -> None:
    # WAL lets readers run beside the one writer; the mode is stored in the file, so once is enough.
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def current_engine() -> Engine:
    from credit.piccolo_app import APP_CONFIG

    return APP_CONFIG.table_classes[0]._meta.db


def use_engine(engine: Engine) -> None:
    """Point every table (and Piccolo's migration runner) at `engine`."""
    from piccolo.apps.migrations.tables import Migration

    import credit.piccolo_conf as conf
    from credit.piccolo_app import APP_CONFIG

    conf.DB = engine
    for table in [*APP_CONFIG.table_classes, Migration]:
        table._meta.db = engine


@contextlib.asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """One write transaction; on SQLite it is IMMEDIATE so concurrent writers queue instead of failing."""
    engine = current_engine()
    if engine.transaction_exists():
        yield
        return
    if isinstance(engine, SQLiteEngine):
        async with engine.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with engine.transaction():
            yield


async def open_pool(engine: Engine, size: int) -> None:
    if isinstance(engine, PostgresEngine):
        # min_size=0: the app starts (and /healthz answers) while the database is still down.
        await engine.start_connection_pool(min_size=0, max_size=size)


async def close_pool(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine) and engine.pool:
        await engine.close_connection_pool()


async def lock_log_tail() -> None:
    """Serialise appends to the change feed and audit log until this transaction ends.

    SQLite's IMMEDIATE transactions already allow one writer at a time; on PostgreSQL a
    transaction-level advisory lock gives the same order, so sequence numbers commit in order.
    """
    engine = current_engine()
    if engine.engine_type == "postgres":
        await engine.run_ddl("SELECT pg_advisory_xact_lock(727001)")


# SQLite's extended result codes for the two ways a unique index refuses a row (sqlite.org/rescode.html).
_SQLITE_UNIQUE_CODES = {1555, 2067}  # SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE


def is_unique_violation(error: BaseException) -> bool:
    """True when `error` is the driver's own unique-index violation: SQLite's IntegrityError with a
    unique/primary-key result code, or asyncpg's UniqueViolationError. Other integrity errors (NOT NULL,
    foreign key, check) and every other exception are False."""
    if isinstance(error, sqlite3.IntegrityError):
        return getattr(error, "sqlite_errorcode", None) in _SQLITE_UNIQUE_CODES
    return isinstance(error, UniqueViolationError)


async def pooled(work: Awaitable[T], size: int = 4) -> T:
    """Run `work` with a connection pool open, as the app does (commands that do many queries)."""
    engine = current_engine()
    await open_pool(engine, size)
    try:
        return await work
    finally:
        await close_pool(engine)
