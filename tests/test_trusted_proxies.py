"""Client addresses: X-Forwarded-For counts only when the direct peer is a trusted proxy (TRUSTED_PROXIES)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from credit.client_address import client_address, parse_networks
from credit.settings import load_settings

PROXIES = parse_networks("10.0.0.0/24, 2001:db8:1::1")


def scope(peer: str | None, *forwarded: str) -> dict:
    return {
        "type": "http",
        "client": (peer, 50000) if peer else None,
        "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded],
    }


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address(scope("203.0.113.7", "198.51.100.1"), trusted=()) == "203.0.113.7"


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored():
    assert client_address(scope("203.0.113.7", "198.51.100.1"), trusted=PROXIES) == "203.0.113.7"


def test_via_a_trusted_proxy_the_right_most_untrusted_address_is_the_client():
    # The client wrote "1.2.3.4" itself; our proxy appended the address it really saw.
    assert client_address(scope("10.0.0.2", "1.2.3.4, 203.0.113.7"), trusted=PROXIES) == "203.0.113.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right_over_every_header_line():
    found = client_address(scope("10.0.0.2", "1.2.3.4, 203.0.113.7", "10.0.0.9"), trusted=PROXIES)
    assert found == "203.0.113.7"


def test_ports_brackets_and_mapped_addresses_are_normalised():
    assert client_address(scope("10.0.0.2", "203.0.113.7:5123"), trusted=PROXIES) == "203.0.113.7"
    assert client_address(scope("2001:db8:1::1", "[2001:DB8::7]:443"), trusted=PROXIES) == "2001:db8::7"
    assert client_address(scope("::ffff:203.0.113.7"), trusted=PROXIES) == "203.0.113.7"


def test_garbage_in_the_header_stops_at_the_last_known_hop():
    assert client_address(scope("10.0.0.2", "203.0.113.7, not-an-address"), trusted=PROXIES) == "10.0.0.2"


def test_a_request_from_inside_with_no_header_is_the_proxy_itself():
    assert client_address(scope("10.0.0.2"), trusted=PROXIES) == "10.0.0.2"
    assert client_address(scope(None), trusted=PROXIES) == "unknown"


def test_trusted_proxies_setting_defaults_to_none_and_names_a_bad_entry(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    assert load_settings().trusted_proxies == ()
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, ::1")
    assert [str(n) for n in load_settings().trusted_proxies] == ["10.0.0.0/8", "::1/128"]
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal")
    with pytest.raises(ValueError, match="'proxy.internal' is not an IP address"):
        load_settings()


@contextlib.asynccontextmanager
async def app_seen_from(peer: str, trusted: str, monkeypatch) -> AsyncIterator[httpx.AsyncClient]:
    """The app (3 requests a minute per client) inside its lifespan, called from the direct peer `peer`."""
    from credit.app import create_app

    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "3")
    app = create_app(dataclasses.replace(load_settings(), trusted_proxies=parse_networks(trusted)))
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app, client=(peer, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_a_spoofed_forwarded_for_does_not_change_the_rate_limit_bucket(db, monkeypatch):
    async with app_seen_from("203.0.113.7", "10.0.0.0/24", monkeypatch) as http:
        codes = [
            (
                await http.get("/api/v1/disclosures/public-key", headers={"X-Forwarded-For": f"198.51.100.{n}"})
            ).status_code
            for n in range(4)
        ]
    assert codes == [200, 200, 200, 429]


async def test_via_a_trusted_proxy_each_forwarded_client_has_its_own_bucket(db, monkeypatch):
    async with app_seen_from("10.0.0.2", "10.0.0.0/24", monkeypatch) as http:
        first = [
            (
                await http.get("/api/v1/disclosures/public-key", headers={"X-Forwarded-For": "9.9.9.9, 198.51.100.1"})
            ).status_code
            for _ in range(4)
        ]
        other = await http.get("/api/v1/disclosures/public-key", headers={"X-Forwarded-For": "198.51.100.2"})
    assert first == [200, 200, 200, 429] and other.status_code == 200
