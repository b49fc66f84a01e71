"""Security headers on every response: pages, workspace, sign-in, API, static files, 404s and errors."""

from __future__ import annotations

import dataclasses

import pytest

from credit.accounts.service import create_user, issue_token
from credit.security_headers import CONTENT_SECURITY_POLICY, one_charset
from credit.settings import load_settings
from tests.conftest import running
from tests.workspace.workspace_helpers import PASSWORD, sign_in

SAMPLES = {
    "public page": "/",
    "public csv": "/listings.csv",
    "public API": "/api/v1/institutions",
    "public key": "/api/v1/disclosures/public-key",
    "static file": "/static/portal.css",
    "sign-in page": "/login",
    "workspace redirect": "/workspace",
    "API 404": "/api/v1/nothing-here",
    "unknown path 404": "/nothing-here",
    "portal 404 page": "/institutions/000000000000000000",
    "API 401": "/api/v1/me",
    "OpenAPI document": "/schema/openapi.json",
}


def assert_security_headers(response) -> None:
    headers = response.headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    for name in ("content-security-policy", "x-frame-options", "referrer-policy", "cache-control"):
        assert len(headers.get_list(name)) <= 1, (name, headers.get_list(name))
    content_type = headers.get("content-type", "")
    assert content_type.lower().count("charset") <= 1, content_type


@pytest.mark.parametrize("kind", list(SAMPLES))
async def test_every_kind_of_response_carries_the_security_headers(client, kind):
    response = await client.get(SAMPLES[kind])
    assert_security_headers(response)


async def test_html_and_csv_are_sent_with_exactly_one_charset(client):
    for path in ("/", "/listings.csv", "/login", "/institutions/000000000000000000"):
        content_type = (await client.get(path)).headers["content-type"]
        assert content_type.endswith("; charset=utf-8") and content_type.count("charset") == 1, (path, content_type)


def test_a_doubled_charset_is_reduced_to_one():
    assert one_charset(b"text/html; charset=utf-8; charset=utf-8") == b"text/html; charset=utf-8"
    assert one_charset(b"application/json") == b"application/json"


async def test_an_error_answer_while_the_database_is_down_carries_them_too(client):
    from credit.db import current_engine, engine_for_url, use_engine

    working = current_engine()
    use_engine(engine_for_url("postgresql://nobody@127.0.0.1:1/none"))
    try:
        response = await client.get("/api/v1/institutions?q=x")
    finally:
        use_engine(working)
    assert response.status_code >= 500
    assert_security_headers(response)


async def test_public_pages_keep_their_validators_and_public_caching(client):
    response = await client.get("/")
    assert response.headers["etag"] and response.headers["cache-control"] == "public, max-age=60"
    static = await client.get("/static/portal.css")
    assert static.headers["etag"] and "no-store" not in static.headers.get("cache-control", "")


async def test_the_sign_in_page_and_a_signed_out_workspace_are_not_stored(client):
    for path in ("/login", "/workspace"):
        assert (await client.get(path)).headers["cache-control"] == "no-store", path


async def test_a_signed_in_session_is_never_stored_on_any_page(client):
    await create_user("city", "city_regulator", PASSWORD, actor="test")
    await sign_in(client, "city")
    for path in ("/workspace", "/api/v1/me", "/"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
        assert_security_headers(response)


async def test_an_authenticated_api_answer_is_not_stored(client):
    await create_user("city", "city_regulator", PASSWORD, actor="test")
    token = (await issue_token("city", actor="test")).token
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    public = await client.get("/api/v1/disclosures/public-key")
    assert public.headers.get("cache-control") != "no-store"


async def test_hsts_is_sent_in_production_only(client, db, monkeypatch):
    from credit.app import create_app

    assert "strict-transport-security" not in (await client.get("/healthz")).headers
    production = dataclasses.replace(load_settings(), environment="production")
    async with running(create_app(production)) as http:
        for path in ("/healthz", "/nothing-here", "/login"):
            assert (await http.get(path)).headers[
                "strict-transport-security"
            ] == "max-age=31536000; includeSubDomains", path
