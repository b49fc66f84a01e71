"""Public portal pages (HTML): search, institution profiles, comparison, the list, disclosures, the rules.

Each handler reads the visitor's preferences, answers 304 or a stored copy when the page has not changed
(see portal.public.caching), and otherwise builds plain data and renders it.
"""

from __future__ import annotations

import gzip
from collections.abc import Awaitable, Callable, Iterable
from math import ceil
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response

from credit.api_params import MAX_SEARCH_LENGTH
from credit.clock import Clock
from credit.csv_safe import csv_text
from credit.disclosures import service as disclosures
from credit.errors import NotFound
from credit.public import pages as public_pages, queries as public_queries
from credit.public.listed import CSV_HEADER as LISTING_CSV_HEADER, current_list
from credit.registry.districts import DISTRICTS, district_name
from credit.registry.offers import CARE_LEVELS, MAX_FEE, SERVICES, label
from credit.registry.service import OWNER_TYPES
from credit.settings import settings
from portal.public import caching, stored_pages, views
from portal.public.i18n import HTML_LANG
from portal.public.preferences import Preferences, path_with, preferences_of, url_with
from scoring import policy_for

HTML = "text/html; charset=utf-8"
# Our pages load only our own CSS and script; nothing inline may run, whatever a stored text contains.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
MAX_COMPARE = 3
SORTS = ("credit", "grade", "beds", "name")

Builder = Callable[[Preferences], Awaitable[dict[str, Any]]]  # the page's context, built on a cache miss


def base_context(request: Request[Any, Any, Any], prefs: Preferences) -> dict[str, Any]:
    return base_context_at(request.url.path, request.query_params.multi_items(), prefs)


def base_context_at(path: str, params: Iterable[tuple[str, str]], prefs: Preferences) -> dict[str, Any]:
    """What every public page's layout reads: the language and mode, and the links that switch them."""
    params = list(params)
    return {
        "lang": prefs.lang,
        "html_lang": HTML_LANG[prefs.lang],
        "elder": prefs.elder,
        "mode": prefs.mode,
        "path": path,
        "lang_url": path_with(path, params, lang="en" if prefs.lang == "zh" else "zh"),
        "mode_url": path_with(path, params, mode="standard" if prefs.elder else "elder"),
    }


def render(request: Request[Any, Any, Any], template: str, context: dict[str, Any]) -> bytes:
    engine = request.app.template_engine
    if engine is None:
        raise RuntimeError("the app has no template engine (credit.app.create_app configures one)")
    return engine.get_template(template).render(**context).encode()


async def page(
    request: Request[Any, Any, Any],
    clock: Clock,
    template: str,
    build: Builder,
    *,
    media_type: str = HTML,
    extra_headers: dict[str, str] | None = None,
    depends_on: caching.Version | None = None,
    preferences: Callable[[Request[Any, Any, Any]], Preferences] = preferences_of,
    rendered_ahead: Callable[[Preferences, str], Awaitable[bytes | None]] | None = None,
) -> Response[bytes]:
    """A cacheable public page: 304 when the client's copy is current, the stored copy when there is one.
    `clock`: the app's (its day is part of the page's version); `depends_on`: the version of the rows the page
    shows (default: the change feed's tail); `preferences`: how the language and mode are read (default: the
    query string, else the visitor's cookie); `rendered_ahead`: the page rendered ahead for these preferences and
    ETag (gzip), when there is one (portal.public.stored_pages)."""
    prefs = preferences(request)
    found = await caching.validators(request, prefs, clock.today(), depends_on)
    headers = {**found.headers(prefs), **SECURITY_HEADERS, **(extra_headers or {})}
    if not prefs.cookies and caching.not_modified(request, found):
        return Response(b"", status_code=304, headers=headers)
    store = request.app.stores.get(caching.PAGE_STORE)
    compress = caching.wants_gzip(request)
    key = found.etag + (":gzip" if compress else "")
    body = None
    if rendered_ahead is not None and (ahead := await rendered_ahead(prefs, found.etag)) is not None:
        body = ahead if compress else gzip.decompress(ahead)
    else:
        body = await store.get(key)
    if body is None:
        body = await store.get(found.etag) if compress else None
        if body is None:
            context = {**base_context(request, prefs), **await build(prefs)}
            if not template.endswith(".html"):  # a download or a feed: the builder made the bytes
                body = context["body"]
            else:
                context["data_day"] = await caching.disclosure_day()
                body = render(request, template, context)
            await store.set(found.etag, body, expires_in=caching.PAGE_TTL_SECONDS)
        if compress:
            body = caching.gzipped(body) if len(body) >= caching.GZIP_MINIMUM else body
            await store.set(key, body, expires_in=caching.PAGE_TTL_SECONDS)
    if compress and body[:2] == b"\x1f\x8b":
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=media_type, headers=headers, cookies=prefs.cookies)


def not_found_page(request: Request[Any, Any, Any], error: NotFound | None = None) -> Response[bytes]:
    """The portal's 404 page: a home that is not registered (`error` given) or an address we do not serve."""
    prefs = preferences_of(request)
    context = {**base_context(request, prefs), "data_day": None, "unknown_address": error is None}
    body = render(request, "public/not_found.html", context)
    return Response(
        body,
        status_code=404,
        media_type=HTML,
        cookies=prefs.cookies,
        headers={"Cache-Control": "no-cache", "Vary": caching.VARY, **SECURITY_HEADERS},
    )


def _int(value: str | None, low: int, high: int) -> int | None:
    try:
        number = int((value or "").strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def search_form(request: Request[Any, Any, Any]) -> tuple[public_queries.Filters, str, int, dict[str, str]]:
    """The filters, sort and page asked for; anything unusable is ignored (the form shows what was used)."""
    q = request.query_params
    typed = (q.get("q") or "").strip()
    district = (q.get("district") or "").strip()
    level = q.get("level") if q.get("level") in public_queries.LEVELS else ""
    owner = q.get("owner_type") if q.get("owner_type") in OWNER_TYPES else ""
    fire = q.get("fire") if q.get("fire") in public_queries.FIRE_STATUSES else ""
    filters = public_queries.Filters(
        q=typed[:MAX_SEARCH_LENGTH],
        district=district[:6],
        level=level or "",
        min_grade=_int(q.get("min_grade"), 1, 5),
        beds_min=_int(q.get("beds_min"), 0, 100000),
        beds_max=_int(q.get("beds_max"), 0, 100000),
        owner_type=owner or "",
        fire=fire or "",
        service=(q.get("service") or "") if q.get("service") in SERVICES else "",
        care_level=(q.get("care_level") or "") if q.get("care_level") in CARE_LEVELS else "",
        max_fee=_int(q.get("max_fee"), 0, MAX_FEE),
    )
    asked: str = q.get("sort") or ""
    sort = asked if asked in SORTS else "credit"
    number = _int(q.get("page"), 1, 1_000_000) or 1
    values = {
        "q": filters.q,
        "district": filters.district,
        "level": filters.level,
        "min_grade": str(filters.min_grade or ""),
        "beds_min": "" if filters.beds_min is None else str(filters.beds_min),
        "beds_max": "" if filters.beds_max is None else str(filters.beds_max),
        "owner_type": filters.owner_type,
        "fire": filters.fire,
        "service": filters.service,
        "care_level": filters.care_level,
        "max_fee": "" if filters.max_fee is None else str(filters.max_fee),
        "sort": sort,
        "q_cut": "yes" if len(typed) > MAX_SEARCH_LENGTH else "",
    }  # only the first characters searched
    return filters, sort, number, values


def page_url(request: Request[Any, Any, Any], number: int) -> str:
    return url_with(request, page=str(number) if number > 1 else "", lang="", mode="")


class PublicController(Controller):
    include_in_schema = False
    opt = {caching.COMPRESSED_OPT: True}  # pages are gzipped once and kept so (see page())
    exception_handlers = {NotFound: not_found_page}

    @get("/", operation_id="portalHome", name="home")
    async def home(self, request: Request[Any, Any, Any], clock: NamedDependency[Clock]) -> Response[bytes]:
        """Search by name or USCC with filters, sorted, a page at a time; the URL holds the whole search."""

        async def build(prefs: Preferences) -> dict[str, Any]:
            filters, sort, number, values = search_form(request)
            found = await public_queries.search(filters, sort=sort, page=number)
            pages = max(ceil(found.total / found.page_size), 1)
            districts = [(code, names[0] if prefs.lang == "zh" else names[1]) for code, names in DISTRICTS.items()]
            if filters.district and filters.district not in DISTRICTS:
                districts.append((filters.district, filters.district))
            items = [
                {
                    **r,
                    "district_name": district_name(r["district_code"], prefs.lang),
                    "credit_score": views.decimal(r["credit_score"]),
                    "words": views.level_words(r["credit_level"] or ""),
                    "offers": views.contact_and_offers(r, prefs.lang),
                }
                for r in found.items
            ]
            return {
                "values": values,
                "items": items,
                "total": found.total,
                "page": found.page,
                "pages": pages,
                "districts": districts,
                "owner_types": OWNER_TYPES,
                "levels": public_queries.LEVELS,
                "fire_statuses": public_queries.FIRE_STATUSES,
                "services": [(code, label(SERVICES, code, prefs.lang)) for code in SERVICES],
                "care_levels": [(code, label(CARE_LEVELS, code, prefs.lang)) for code in CARE_LEVELS],
                "sorts": SORTS,
                "prev_url": page_url(request, found.page - 1) if found.page > 1 else None,
                "next_url": page_url(request, found.page + 1) if found.page < pages else None,
                "last_url": page_url(request, pages),
                "level_counts": await public_queries.counts_by_level(),
                "searched": any(values[k] for k in values if k != "sort"),
                "max_search_length": MAX_SEARCH_LENGTH,
            }

        return await page(request, clock, "public/search.html", build)

    @get("/institutions/{uscc:str}", operation_id="portalInstitution")
    async def institution(
        self, request: Request[Any, Any, Any], clock: NamedDependency[Clock], uscc: FromPath[str]
    ) -> Response[bytes]:
        """One home: registry facts, grade, credit with its reasons, fire safety, penalties, list, history.
        One read gives the home's row version and the page rendered ahead for the visitor's language and mode
        (portal.public.stored_pages); only when that is not current is the document read and the page rendered.
        The page is cached under the row's own version."""
        prefs = preferences_of(request)
        variant = stored_pages.variant_of(prefs)
        rendered_ahead = not request.url.query and variant in settings.stored_page_variants  # the plain URL only
        head = await public_pages.page_head(uscc, variant if rendered_ahead else None)

        async def build(prefs: Preferences) -> dict[str, Any]:
            document = await public_queries.profile_bytes(head.uscc)  # read only when the page is rendered
            return stored_pages.institution_context(document, prefs, clock.today())

        async def ahead(prefs: Preferences, etag: str) -> bytes | None:
            return head.body if head.etag == etag else None

        return await page(
            request,
            clock,
            stored_pages.TEMPLATE,
            build,
            depends_on=caching.row_version([head.version]),
            preferences=lambda _: prefs,
            rendered_ahead=ahead,
        )

    @get("/compare", operation_id="portalCompare")
    async def compare(self, request: Request[Any, Any, Any], clock: NamedDependency[Clock]) -> Response[bytes]:
        """Up to three homes side by side (`?uscc=..&uscc=..`), cached under those homes' row versions."""
        codes = list(dict.fromkeys(c.strip().upper() for c in request.query_params.getall("uscc", []) if c.strip()))
        shown = codes if len(codes) <= MAX_COMPARE else []

        async def build(prefs: Preferences) -> dict[str, Any]:
            if len(codes) > MAX_COMPARE:
                return {"too_many": len(codes), "homes": [], "unknown": [], "codes": codes}
            on = clock.today()
            policy = policy_for(on)
            docs = await public_queries.profiles(codes)
            homes = [views.profile_of(docs[c], policy, on, prefs.lang) for c in codes if c in docs]
            return {"too_many": 0, "homes": homes, "unknown": [c for c in codes if c not in docs], "codes": codes}

        return await page(
            request,
            clock,
            "public/compare.html",
            build,
            depends_on=caching.row_version(await public_queries.row_versions(shown)),
        )

    @get("/listings", operation_id="portalListings")
    async def listings(self, request: Request[Any, Any, Any], clock: NamedDependency[Clock]) -> Response[bytes]:
        """The joint-punishment list in force: who, why, on what basis, since and until when."""

        async def build(prefs: Preferences) -> dict[str, Any]:
            number = _int(request.query_params.get("page"), 1, 1_000_000) or 1
            found = await current_list(number)
            pages = max(ceil(found.total / 50), 1)
            items = [{**e, "behaviour_text": views.behaviour_text(e["behaviour"], prefs.lang)} for e in found.items]
            return {
                "items": items,
                "total": found.total,
                "page": number,
                "pages": pages,
                "prev_url": page_url(request, number - 1) if number > 1 else None,
                "next_url": page_url(request, number + 1) if number < pages else None,
            }

        return await page(request, clock, "public/listings.html", build)

    @get("/listings.csv", operation_id="portalListingsCsv")
    async def listings_csv(self, request: Request[Any, Any, Any], clock: NamedDependency[Clock]) -> Response[bytes]:
        """The same list as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""

        async def build(prefs: Preferences) -> dict[str, Any]:
            rows = []
            number = 1
            while True:
                found = await current_list(number, page_size=500)
                rows += [
                    (
                        e["institution_name"],
                        e["uscc"],
                        e["practitioner_name"] or e["institution_name"],
                        views.behaviour_text(e["behaviour"], "zh"),
                        "；".join(e["penalty_numbers"] or []),
                        e["listed_on"],
                        e["expires_on"],
                    )
                    for e in found.items
                ]
                if number * 500 >= found.total:
                    break
                number += 1
            return {"body": csv_text(LISTING_CSV_HEADER, rows).encode()}

        return await page(
            request,
            clock,
            "listings.csv",
            build,
            media_type="text/csv; charset=utf-8",
            extra_headers={"Content-Disposition": 'attachment; filename="eldercredit-list.csv"'},
        )

    @get("/disclosures", operation_id="portalDisclosures")
    async def disclosure_archive(
        self, request: Request[Any, Any, Any], clock: NamedDependency[Clock]
    ) -> Response[bytes]:
        """Every daily disclosure with its downloads, the public key and how to check a signature."""

        async def build(prefs: Preferences) -> dict[str, Any]:
            return {"items": await disclosures.archive()}

        return await page(request, clock, "public/disclosures.html", build)

    @get("/about", operation_id="portalAbout")
    async def about(self, request: Request[Any, Any, Any], clock: NamedDependency[Clock]) -> Response[bytes]:
        """How ratings are made, generated from the policy in force."""

        async def build(prefs: Preferences) -> dict[str, Any]:
            return {"a": views.about(policy_for(clock.today()))}

        return await page(request, clock, "public/about.html", build)
