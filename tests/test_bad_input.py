"""Bad input never answers 500: too deep, NUL bytes, values the database cannot hold (issue 13, item 8)."""

from __future__ import annotations

from credit.registry.tables import Institution
from tests.test_api_records import institution_body, tokens  # noqa: F401  (fixture)


async def test_a_body_nested_100000_deep_is_a_400_problem_naming_the_body(client, tokens):  # noqa: F811
    body = "[" * 100_000 + "]" * 100_000
    response = await client.post(
        "/api/v1/institutions", content=body, headers={**tokens["admin"], "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "body"
    assert await Institution.count().run() == 0


async def test_a_nul_byte_in_a_text_field_is_refused_and_nothing_is_written(client, tokens):  # noqa: F811
    response = await client.post(
        "/api/v1/institutions", json=institution_body(1, name="测试\x00养老院"), headers=tokens["admin"]
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await Institution.count().run() == 0


async def test_a_nul_byte_in_a_search_is_ignored_on_the_api_and_the_portal(client):
    assert (await client.get("/api/v1/institutions", params={"q": "a\x00b"})).json()["items"] == []
    page = await client.get("/", params={"q": "a\x00b"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
