"""HTTP caching of public pages.

A page is a function of the data (for one home's page, or a comparison, the projection rows it shows,
by their own version; for pages listing many homes, the change feed's tail: every public write emits an event),
today's date (penalties leave the public view by date), the language, the display mode, the URL and the
templates themselves. Those make the ETag, computed with one index lookup before anything is rendered:
a matching If-None-Match gets 304 at once; a rendered page is kept in the page store (Redis when
REDIS_URL is set, a bounded process-memory store otherwise) under its ETag, so a repeated request costs
that one lookup. A write to one home changes only the ETags of the pages that show it (and of the lists).

The store is bounded, so no flood of distinct URLs can fill Redis or the process: every page expires after
PAGE_STORE_TTL_SECONDS, and at most PAGE_STORE_MAX_KEYS pages are kept (the memory store forgets the least
recently used; the Redis store stops storing new pages once the budget of the current TTL window is spent
and serves them rendered). The URL part of the key is the page's own query parameters only (PAGE_PARAMETERS,
plus lang and mode), sorted and without empty values: `KnownParameters` rewrites the query string of a
public page before its handler runs, so utm_*, unknown or reordered parameters neither make new keys nor
reach the links a page renders.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from litestar import Request
from litestar.stores.base import Store
from litestar.types import ASGIApp, Receive, Scope, Send

from credit.db import current_engine
from credit.public.queries import DataVersion, data_version, latest_disclosure_day
from credit.settings import Settings, settings as default_settings
from credit.stores import BudgetedRedisStore, redis_store
from portal.public.preferences import Preferences

PAGE_STORE = "portal_pages"
COMPRESSED_OPT = "compresses_itself"  # handler opt: the app's compression middleware leaves its responses alone
GZIP_MINIMUM = 500  # bytes; smaller bodies are sent as they are
PAGE_TTL_SECONDS = default_settings.page_store_ttl_seconds
MAX_AGE_SECONDS = 60
MEMORY_ENTRIES = default_settings.page_store_max_keys
# The query parameters each public page reads (every page also reads lang and mode, see preferences.py).
# A parameter missing here never reaches the page: add it here when a page learns a new one.
PREFERENCE_PARAMETERS = ("lang", "mode")
PAGE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "/": (
        *("q", "district", "level", "min_grade", "beds_min", "beds_max", "owner_type", "fire"),
        *("service", "care_level", "max_fee", "sort", "page"),
    ),
    "/institutions/": (),  # /institutions/{uscc}, and its pages below (INSTITUTION_PAGES)
    "/compare": ("uscc",),
    "/listings": ("page",),
    "/listings.csv": (),
    "/listings/feed.atom": (),
    "/listing/feed.atom": (),
    "/disclosures": ("page",),
    "/about": (),
    "/supervision": ("month",),
    "/supervision.csv": ("month",),
    "/data/dictionary": (),
}
INSTITUTION_PAGES = ("feed.atom", "report")  # /institutions/{uscc}/feed.atom, /institutions/{uscc}/report
VARY = "Cookie, Accept-Encoding"
# How long one process may reuse the data version it read (0: read it on every request). A page may thus
# be up to this long behind a change, far less than the max-age a browser or proxy may keep it anyway;
# it spares the database one query per page view (about 2 ms on SQLite, where Piccolo opens a connection
# per query). Each replica reads it on its own: nothing here is state another replica needs.
VERSION_TTL_SECONDS = default_settings.portal_version_ttl_seconds  # PORTAL_VERSION_TTL_SECONDS
# The clock of that reuse (seconds, only differences count); tests put a controlled one here.
version_clock: Callable[[], float] = time.monotonic
PORTAL_DIR = Path(__file__).resolve().parent.parent


def _build_id() -> str:
    """A digest of the templates, static files and catalogs: a release with new pages gets new ETags."""
    digest = hashlib.sha256()
    for folder in ("templates", "static", "i18n"):
        for path in sorted((PORTAL_DIR / folder).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(PORTAL_DIR).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


BUILD_ID = _build_id()


class BoundedMemoryStore(Store):
    """A process-memory page store holding at most `entries` pages (least recently used leave), each for at
    most `ttl` seconds."""

    def __init__(self, entries: int = MEMORY_ENTRIES, ttl: int = PAGE_TTL_SECONDS) -> None:
        self._entries = entries
        self._ttl = ttl
        self._items: OrderedDict[str, tuple[bytes, float]] = OrderedDict()

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else (expires_in or self._ttl)
        self._items[key] = (
            value.encode() if isinstance(value, str) else value,
            time.monotonic() + min(seconds, self._ttl),
        )
        self._items.move_to_end(key)
        while len(self._items) > self._entries:
            self._items.popitem(last=False)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        item = self._items.get(key)
        if item is None:
            return None
        if item[1] < time.monotonic():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return item[0]

    async def delete(self, key: str) -> None:
        self._items.pop(key, None)

    async def delete_all(self) -> None:
        self._items.clear()

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        item = self._items.get(key)
        return None if item is None else max(int(item[1] - time.monotonic()), 0)


def page_store(settings: Settings) -> Store:
    """Shared in Redis when there is one; otherwise a bounded store in this process. Both bounded by
    PAGE_STORE_TTL_SECONDS and PAGE_STORE_MAX_KEYS."""
    if settings.redis_url:
        return redis_store(settings, "eldercredit-pages", BudgetedRedisStore).bounded(
            settings.page_store_max_keys, settings.page_store_ttl_seconds
        )
    return BoundedMemoryStore(settings.page_store_max_keys, settings.page_store_ttl_seconds)


def known_parameters(path: str) -> tuple[str, ...] | None:
    """The query parameters the public page at `path` reads, or None when `path` is no public page."""
    found = PAGE_PARAMETERS.get(path)
    rest = path[len("/institutions/") :] if path.startswith("/institutions/") else None
    if found is None and rest is not None and ("/" not in rest or rest.split("/", 1)[1] in INSTITUTION_PAGES):
        found = PAGE_PARAMETERS["/institutions/"]
    return None if found is None else found + PREFERENCE_PARAMETERS


def canonical_query(query: bytes | str, allowed: tuple[str, ...]) -> str:
    """The page's own parameters, sorted by name (repeated ones keep their order), empty values dropped."""
    text = query.decode("latin-1") if isinstance(query, bytes) else query
    pairs = [(k, v) for k, v in parse_qsl(text, keep_blank_values=False) if k in allowed and v.strip()]
    return urlencode(sorted(pairs, key=lambda pair: pair[0]))


class KnownParameters:
    """ASGI middleware: a public page sees (and is cached under) its canonical query string only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            allowed = known_parameters(scope["path"])
            if allowed is not None:
                scope["query_string"] = canonical_query(scope["query_string"], allowed).encode()
        await self.app(scope, receive, send)


_memo: dict[int, tuple[float, DataVersion]] = {}
_reading: dict[int, asyncio.Future] = {}


async def current_version() -> DataVersion:
    """The data version, read at most once per TTL per process; concurrent requests share one read."""
    if VERSION_TTL_SECONDS <= 0:
        return await data_version()
    engine_key = id(current_engine())
    memo = _memo.get(engine_key)
    if memo and memo[0] > version_clock():
        return memo[1]
    reading = _reading.get(engine_key)
    if reading is None:
        reading = _reading[engine_key] = asyncio.ensure_future(_read(engine_key))
    return await asyncio.shield(reading)


async def _read(engine_key: int) -> DataVersion:
    try:
        version = await data_version()
        _memo[engine_key] = (version_clock() + VERSION_TTL_SECONDS, version)
        return version
    finally:
        _reading.pop(engine_key, None)


def wants_gzip(request: Request[Any, Any, Any]) -> bool:
    """Whether Accept-Encoding lists gzip with a non-zero q."""
    for part in request.headers.get("accept-encoding", "").split(","):
        name, _, parameters = part.partition(";")
        if name.strip().lower() != "gzip":
            continue
        quality = parameters.strip().removeprefix("q=")
        try:
            return float(quality) > 0 if quality else True
        except ValueError:
            return False
    return False


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str
    last_modified: datetime

    def headers(self, prefs: Preferences) -> dict[str, str]:
        # A response that sets a preference cookie is the visitor's own: no shared cache may keep it.
        scope = "private" if prefs.cookies else "public"
        return {
            "ETag": self.etag,
            "Last-Modified": format_datetime(self.last_modified, usegmt=True),
            "Cache-Control": f"{scope}, max-age={MAX_AGE_SECONDS}",
            "Vary": VARY,
        }


@dataclass(frozen=True, slots=True)
class Version:
    """What a page's content depends on: `tag` names it (a home's row version, or the feed tail for pages
    that list many homes), `at` is when it last changed."""

    tag: str
    at: datetime | None


def row_version(versions: list[Any]) -> Version:
    """The version of a page showing the given homes' rows (RowVersion or None each)."""
    tag = "rows:" + ",".join("-" if v is None else str(v.version) for v in versions)
    times = [v.at for v in versions if v is not None and v.at is not None]
    return Version(tag, max(times) if times else None)


_day_memo: dict[int, tuple[float, Any]] = {}


async def disclosure_day() -> Any:
    """The latest disclosure day (every page names it), read at most once per VERSION_TTL_SECONDS."""
    engine_key = id(current_engine())
    memo = _day_memo.get(engine_key)
    if VERSION_TTL_SECONDS > 0 and memo and memo[0] > time.monotonic():
        return memo[1]
    day = await latest_disclosure_day()
    _day_memo[engine_key] = (time.monotonic() + VERSION_TTL_SECONDS, day)
    return day


async def validators(
    request: Request[Any, Any, Any], prefs: Preferences, day: date, depends_on: Version | None = None
) -> Validators:
    """ETag and Last-Modified of a page: of the rows it shows when `depends_on` says so (a write to another
    home leaves it valid), else of the change feed's tail (pages listing many homes); `day` is the app clock's today."""
    if depends_on is None:
        tail = await current_version()
        depends_on = Version(f"feed:{tail.seq}", tail.at)
        data_day = ""
    else:
        data_day = str(await disclosure_day() or "")
    version = depends_on
    etag = page_etag(version.tag, data_day, day, prefs.lang, prefs.mode, request.url.path, request.url.query or "")
    return Validators(etag, last_modified(version, day))


def page_etag(tag: str, data_day: str, day: date, lang: str, mode: str, path: str, query: str) -> str:
    """The ETag of a page: the templates (BUILD_ID), the data it shows (`tag`), the latest disclosure day it
    names (`data_day`, "" for pages keyed on the feed tail), today, the language and mode, the URL."""
    key = "|".join((BUILD_ID, tag, data_day, day.isoformat(), lang, mode, path, query))
    return 'W/"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def last_modified(version: Version, day: date) -> datetime:
    """When the page last changed: its data's change, or the start of today (a page also changes by date)."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=default_settings.timezone)  # today began
    return max(version.at or midnight, midnight).astimezone(UTC).replace(microsecond=0)


def not_modified(request: Request[Any, Any, Any], found: Validators) -> bool:
    """Whether the client's copy is current (If-None-Match first; If-Modified-Since only without it)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip() for t in if_none_match.split(",")}
        return "*" in tags or found.etag in tags or found.etag.removeprefix("W/") in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            return found.last_modified <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
    return False
