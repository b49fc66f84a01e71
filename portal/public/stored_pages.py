"""Each home's institution page rendered ahead of visitors (issue 14): a visitor's request is then one read by
primary key instead of a render of 1-3 ms, whichever of the 41,000 homes it asks for.

The `render_pages` job renders, for every home and every variant in STORED_PAGE_VARIANTS, the page a request
for `/institutions/{uscc}` (no query string; the language and mode from the visitor's cookies) would get today,
and keeps it under that request's ETag (credit.public.pages). Only pages whose ETag changed are rendered again:
a write to a home (new row version), a new disclosure day, a new day or a new release (BUILD_ID) each make
the pages they touch stale, and a stale page is never served; until the job renders it again the page is rendered
per request, exactly as before. `render_institution` builds the context the handler builds (portal.public.pages)
in an environment configured as the app's; tests/portal/test_stored_pages.py checks that the stored page is the
page the handler renders, byte for byte.
"""

from __future__ import annotations

import asyncio
import time
from datetime import date
from typing import Any

import msgspec
from jinja2 import Environment

from credit.db import read
from credit.public import pages as stored
from credit.public.queries import RowVersion, latest_disclosure_day
from credit.public.tables import PublicProfile
from credit.settings import settings
from portal.public import caching, views
from portal.public.preferences import Preferences
from portal.templating import public_environment
from scoring import policy_for

TEMPLATE = "public/institution.html"
BATCH = 200


def path_of(uscc: str) -> str:
    return f"/institutions/{uscc}"


def variant_of(prefs: Preferences) -> str:
    return f"{prefs.lang}-{prefs.mode}"


def render_institution(
    environment: Environment, uscc: str, document: bytes, prefs: Preferences, on: date, data_day: date | None
) -> bytes:
    """The institution page of one home (its projection `document`) in the visitor's language and mode, on `on`,
    naming the latest disclosure `data_day`."""
    from portal.public.pages import base_context_at  # the pages module routes to this one

    context = {
        **base_context_at(path_of(uscc), [], prefs),
        **institution_context(document, prefs, on),
        "data_day": data_day,
    }
    return environment.get_template(TEMPLATE).render(**context).encode()


def institution_context(document: bytes, prefs: Preferences, on: date) -> dict[str, Any]:
    """What the institution page shows of a home's projection `document` on `on`, beyond every page's layout
    context: the handler's builder and `render_institution` both use it."""
    policy = policy_for(on)
    return {"p": views.profile_of(msgspec.json.decode(document), policy, on, prefs.lang, prefs.elder), "policy": policy}


def etag_of(uscc: str, version: RowVersion, prefs: Preferences, on: date, data_day: date | None) -> str:
    """The ETag of `/institutions/{uscc}` without a query string, as caching.validators computes it."""
    tag = caching.row_version([version]).tag
    return caching.page_etag(tag, str(data_day or ""), on, prefs.lang, prefs.mode, path_of(uscc), "")


def _preferences(variant: str) -> Preferences:
    lang, mode = variant.split("-", 1)
    return Preferences(lang, mode)


async def render_stale_pages(on: date, variants: tuple[str, ...] | None = None) -> str:
    """Render and keep every home's page in each variant whose stored copy is not current for `on`; forget the
    pages of variants not rendered any more and of homes gone. Yields to the event loop between pages, so a
    replica running it keeps answering its requests."""
    variants = settings.stored_page_variants if variants is None else variants
    started = time.monotonic()
    environment = public_environment()
    data_day = await latest_disclosure_day()
    rendered = current = 0
    last_id = 0
    while True:
        rows = await read(
            PublicProfile.select(
                PublicProfile.institution,
                PublicProfile.uscc,
                PublicProfile.version,
                PublicProfile.updated_at,
                PublicProfile.document,
            )
            .where(PublicProfile.institution > last_id)
            .order_by(PublicProfile.institution)
            .limit(BATCH)
        )
        if not rows:
            break
        last_id = rows[-1]["institution"]
        have = await stored.stored_etags([r["uscc"] for r in rows], variants)
        pages = []
        for row in rows:
            version = RowVersion(row["version"], row["updated_at"])
            for variant in variants:
                prefs = _preferences(variant)
                etag = etag_of(row["uscc"], version, prefs, on, data_day)
                if have.get(stored.page_key(row["uscc"], variant)) == etag:
                    current += 1
                    continue
                body = render_institution(environment, row["uscc"], row["document"].encode(), prefs, on, data_day)
                pages.append(stored.RenderedPage(row["uscc"], row["institution"], variant, etag, caching.gzipped(body)))
                await asyncio.sleep(0)
        await stored.store(pages)
        rendered += len(pages)
    forgotten = await stored.forget_others(variants)
    return (
        f"{rendered} pages rendered, {current} already current, {forgotten} forgotten "
        f"({', '.join(variants) or 'no variants'}; {time.monotonic() - started:.1f} s)"
    )
