"""Institution pages rendered ahead of visitors (issue 14): what a visitor gets from the store is the page the
handler renders, byte for byte, and only while nothing it shows has changed (DESIGN.md "Two shared paths": the
public read side is always consistent)."""

from __future__ import annotations

import gzip
from datetime import date, timedelta

import pytest

from credit.disclosures.service import publish
from credit.public import pages as stored
from credit.public.tables import PublicPage
from credit.registry.service import get_institution_by_uscc
from credit.settings import PAGE_VARIANTS, SettingsError, _variants
from credit.timeutil import today
from portal.public.i18n import LANGUAGES
from portal.public.preferences import LANG_COOKIE, MODE_COOKIE, MODES
from portal.public.stored_pages import render_stale_pages
from tests import factories

VARIANTS = [variant.split("-") for variant in PAGE_VARIANTS]


def cookies(lang: str, mode: str) -> dict[str, str]:
    return {"Cookie": f"{LANG_COOKIE}={lang}; {MODE_COOKIE}={mode}"}


async def mark_stored(uscc: str, variant: str, marker: str) -> None:
    """Replace a stored page's body (its ETag kept) by a marker page, to see which requests read the store."""
    await (
        PublicPage.update({PublicPage.body: gzip.compress(f"<p>{marker}</p>".encode())})
        .where(PublicPage.key == stored.page_key(uscc, variant))
        .run()
    )


async def test_the_stored_page_is_the_page_the_handler_renders_byte_for_byte(city, client):
    await publish(date(2026, 6, 30))  # every page names the latest disclosure
    homes = [h["uscc"] for h in city.institutions[:5]]
    live = {}
    for uscc in homes:
        for lang, mode in VARIANTS:
            response = await client.get(f"/institutions/{uscc}", headers=cookies(lang, mode))
            assert response.status_code == 200
            live[stored.page_key(uscc, f"{lang}-{mode}")] = response.content
    outcome = await render_stale_pages(today())
    assert outcome.startswith(f"{len(city.institutions) * len(VARIANTS)} pages rendered")
    rows = await PublicPage.select().where(PublicPage.key.is_in(list(live))).run()
    assert len(rows) == len(live)
    for row in rows:
        assert gzip.decompress(row["body"]) == live[row["key"]], row["key"]


async def test_a_visitor_is_served_the_stored_page_in_the_language_and_mode_of_their_cookies(city, client):
    uscc = city.institutions[7]["uscc"]
    await render_stale_pages(today())
    for lang, mode in VARIANTS:
        await mark_stored(uscc, f"{lang}-{mode}", f"stored {lang} {mode}")
    for lang, mode in VARIANTS:
        plain = await client.get(f"/institutions/{uscc}", headers=cookies(lang, mode))
        assert plain.text == f"<p>stored {lang} {mode}</p>"
        assert plain.headers["etag"].startswith('W/"') and plain.headers["cache-control"] == "public, max-age=60"
        zipped = await client.get(f"/institutions/{uscc}", headers={**cookies(lang, mode), "Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip" and zipped.text == f"<p>stored {lang} {mode}</p>"
        again = await client.get(
            f"/institutions/{uscc}", headers={**cookies(lang, mode), "If-None-Match": plain.headers["etag"]}
        )
        assert again.status_code == 304


async def test_a_write_to_a_home_is_on_its_page_at_once_and_only_its_pages_are_rendered_again(city, client):
    home, other = city.institutions[3], city.institutions[4]
    await render_stale_pages(today())
    await mark_stored(home["uscc"], "zh-standard", "stale")
    await mark_stored(other["uscc"], "zh-standard", "untouched")
    await factories.penalty(await get_institution_by_uscc(home["uscc"]), number="常民罚〔2026〕77号")
    page = await client.get(f"/institutions/{home['uscc']}")
    assert "stale" not in page.text and "常民罚〔2026〕77号" in page.text  # rendered at once, from the new row
    assert (await client.get(f"/institutions/{other['uscc']}")).text == "<p>untouched</p>"  # still current
    outcome = await render_stale_pages(today())
    assert outcome.startswith(f"{len(VARIANTS)} pages rendered, {(len(city.institutions) - 1) * len(VARIANTS)} already")
    assert "常民罚〔2026〕77号" in (await client.get(f"/institutions/{home['uscc']}")).text


async def test_a_page_of_another_day_or_asked_with_a_query_is_rendered_not_read_from_the_store(city, client):
    uscc = city.institutions[5]["uscc"]
    await render_stale_pages(today() - timedelta(days=1))  # yesterday's pages: penalties and gradings end by date
    await mark_stored(uscc, "zh-standard", "yesterday")
    assert "yesterday" not in (await client.get(f"/institutions/{uscc}")).text
    await render_stale_pages(today())
    await mark_stored(uscc, "en-standard", "stored")
    assert (await client.get(f"/institutions/{uscc}", headers=cookies("en", "standard"))).text == "<p>stored</p>"
    chosen = await client.get(f"/institutions/{uscc}?lang=en")  # a link that sets the language: its own page
    assert chosen.status_code == 200 and "stored" not in chosen.text and 'lang="en"' in chosen.text


async def test_only_the_configured_variants_are_rendered_and_the_others_forgotten(city, client):
    await render_stale_pages(today())
    outcome = await render_stale_pages(today(), variants=("zh-standard",))
    assert outcome.startswith("0 pages rendered") and f"{len(city.institutions) * 3} forgotten" in outcome
    assert {r["variant"] for r in await PublicPage.select(PublicPage.variant).run()} == {"zh-standard"}


def test_the_variants_are_the_portals_languages_and_modes_and_a_wrong_one_is_named():
    assert set(PAGE_VARIANTS) == {f"{lang}-{mode}" for lang in LANGUAGES for mode in MODES}
    assert _variants(" zh-standard, en-elder ,") == ("zh-standard", "en-elder")
    assert _variants("") == ()
    with pytest.raises(SettingsError, match="STORED_PAGE_VARIANTS: fr-standard"):
        _variants("zh-standard,fr-standard")
