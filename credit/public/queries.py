"""Reads of the public projection (no writes, so they can run on a read replica).

A profile is one indexed read of one row; a search is one query over the flat columns (plus its count).
The name/USCC text condition is `text_condition`, the one place a typed query becomes SQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from credit.errors import NotFound
from credit.public.tables import PublicProfile
from credit.search_text import name_or_uscc_args
from credit.sharing.tables import ChangeEvent

PAGE_SIZE = 20
FIRE_STATUSES = ("compliant", "basically_compliant", "non_compliant", "none")
LEVELS = ("A", "B", "C", "D")
# sort key -> ORDER BY (every one ends on the institution id, so pages never overlap)
SORTS = {
    "credit": "score DESC, name ASC, institution ASC",
    "grade": "COALESCE(grade, 0) DESC, score DESC, institution ASC",
    "beds": "beds DESC, institution ASC",
    "name": "name ASC, institution ASC",
}
COLUMNS = ("institution AS id, uscc, name, district_code, beds, owner_type, status, level AS credit_level, "
           "score AS credit_score, grade, fire_status, version")


@dataclass(frozen=True, slots=True)
class Filters:
    """What a visitor searches for; empty values mean "any"."""

    q: str = ""
    district: str = ""
    level: str = ""
    min_grade: int | None = None
    beds_min: int | None = None
    beds_max: int | None = None
    owner_type: str = ""
    fire: str = ""


@dataclass(frozen=True, slots=True)
class SearchPage:
    items: list[dict[str, Any]]  # the flat columns of each row (id, uscc, name, ..., fire_status, version)
    total: int
    page: int
    page_size: int


@dataclass(frozen=True, slots=True)
class RowVersion:
    """What a cached page of one home depends on: its row's own change counter and time."""

    version: int
    at: datetime | None


@dataclass(frozen=True, slots=True)
class DataVersion:
    """The last change the public could see: the change feed's highest sequence number and its time."""

    seq: int
    at: datetime | None


def text_condition(q: str) -> tuple[str, list[Any]]:
    """The SQL condition (over public_profile) matching the typed text `q`, and its arguments: the name
    contains it (case-insensitive) or the USCC starts with it. The one place text search is defined."""
    return "(LOWER(name) LIKE {} ESCAPE '\\' OR uscc LIKE {} ESCAPE '\\')", name_or_uscc_args(q)


def _where(filters: Filters) -> tuple[str, list[Any]]:
    parts: list[str] = []
    args: list[Any] = []
    if filters.q.strip():
        sql, text_args = text_condition(filters.q.strip())
        parts.append(sql)
        args += text_args
    for value, sql in ((filters.district, "district_code = {}"), (filters.level, "level = {}"),
                       (filters.min_grade or None, "grade >= {}"), (filters.beds_min, "beds >= {}"),
                       (filters.beds_max, "beds <= {}"), (filters.owner_type, "owner_type = {}"),
                       (filters.fire, "fire_status = {}")):
        if value is not None and value != "":
            parts.append(sql)
            args.append(value)
    return (" WHERE " + " AND ".join(parts)) if parts else "", args


async def search(filters: Filters, sort: str = "credit", page: int = 1, page_size: int = PAGE_SIZE) -> SearchPage:
    """One page of the homes matching every filter, with the exact total."""
    where, args = _where(filters)
    page = max(page, 1)
    total = (await PublicProfile.raw(f"SELECT COUNT(*) AS n FROM public_profile{where}", *args).run())[0]["n"]
    order = SORTS.get(sort, SORTS["credit"])
    rows = await PublicProfile.raw(
        f"SELECT {COLUMNS} FROM public_profile{where} ORDER BY {order} LIMIT {int(page_size)} "
        f"OFFSET {int((page - 1) * page_size)}", *args).run()
    return SearchPage(rows, total, page, page_size)


async def documents(ids: list[int]) -> dict[int, dict[str, Any]]:
    """The profile documents of the given institutions (those with a row), keyed by id."""
    if not ids:
        return {}
    rows = await PublicProfile.select(PublicProfile.institution, PublicProfile.document).where(
        PublicProfile.institution.is_in(ids)).run()
    return {r["institution"]: json.loads(r["document"]) for r in rows}


async def profile_bytes(uscc: str) -> bytes:
    """The public profile document of the home with `uscc`, as stored (JSON bytes). Raises NotFound."""
    row = await PublicProfile.select(PublicProfile.document).where(
        PublicProfile.uscc == uscc.strip().upper()).first().run()
    if row is None:
        raise NotFound(f"institution {uscc}")
    return row["document"].encode()


async def profile(uscc: str) -> dict[str, Any]:
    """The public profile document of the home with `uscc`. Raises NotFound."""
    return json.loads(await profile_bytes(uscc))


async def profiles(codes: list[str]) -> dict[str, dict[str, Any]]:
    """The documents of the given USCCs (those that exist), keyed by USCC: one query."""
    if not codes:
        return {}
    rows = await PublicProfile.select(PublicProfile.uscc, PublicProfile.document).where(
        PublicProfile.uscc.is_in([c.strip().upper() for c in codes])).run()
    return {r["uscc"]: json.loads(r["document"]) for r in rows}


@dataclass(frozen=True, slots=True)
class ProfileRow:
    version: RowVersion
    document: bytes


async def profile_row(uscc: str) -> ProfileRow:
    """One home's row: its version and its document (one indexed read). Raises NotFound."""
    row = await PublicProfile.select(PublicProfile.version, PublicProfile.updated_at, PublicProfile.document).where(
        PublicProfile.uscc == uscc.strip().upper()).first().run()
    if row is None:
        raise NotFound(f"institution {uscc}")
    return ProfileRow(RowVersion(row["version"], row["updated_at"]), row["document"].encode())


async def row_version(uscc: str) -> RowVersion | None:
    """The version of one home's row (one indexed read), or None when there is no such home."""
    row = await PublicProfile.select(PublicProfile.version, PublicProfile.updated_at).where(
        PublicProfile.uscc == uscc.strip().upper()).first().run()
    return RowVersion(row["version"], row["updated_at"]) if row else None


async def row_versions(codes: list[str]) -> list[RowVersion | None]:
    """The versions of several homes' rows, in the order asked (None for an unknown USCC)."""
    wanted = [c.strip().upper() for c in codes]
    rows = await PublicProfile.select(PublicProfile.uscc, PublicProfile.version, PublicProfile.updated_at).where(
        PublicProfile.uscc.is_in(wanted or [""])).run()
    found = {r["uscc"]: RowVersion(r["version"], r["updated_at"]) for r in rows}
    return [found.get(c) for c in wanted]


async def counts_by_level() -> dict[str, int]:
    """How many homes have each credit level ("" for not rated yet)."""
    rows = await PublicProfile.raw("SELECT level, COUNT(*) AS n FROM public_profile GROUP BY level").run()
    return {r["level"] or "": r["n"] for r in rows}


async def data_version() -> DataVersion:
    """The change feed's tail (one index lookup): what pages listing many homes are cached by."""
    row = await ChangeEvent.select(ChangeEvent.seq, ChangeEvent.at).order_by(
        ChangeEvent.seq, ascending=False).first().run()
    return DataVersion(row["seq"], row["at"]) if row else DataVersion(0, None)


async def latest_disclosure_day() -> date | None:
    """The day of the newest published disclosure, if any."""
    rows = await PublicProfile.raw("SELECT MAX(day) AS day FROM disclosure").run()
    day = rows[0]["day"] if rows else None
    if isinstance(day, str):  # SQLite's MAX() loses the column type
        day = date.fromisoformat(day)
    return day
