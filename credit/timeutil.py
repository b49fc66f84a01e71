"""Clock helpers for jobs, the CLI and services called without a day: instants are UTC, calendar dates are
Asia/Shanghai (converted at the edges). HTTP handlers take the app's `clock` dependency instead (credit.clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from credit.settings import settings


def now_utc() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date where the regulators are (Asia/Shanghai by default)."""
    return datetime.now(settings.timezone).date()
