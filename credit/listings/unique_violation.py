"""Recognise the database's own refusals (the same meaning on SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlite3


def is_unique_violation(error: BaseException) -> bool:
    """True when `error` is a unique-index violation from SQLite or PostgreSQL (asyncpg)."""
    if isinstance(error, sqlite3.IntegrityError):
        return "UNIQUE constraint failed" in str(error)
    try:
        from asyncpg.exceptions import UniqueViolationError
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return False
    return isinstance(error, UniqueViolationError)
