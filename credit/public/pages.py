"""Stored public pages (issue 14, "reads that cost microseconds"): each home's page, rendered ahead of visitors per
language and display mode, kept under the ETag it was rendered for. A visitor's request reads it by primary key
when the ETag it would have is the stored one; any change to the home's projection row, the templates, the
latest disclosure or the date gives the page a new ETag, so a stored page is never served stale. What is on a page
is the projection row's; the portal renders it (portal.public.stored_pages) and this module keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from credit import db
from credit.db import read
from credit.errors import NotFound
from credit.public.queries import RowVersion
from credit.public.tables import PublicPage
from credit.timeutil import now_utc


@dataclass(frozen=True, slots=True)
class PageHead:
    """What serving a home's page needs before anything is rendered: the row's version, and the page stored for
    the visitor's variant (its ETag and gzip body; empty when none is stored or none was asked for)."""

    uscc: str
    version: RowVersion
    etag: str
    body: bytes


@dataclass(frozen=True, slots=True)
class RenderedPage:
    uscc: str
    institution: int
    variant: str  # "<lang>-<mode>"
    etag: str
    body: bytes  # gzip of the HTML


def page_key(uscc: str, variant: str) -> str:
    return f"{uscc}:{variant}"


_HEAD = (
    "SELECT p.uscc, p.version, p.updated_at, g.etag, g.body FROM public_profile p "
    "LEFT JOIN public_page g ON g.key = p.uscc || ':' || {} WHERE p.uscc = {}"
)


async def page_head(uscc: str, variant: str | None) -> PageHead:
    """One read: the home's row version and its stored page in `variant` (None: no stored page wanted).
    Raises NotFound when there is no such home."""
    rows = await read(PublicPage.raw(_HEAD, variant or "", uscc.strip().upper()))
    if not rows:
        raise NotFound(f"institution {uscc}")
    row = rows[0]
    found = variant is not None and row["etag"] is not None
    return PageHead(
        row["uscc"],
        RowVersion(row["version"], row["updated_at"]),
        row["etag"] if found else "",
        bytes(row["body"]) if found else b"",
    )


async def stored_etags(codes: Sequence[str], variants: Sequence[str]) -> dict[str, str]:
    """key -> ETag of the stored pages of the given homes and variants."""
    keys = [page_key(c, v) for c in codes for v in variants]
    if not keys:
        return {}
    rows = await read(PublicPage.select(PublicPage.key, PublicPage.etag).where(PublicPage.key.is_in(keys)))
    return {r["key"]: r["etag"] for r in rows}


async def store(pages: Sequence[RenderedPage]) -> None:
    """Keep rendered pages, replacing each one's earlier rendering (one transaction)."""
    if not pages:
        return
    at = now_utc()
    rows = [
        PublicPage(
            key=page_key(p.uscc, p.variant),
            institution=p.institution,
            uscc=p.uscc,
            variant=p.variant,
            etag=p.etag,
            body=p.body,
            rendered_at=at,
        )
        for p in pages
    ]
    async with db.transaction():
        await (
            PublicPage.insert(*rows)
            .on_conflict(
                target=PublicPage.key,
                action="DO UPDATE",
                values=[
                    PublicPage.institution,
                    PublicPage.uscc,
                    PublicPage.variant,
                    PublicPage.etag,
                    PublicPage.body,
                    PublicPage.rendered_at,
                ],
            )
            .run()
        )


async def forget_others(variants: Sequence[str]) -> int:
    """Remove the stored pages of variants no longer rendered and of homes whose USCC changed or that have no
    public row any more; returns how many went."""
    kept = list(variants) or [""]
    rows = await PublicPage.raw(
        f"DELETE FROM public_page WHERE variant NOT IN ({', '.join('{}' for _ in kept)}) "
        "OR NOT EXISTS (SELECT 1 FROM public_profile p WHERE p.uscc = public_page.uscc) RETURNING key",
        *kept,
    ).run()
    return len(rows)
