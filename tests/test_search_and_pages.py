"""Searches match `%` and `_` literally, and every list pages: a page past the end is empty, not page 1."""

from __future__ import annotations

from datetime import timedelta

import pytest

from credit.disclosures import service as disclosures
from credit.listings.queries import search_entries
from credit.listings.tables import ListingEntry
from credit.public import projection
from credit.registry.queries import search_institutions
from credit.registry.tables import Institution
from credit.search.index import reindex
from credit.timeutil import now_utc, today
from tests.test_api_records import make_uscc

NAMES = ("百分%养老院", "百分之百养老院", "下划_线养老院", "下划线养老院")


@pytest.fixture
async def named_homes(db) -> dict[str, int]:
    ids = {}
    for n, name in enumerate(NAMES, start=1):
        row = Institution(
            uscc=make_uscc(n),
            name=name,
            district_code="320402",
            beds=10,
            owner_type="private_nonprofit",
            created_at=now_utc(),
            updated_at=now_utc(),
            version=1,
        )
        await row.save().run()
        ids[name] = row.id
    await reindex(ids.values())  # rows written beside the registry service: index them as it would
    await projection.refresh(list(ids.values()))  # and give them their public rows
    return ids


@pytest.mark.parametrize(
    "typed, found",
    [("%", {"百分%养老院"}), ("_", {"下划_线养老院"}), ("百分%", {"百分%养老院"}), ("划_", {"下划_线养老院"})],
)
async def test_the_api_search_matches_percent_and_underscore_literally(client, named_homes, typed, found):
    response = await client.get("/api/v1/institutions", params={"q": typed})
    assert response.status_code == 200, response.text
    assert {item["name"] for item in response.json()["items"]} == found


@pytest.mark.parametrize("typed, found", [("%", {"百分%养老院"}), ("_", {"下划_线养老院"})])
async def test_the_portal_search_matches_percent_and_underscore_literally(client, named_homes, typed, found):
    response = await client.get("/", params={"q": typed})
    assert response.status_code == 200
    shown = {name for name in NAMES if name in response.text}
    assert shown == found


async def test_the_registry_and_list_searches_of_the_services_escape_wildcards(named_homes):
    assert {r["name"] for r in (await search_institutions(q="_")).items} == {"下划_线养老院"}
    for institution_id in named_homes.values():
        await (
            ListingEntry(
                subject_kind="institution",
                institution=institution_id,
                behaviour="8",
                status="proposed",
                facts="未报送年度报告",
                basis="民发〔2019〕103号",
                proposed_on=today(),
                created_at=now_utc(),
                updated_at=now_utc(),
                version=1,
            )
            .save()
            .run()
        )
    found = await search_entries(q="%")
    assert [item["institution_name"] for item in found.items] == ["百分%养老院"]


async def test_a_search_page_past_the_end_is_empty_with_the_total(client, named_homes):
    response = await client.get("/api/v1/institutions", params={"page": 50})
    body = response.json()
    assert response.status_code == 200
    assert (body["items"], body["total"], body["page"]) == ([], 4, 50)


async def test_the_disclosure_archive_pages_and_a_page_past_the_end_is_empty(client, named_homes):
    first = today() - timedelta(days=2)
    for offset in range(3):
        await disclosures.publish(first + timedelta(days=offset), today=today())
    page_one = (await client.get("/api/v1/disclosures")).json()
    assert (len(page_one["items"]), page_one["total"], page_one["page"]) == (3, 3, 1)
    assert page_one["items"][0]["day"] == today().isoformat()
    past = (await client.get("/api/v1/disclosures", params={"page": 2})).json()
    assert (past["items"], past["total"], past["page"]) == ([], 3, 2)


@pytest.mark.parametrize(
    "path", ["/api/v1/disclosures", "/api/v1/inspection-draws", "/api/v1/institutions", "/api/v1/listings"]
)
@pytest.mark.parametrize("page", ["0", "100001", "2147483648", "x"])
async def test_a_page_number_out_of_bounds_is_a_problem_naming_page(client, path, page):
    response = await client.get(path, params={"page": page})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "page" in response.text


async def test_the_inspection_draws_page_past_the_end_is_empty(client):
    body = (await client.get("/api/v1/inspection-draws", params={"page": 3})).json()
    assert (body["items"], body["page"]) == ([], 3)


async def test_a_60_kb_search_on_the_api_is_a_problem_naming_q(client):
    # issue 13, item 8: "a 64 KB `q` on SQLite ... answers 4xx problem+json naming the field"
    response = await client.get("/api/v1/institutions", params={"q": "a" * 60000})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["q"]


@pytest.mark.parametrize(
    "lang, message",
    [("zh", "搜索内容过长：只按前 100 个字查找。"), ("en", "only its first 100 characters were searched")],
)
async def test_a_60_kb_search_on_the_portal_says_it_was_cut(client, named_homes, lang, message):
    # issue 13, item 8: a 64 KB q is never a 500; the page says what it did, in the visitor's language
    response = await client.get("/", params={"q": "a" * 60000, "lang": lang})
    assert response.status_code == 200
    assert message in response.text
    assert not any(name in response.text for name in NAMES)
