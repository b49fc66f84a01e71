"""Reads of the public projection (no writes, so they can run on a read replica).

A profile is one indexed read of one row. A search is two steps: the ids of one page in order (and the exact
count) from the flat columns and the search index alone, then those rows by primary key. On SQLite a row's
document lies between the sort keys and the columns added after it (version, offers, contact), so a query that
returns those columns follows every matching row's overflow pages; the first step reads only the columns before
the document. The name/USCC text condition is `text_condition`, the one place a typed query becomes SQL.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from litestar.serialization import encode_json

from credit.db import current_engine, read
from credit.errors import NotFound
from credit.public.tables import PublicProfile
from credit.search.match import TextMatch, text_match
from credit.search_text import like_escape
from credit.sharing.tables import ChangeEvent

PAGE_SIZE = 20
FIRE_STATUSES = ("compliant", "basically_compliant", "non_compliant", "none")
LEVELS = ("A", "B", "C", "D")
# sort key -> ORDER BY (every one ends on the institution id, so pages never overlap)
# Ties in score or grade are broken by the other, then by fire safety (compliant first), then name, then id,
# so equal homes keep one order on every page and a better-run home comes first.
_FIRE_RANK = (
    "(CASE p.fire_status WHEN 'compliant' THEN 0 WHEN 'basically_compliant' THEN 1 WHEN 'none' THEN 2 ELSE 3 END)"
)
_SCORE, _GRADE = "COALESCE(p.score, -1) DESC", "COALESCE(p.grade, 0) DESC"
_TAIL = f"{_FIRE_RANK} ASC, p.name ASC, p.institution ASC"
SORTS = {
    "credit": f"{_SCORE}, {_GRADE}, {_TAIL}",
    "grade": f"{_GRADE}, {_SCORE}, {_TAIL}",
    "beds": f"p.beds DESC, {_SCORE}, {_GRADE}, {_TAIL}",
    "name": "p.name ASC, p.institution ASC",
}
COLUMNS = (
    "p.institution AS id, p.uscc, p.name, p.district_code, p.beds, p.owner_type, p.status, "
    "p.level AS credit_level, p.score AS credit_score, p.grade, p.fire_status, p.version, "
    "p.services, p.care_levels, p.fee_min, p.fee_max, p.address, p.phone, p.website"
)


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
    service: str = ""  # offers this service (a code of credit.registry.offers.SERVICES)
    care_level: str = ""  # accepts this care level (CARE_LEVELS)
    max_fee: int | None = None  # can be had for at most this many yuan a month (its lowest fee, or its only one)


@dataclass(frozen=True, slots=True)
class SearchPage:
    items: list[dict[str, Any]]  # the flat columns of each row (id, uscc, name, ..., fire_status, version;
    # services and care_levels as stored: ",code,code,", None when not reported: see offer_sets)
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


def text_condition(q: str) -> TextMatch | None:
    """The text condition and relevance rank of the typed text `q` over the search index (joined as `s`):
    simplified or traditional name, pinyin, initials, USCC prefix (credit.search.match). The one place text
    search is defined; None when `q` has nothing to match."""
    return text_match(q, current_engine().engine_type)


def _where(filters: Filters) -> tuple[str, list[Any]]:
    parts: list[str] = []
    args: list[Any] = []
    for value, sql in (
        (filters.district, "p.district_code = {}"),
        (filters.level, "p.level = {}"),
        (filters.min_grade or None, "p.grade >= {}"),
        (filters.beds_min, "p.beds >= {}"),
        (filters.beds_max, "p.beds <= {}"),
        (filters.owner_type, "p.owner_type = {}"),
        (filters.fire, "p.fire_status = {}"),
        (filters.service and f"%,{like_escape(filters.service)},%", "p.services LIKE {} ESCAPE '\\'"),
        (filters.care_level and f"%,{like_escape(filters.care_level)},%", "p.care_levels LIKE {} ESCAPE '\\'"),
        # A home that reports no fee is not known to be within the budget, so it is not found.
        (filters.max_fee, "COALESCE(p.fee_min, p.fee_max) <= {}"),
    ):
        if value is not None and value != "":
            parts.append(sql)
            args.append(value)
    return " AND ".join(parts), args


async def search(filters: Filters, sort: str = "credit", page: int = 1, page_size: int = PAGE_SIZE) -> SearchPage:
    """One page of the homes matching every filter, most relevant first when there is a query text, then in
    the order of `sort`; with the exact total. The one search of the portal, the public API and the workspace."""
    where, args = _where(filters)
    matched = text_condition(filters.q.strip())
    source, conditions, order, order_args = (
        "public_profile p",
        [where] if where else [],
        SORTS.get(sort, SORTS["credit"]),
        [],
    )
    if matched:
        source = "public_profile p JOIN institution_search s ON s.institution = p.institution"
        conditions.insert(0, matched.where)
        args = [*matched.where_args, *args]
        order, order_args = f"{matched.rank} ASC, {order}", matched.rank_args
    clause = (" WHERE " + " AND ".join(conditions)) if conditions else ""
    page = max(page, 1)
    total = (await read(PublicProfile.raw(f"SELECT COUNT(*) AS n FROM {source}{clause}", *args)))[0]["n"]
    ids = await read(
        PublicProfile.raw(
            f"SELECT p.institution AS id FROM {source}{clause} ORDER BY {order} LIMIT {int(page_size)} "
            f"OFFSET {int((page - 1) * page_size)}",
            *args,
            *order_args,
        )
    )
    return SearchPage(await _rows([r["id"] for r in ids]), total, page, page_size)


async def _rows(ids: list[int]) -> list[dict[str, Any]]:
    """The flat columns of the given homes, in the order given (one primary-key read)."""
    if not ids:
        return []
    rows = await read(
        PublicProfile.raw(
            f"SELECT {COLUMNS} FROM public_profile p WHERE p.institution IN ({', '.join('{}' for _ in ids)})", *ids
        )
    )
    found = {r["id"]: r for r in rows}
    return [found[i] for i in ids if i in found]


async def documents(ids: list[int]) -> dict[int, dict[str, Any]]:
    """The profile documents of the given institutions (those with a row), keyed by id."""
    return {i: json.loads(document) for i, document in (await document_bytes(ids)).items()}


async def document_bytes(ids: list[int]) -> dict[int, bytes]:
    """The stored profile documents (JSON bytes) of the given institutions (those with a row), keyed by id:
    for a caller that decodes only the fields it sends."""
    if not ids:
        return {}
    rows = await read(
        PublicProfile.raw(
            f"SELECT institution, document FROM public_profile WHERE institution IN ({', '.join('{}' for _ in ids)})",
            *ids,
        )
    )
    return {r["institution"]: r["document"].encode() for r in rows}


async def documents_of_day(on: date, batch: int = 500) -> AsyncIterator[dict[str, Any]]:
    """Every home's profile document as the public sees it on `on`, in institution id order: the stored
    rows, and for rows computed for another day (a day being caught up, or before the day's first rescore)
    the documents of `on` computed from the tables without writing. What every public bulk output reads."""
    from credit.public.projection import documents_on  # computes from the tables; only for other-day rows

    last_id = 0
    while True:
        rows = await read(
            PublicProfile.select(PublicProfile.institution, PublicProfile.as_of, PublicProfile.document)
            .where(PublicProfile.institution > last_id)
            .order_by(PublicProfile.institution)
            .limit(batch)
        )
        if not rows:
            return
        last_id = rows[-1]["institution"]
        other_day = [r["institution"] for r in rows if r["as_of"] != on]
        computed = json.loads(encode_json(await documents_on(other_day, on))) if other_day else {}
        for row in rows:
            yield computed.get(str(row["institution"])) or json.loads(row["document"])


# The one-row reads of a page view, as plain SQL: Piccolo's select builder costs more than the read itself.
_PROFILE_ROW = "SELECT version, updated_at, document FROM public_profile WHERE uscc = {}"


async def _profile_row(uscc: str) -> dict[str, Any] | None:
    rows = await read(PublicProfile.raw(_PROFILE_ROW, uscc.strip().upper()))
    return rows[0] if rows else None


async def profile_bytes(uscc: str) -> bytes:
    """The public profile document of the home with `uscc`, as stored (JSON bytes). Raises NotFound."""
    row = await _profile_row(uscc)
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
    rows = await read(
        PublicProfile.select(PublicProfile.uscc, PublicProfile.document).where(
            PublicProfile.uscc.is_in([c.strip().upper() for c in codes])
        )
    )
    return {r["uscc"]: json.loads(r["document"]) for r in rows}


@dataclass(frozen=True, slots=True)
class ProfileRow:
    version: RowVersion
    document: bytes


async def profile_row(uscc: str) -> ProfileRow:
    """One home's row: its version and its document (one indexed read). Raises NotFound."""
    row = await _profile_row(uscc)
    if row is None:
        raise NotFound(f"institution {uscc}")
    return ProfileRow(RowVersion(row["version"], row["updated_at"]), row["document"].encode())


async def row_version(uscc: str) -> RowVersion | None:
    """The version of one home's row (one indexed read), or None when there is no such home."""
    row = await read(
        PublicProfile.select(PublicProfile.version, PublicProfile.updated_at)
        .where(PublicProfile.uscc == uscc.strip().upper())
        .first()
    )
    return RowVersion(row["version"], row["updated_at"]) if row else None


async def row_versions(codes: list[str]) -> list[RowVersion | None]:
    """The versions of several homes' rows, in the order asked (None for an unknown USCC)."""
    wanted = [c.strip().upper() for c in codes]
    rows = await read(
        PublicProfile.select(PublicProfile.uscc, PublicProfile.version, PublicProfile.updated_at).where(
            PublicProfile.uscc.is_in(wanted or [""])
        )
    )
    found = {r["uscc"]: RowVersion(r["version"], r["updated_at"]) for r in rows}
    return [found.get(c) for c in wanted]


async def counts_by_level() -> dict[str, int]:
    """How many homes have each credit level ("" for not rated yet)."""
    rows = await read(PublicProfile.raw("SELECT level, COUNT(*) AS n FROM public_profile GROUP BY level"))
    return {r["level"] or "": r["n"] for r in rows}


async def data_version() -> DataVersion:
    """The change feed's tail (one index lookup): what pages listing many homes are cached by."""
    row = await read(
        ChangeEvent.select(ChangeEvent.seq, ChangeEvent.at).order_by(ChangeEvent.seq, ascending=False).first()
    )
    return DataVersion(row["seq"], row["at"]) if row else DataVersion(0, None)


async def latest_disclosure_day() -> date | None:
    """The day of the newest published disclosure, if any."""
    rows = await read(PublicProfile.raw("SELECT MAX(day) AS day FROM disclosure"))
    day = rows[0]["day"] if rows else None
    if isinstance(day, str):  # SQLite's MAX() loses the column type
        day = date.fromisoformat(day)
    return day
