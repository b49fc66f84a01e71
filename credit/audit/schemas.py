"""The audit history of a record as the API sends it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec


class HistoryEntry(msgspec.Struct):
    """One audit entry: who did what, when, and the values it changed."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    changes: dict[str, Any]
