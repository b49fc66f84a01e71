"""No script injection and no personal data on public pages and downloads: names are escaped everywhere,
legal representatives' names and ID numbers never appear in clear."""

from __future__ import annotations

import re
from datetime import date

import pytest

from credit.demo import build_demo_city
from credit.disclosures.rescoring import rescore_all
from credit.disclosures.service import publish
from credit.registry.tables import Institution, Practitioner
from credit.seeding import load_city

AS_OF = date(2026, 6, 30)
SCRIPT = "<script>alert(1)</script>"
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


@pytest.fixture
async def hostile_city(db):
    """The demo city where a listed home is named `<script>alert(1)</script>`."""
    demo = build_demo_city(11, AS_OF, count=40)
    listed = next(e["uscc"] for e in demo.listings if e["state"] == "listed")
    for institution in demo.institutions:
        if institution["uscc"] == listed:
            institution["name"] = SCRIPT
    for penalty in demo.penalties:
        if penalty["uscc"] == listed and penalty["subject_kind"] != "natural_person":
            penalty["subject_name"] = SCRIPT
    await load_city(demo, AS_OF)
    await rescore_all(AS_OF)
    return demo, listed


async def test_a_hostile_name_shows_as_text_everywhere(hostile_city, client):
    demo, uscc = hostile_city
    other = next(i["uscc"] for i in demo.institutions if i["uscc"] != uscc)
    for url in (
        "/?sort=name",
        f"/?q={uscc}",
        f"/institutions/{uscc}",
        f"/compare?uscc={uscc}&uscc={other}",
        "/listings",
    ):
        html = (await client.get(url)).text
        assert SCRIPT not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
    csv_text = (await client.get("/listings.csv")).content.decode("utf-8-sig")
    assert SCRIPT in csv_text  # CSV is data, not HTML: served as text/csv, an attachment
    response = await client.get("/listings.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_pages_forbid_inline_scripts(city, client):
    for url in ("/", f"/institutions/{city.institutions[0]['uscc']}", "/institutions/91320000MA1XXXXX0X"):
        policy = (await client.get(url)).headers["content-security-policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy, url


async def test_a_formula_in_a_name_stays_text_in_the_csv(db, client):
    demo = build_demo_city(11, AS_OF, count=40)
    listed = next(e["uscc"] for e in demo.listings if e["state"] == "listed")
    for institution in demo.institutions:
        if institution["uscc"] == listed:
            institution["name"] = '=HYPERLINK("http://evil.example","点击")'
    await load_city(demo, AS_OF)
    text = (await client.get("/listings.csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(" in text and "\n=HYPERLINK" not in text


def assert_no_pii(text: str, names: list[str], where: str) -> None:
    for name in names:
        assert name not in text, f"{where} shows the full name {name}"
    found = ID_NUMBER.findall(text)
    assert not found, f"{where} shows an ID number {found[:1]}"


async def portal_urls(client, demo) -> list[str]:
    usccs = [i["uscc"] for i in demo.institutions]
    return [
        "/",
        "/?page=2",
        *(f"/institutions/{u}" for u in usccs),
        f"/compare?uscc={usccs[0]}&uscc={usccs[1]}",
        "/listings",
        "/listings.csv",
        "/disclosures",
        "/about",
        "/?lang=en",
        f"/institutions/{usccs[3]}?lang=en",
    ]


async def test_no_full_name_or_id_number_on_any_public_page(city, client):
    await publish(AS_OF)
    names = [
        r["legal_representative"]
        for r in await Institution.select(Institution.legal_representative).run()
        if len(r["legal_representative"]) >= 2
    ]
    names += [r["name"] for r in await Practitioner.select(Practitioner.name).run() if len(r["name"]) >= 2]
    assert names
    for url in await portal_urls(client, city):
        response = await client.get(url)
        assert response.status_code == 200, url
        assert_no_pii(response.content.decode("utf-8-sig"), names, url)
    for url in ("/api/v1/disclosures/2026-06-30", "/api/v1/disclosures/2026-06-30.csv", "/api/v1/listings"):
        response = await client.get(url)
        assert response.status_code == 200, url
        assert_no_pii(response.content.decode("utf-8-sig"), names, url)


async def test_no_full_name_in_the_public_institution_api(city, client):
    names = [
        r["legal_representative"]
        for r in await Institution.select(Institution.legal_representative).run()
        if len(r["legal_representative"]) >= 2
    ]
    for url in ("/api/v1/institutions", f"/api/v1/institutions/{city.institutions[0]['uscc']}"):
        response = await client.get(url)
        assert response.status_code == 200, url
        assert_no_pii(response.text, names, url)
