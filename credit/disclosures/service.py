"""The daily disclosure (信用公示): the public snapshot of one day, signed, chained, published once."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from credit import db
from credit.changes import Event, record_changed
from credit.csv_safe import BOM, SafeCsv
from credit.disclosures import days
from credit.disclosures.signing import load_or_create_key, public_key_pem, sign
from credit.disclosures.tables import Disclosure
from credit.errors import NotFound
from credit.listings import rules
from credit.public import feedback_stats
from credit.public.listed import current_list
from credit.public.queries import documents_of_day
from credit.public.supervision import published_results
from credit.settings import settings
from credit.timeutil import now_utc, today as local_today
from scoring import policy_for

# /1: the CSV wrote cells as they were. /2: the signed JSON names its CSV's format (`csv_format`), and that
# CSV goes through credit.csv_safe (a cell starting with =, +, -, @, tab or CR gets a leading '). A stored
# disclosure keeps the bytes it was signed with, so one published as /1 verifies exactly as before.
FORMAT = "eldercredit-disclosure/2"
CSV_FORMAT = "eldercredit-disclosure-csv/2"
BATCH = 500
CSV_COLUMNS = (
    "uscc",
    "name",
    "district_code",
    "level",
    "score",
    "policy_version",
    "grade",
    "fire_status",
    "active_penalties",
    "list_state",
)
CSV_HEADER = (
    "统一社会信用代码 uscc",
    "机构名称 name",
    "区县代码 district",
    "信用等级 level",
    "信用分 score",
    "评价规则版本 policy",
    "等级评定 grade",
    "消防安全 fire",
    "公示中的处罚 active penalties",
    "名单状态 list",
)


@dataclass(frozen=True, slots=True)
class Published:
    day: date
    digest: str
    created: bool  # False when the day was already published (a rerun is a no-op)


def signing_key():
    return _key_at(settings.signing_key_path)


@functools.lru_cache(maxsize=4)
def _key_at(path):
    # Read (or create) once per process: the public-key endpoint and every publication need it.
    return load_or_create_key(path)


def served_public_key() -> bytes:
    return public_key_pem(signing_key())


_SPLICE = "eldercredit-institutions-go-here"


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def institution_line(doc: dict[str, Any]) -> dict[str, Any]:
    """One institution's line of the snapshot, from its public profile document (credit.public)."""
    credit = doc["credit"]
    return {
        "uscc": doc["uscc"],
        "name": doc["name"],
        "district_code": doc["district_code"],
        "level": credit["level"],
        "score": str(credit["score"]),
        "policy_version": credit["policy_version"],
        "grade": doc["grade"],
        "fire_status": doc["fire"]["status"],
        # One contribution per penalty inside its publication period (revoked and ended ones have none).
        "active_penalties": sum(1 for c in credit["contributions"] if c["code"].startswith("penalty.")),
        # Only the listed state is public; proposals and objections are not disclosed.
        "list_state": rules.LISTED if doc["listed"] else "",
    }


async def snapshot_lines(on: date) -> AsyncIterator[dict[str, Any]]:
    """Every institution's line of the day's snapshot, in id order, read from the public projection; rows
    not computed for `on` (a day being caught up) are computed for it without being written."""
    async for doc in documents_of_day(on, BATCH):
        yield institution_line(doc)


async def build(on: date, previous_digest: str) -> tuple[bytes, bytes, int]:
    """(JSON bytes, CSV bytes, institution count) of the day's snapshot."""
    writer = SafeCsv()
    csv_parts = [BOM, writer.row(CSV_HEADER)]
    lines: list[bytes] = []
    async for line in snapshot_lines(on):
        lines.append(_canonical(line))
        csv_parts.append(writer.row(line[c] for c in CSV_COLUMNS))
    csv_bytes = "".join(csv_parts).encode()
    listed = []
    page = 1
    while True:
        found = await current_list(page, page_size=500)
        listed += found.items
        if page * 500 >= found.total:
            break
        page += 1
    head = {
        "format": FORMAT,
        "day": on.isoformat(),
        "policy_version": policy_for(on).version,
        "previous_digest": previous_digest,
        "csv_format": CSV_FORMAT,
        "csv_sha256": hashlib.sha256(csv_bytes).hexdigest(),
        "institutions_count": len(lines),
        "list": listed,
        # The random-inspection results published or corrected that day (双随机、一公开; credit.public.supervision).
        "supervision_results": await published_results(published_on=on, on=on),
        # citizen feedback: monthly counts per district, never the content (credit.public.feedback_stats)
        "feedback": {"districts": await feedback_stats.by_district(on)},
    }
    # The institutions array is spliced in at its sorted place so the lines need not be parsed again: the result
    # is canonical JSON (sorted keys, no whitespace, UTF-8), the same bytes as _canonical of the whole document.
    body = _canonical({**head, "institutions": _SPLICE}).replace(
        b'"' + _SPLICE.encode() + b'"', b"[" + b",".join(lines) + b"]", 1
    )
    return body, csv_bytes, len(lines)


async def publish(on: date, today: date | None = None) -> Published:
    """Publish the disclosure of `on`, once: a rerun for a published day changes nothing.

    Only the day right after the last published one (or the first day of all) is published, never a day
    after `today` (Asia/Shanghai, the clock by default): see credit.disclosures.days; a refused day raises
    DayRefused and writes nothing. The row (JSON, CSV, digest, signature, previous digest) is written in one
    transaction, so a process killed midway leaves no partial disclosure and the next run publishes it.
    """
    existing = await Disclosure.select(Disclosure.digest).where(Disclosure.day == on).first().run()
    if existing:
        return Published(on, existing["digest"], created=False)
    days.refuse_future(on, today or local_today())
    previous = await _chain_end()
    days.refuse_unless_next(on, previous["day"] if previous else None)
    previous_digest = previous["digest"] if previous else ""
    body, csv_bytes, count = await build(on, previous_digest)
    digest = hashlib.sha256(body).hexdigest()
    signature = sign(signing_key(), body)
    async with db.transaction():
        if await Disclosure.exists().where(Disclosure.day == on).run():
            stored = db.found(
                await Disclosure.select(Disclosure.digest).where(Disclosure.day == on).first().run(), "disclosure"
            )
            return Published(on, stored["digest"], created=False)
        end = await _chain_end()
        if (end["digest"] if end else "") != previous_digest:  # another process extended the chain meanwhile
            days.refuse_unless_next(on, end["day"] if end else None)
        await (
            Disclosure(
                day=on,
                published_at=now_utc(),
                policy_version=policy_for(on).version,
                institutions_count=count,
                digest=digest,
                previous_digest=previous_digest,
                signature=signature,
                json_body=body.decode(),
                csv_body=csv_bytes.decode(),
            )
            .save()
            .run()
        )
        await record_changed(Event("disclosure", "published", 0, {"day": on, "digest": digest, "institutions": count}))
    return Published(on, digest, created=True)


async def _chain_end() -> dict[str, Any] | None:
    """The last published day and its digest."""
    return (
        await Disclosure.select(Disclosure.day, Disclosure.digest)
        .order_by(Disclosure.day, ascending=False)
        .first()
        .run()
    )


async def archive(page: int = 1, page_size: int | None = None) -> list[dict[str, Any]]:
    """Published disclosures, newest first; with `page_size`, only that page of them (past the end: [])."""
    query = Disclosure.select(
        Disclosure.day,
        Disclosure.published_at,
        Disclosure.policy_version,
        Disclosure.institutions_count,
        Disclosure.digest,
        Disclosure.previous_digest,
    ).order_by(Disclosure.day, ascending=False)
    if page_size is not None:
        query = query.limit(page_size).offset((page - 1) * page_size)
    return await query.run()


async def archive_count() -> int:
    return await Disclosure.count().run()


async def disclosure_of(day: date) -> dict[str, Any]:
    row = await Disclosure.select().where(Disclosure.day == day).first().run()
    if row is None:
        raise NotFound(f"no disclosure for {day}")
    return row


def json_bytes(row: dict[str, Any]) -> bytes:
    return row["json_body"].encode()


def csv_bytes(row: dict[str, Any]) -> bytes:
    return row["csv_body"].encode()
