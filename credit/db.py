"""Database engines: build one from a URL, swap it in, and run one transaction; the read engine of the
public read side (DATABASE_READ_URL) and `read`, which runs a query there."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Mapping
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

from asyncpg.exceptions import UndefinedTableError, UniqueViolationError
from piccolo.columns import Column
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory
from piccolo.query.methods.select import First
from piccolo.table import Table

from credit.errors import NotFound

T = TypeVar("T")
_read_engine: Engine | None = None


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
    tables: list[type[Table]] = [*APP_CONFIG.table_classes, Migration]
    for table in tables:
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


async def open_pool(engine: Engine, size: int) -> bool:
    """Open a connection pool on a PostgreSQL engine. True when this call opened it (its caller closes it);
    False on SQLite, or when a pool is open already (another app of this process, whose lifespan closes it)."""
    if isinstance(engine, PostgresEngine) and not engine.pool:
        # min_size=0: the app starts (and /healthz answers) while the database is still down.
        await engine.start_connection_pool(min_size=0, max_size=size)
        return True
    return False


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


def update_values(values: Mapping[str, Any]) -> dict[Column | str, Any]:
    """Column name -> value as `Table.update` types its argument (a dict keyed by Column | str, which a dict
    keyed by str does not match: dict keys are invariant)."""
    return dict(values.items())


def found(row: dict[str, Any] | None, what: str) -> dict[str, Any]:
    """`row` as a `.first()` query returned it; NotFound(`what`) when there is none.

    For rows a foreign key or the caller's transaction promises, so that a broken promise is a 404, never a
    TypeError on None."""
    if row is None:
        raise NotFound(f"{what} not found")
    return row


def is_missing_schema(error: BaseException) -> bool:
    """The database has not been migrated: a table the code reads does not exist (either engine)."""
    if isinstance(error, UndefinedTableError):
        return True
    return isinstance(error, sqlite3.OperationalError) and str(error).startswith("no such table")


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
    opened = await open_pool(engine, size)
    try:
        return await work
    finally:
        if opened:
            await close_pool(engine)


class ReadEngineUnavailable(ConnectionError):
    """The read engine (DATABASE_READ_URL) cannot be reached: a public read answers 503, never 500."""


class SQLiteReader(SQLiteEngine):
    """A read-only SQLite engine that keeps one connection open per event loop (Piccolo's engine opens one per
    query, ~2 ms). The connection is in autocommit mode, so each statement sees the last commit (WAL).

    Statements run on a plain `sqlite3` connection in the event loop's own thread: the public read side's
    statements are indexed reads of well under a millisecond, far less than handing each to aiosqlite's thread
    and back (three thread hops a statement). The foreign-key pragma Piccolo sends before every statement is
    left out: nothing here writes."""

    def __init__(self, path: Path) -> None:
        super().__init__(path=str(path), timeout=30)
        self.connection_kwargs = {**self.connection_kwargs, "database": f"file:{path}?mode=ro", "uri": True}
        self._connections: dict[asyncio.AbstractEventLoop, sqlite3.Connection] = {}
        self.mirrors: Engine | None = None  # the primary whose file this reads in its stead (primary_reader)

    def _connection(self) -> sqlite3.Connection:
        loop = asyncio.get_running_loop()
        connection = self._connections.get(loop)
        if connection is None:
            try:
                connection = sqlite3.connect(**self.connection_kwargs, check_same_thread=False)
            except sqlite3.OperationalError as error:
                raise ReadEngineUnavailable(f"the read database cannot be opened: {error}") from error
            connection.row_factory = dict_factory
            self._connections[loop] = connection
        return connection

    async def run_querystring(self, querystring, in_pool: bool = False):
        query, args = querystring.compile_string(engine_type=self.engine_type)
        connection = self._connection()
        try:
            return connection.execute(query, args).fetchall()
        except sqlite3.OperationalError:
            await self.close()  # the next read opens the file again (replaced, or back after a fault)
            raise

    async def close(self) -> None:
        connection = self._connections.pop(asyncio.get_running_loop(), None)
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()


def read_engine_for_url(url: str) -> Engine:
    """The read engine of DATABASE_READ_URL: a PostgreSQL replica, or a SQLite file read through one open
    read-only connection per worker (the primary's file, or a copy)."""
    if urlparse(url).scheme == "sqlite":
        return SQLiteReader(_sqlite_path(url))
    return engine_for_url(url)


def primary_reader(primary: Engine) -> Engine | None:
    """The read engine without DATABASE_READ_URL: on SQLite the primary's own file through one open read-only
    connection per worker (SQLiteReader, standing in for `primary` only while it is the current engine); None
    on PostgreSQL, whose pool already keeps connections open."""
    if isinstance(primary, SQLiteEngine) and not isinstance(primary, SQLiteReader):
        reader = SQLiteReader(Path(primary.path))
        reader.mirrors = primary
        return reader
    return None


def use_read_engine(engine: Engine | None) -> None:
    """Send the public read side's queries (`read`) to `engine`; None sends them to the primary."""
    global _read_engine
    _read_engine = engine


def read_engine() -> Engine | None:
    return _read_engine


async def read(query: Any) -> Any:
    """Run a read-only query of the public read side: on the read engine when one is set, except inside a
    transaction (a writer reads its own writes on the primary) and, for the primary's own file, while another
    engine is current. Raises ReadEngineUnavailable (a
    ConnectionError: 503) when the read engine cannot be reached."""
    engine = _read_engine
    primary = current_engine()
    mirrors = getattr(engine, "mirrors", None)  # the primary's own file: only while that primary is current
    if engine is None or primary.transaction_exists() or (mirrors is not None and mirrors is not primary):
        return await query.run()
    if isinstance(query, First):  # `.first()` wraps the select
        rows = await read(query.query)
        return rows[0] if rows else None
    querystrings = query.querystrings
    if len(querystrings) != 1:
        return await query.run()
    try:
        results = await engine.run_querystring(querystrings[0], in_pool=True)
    except OSError as error:  # a PostgreSQL replica refusing connections
        raise ReadEngineUnavailable(f"the read database cannot be reached: {error}") from error
    return await query._process_results(results)  # Piccolo's own row conversion, as `run` does
