"""The address of the client a request comes from, for rate limits, login throttles and logs.

`X-Forwarded-For` is believed only when the direct peer is one of our reverse proxies (TRUSTED_PROXIES:
comma-separated IPs or CIDRs, none by default). Each proxy appends the address it saw, so the header is
read from the right: the right-most address that is not itself a trusted proxy is the client. Anything a
client writes into the header itself lies to the left of that and is never used.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"  # no peer address at all (e.g. a unix socket): one bucket for all such requests


def parse_networks(text: str) -> tuple[Network, ...]:
    """'10.0.0.1, 10.1.0.0/16, ::1' -> networks; raises ValueError naming the entry that is not one."""
    networks = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {part!r} is not an IP address or CIDR network") from None
    return tuple(networks)


def client_address(scope_or_request: Any, trusted: Iterable[Network] | None = None) -> str:
    """The client's address (normalised text, e.g. '203.0.113.7' or '2001:db8::1').

    Takes an ASGI scope or a Litestar/Starlette request (anything with `.scope`). `trusted` defaults to the
    TRUSTED_PROXIES the app was created with (app state), else the process settings.
    """
    scope: Mapping[str, Any] = getattr(scope_or_request, "scope", scope_or_request)
    networks = tuple(trusted) if trusted is not None else _trusted_of(scope)
    peer = _parse(scope["client"][0]) if scope.get("client") else None
    if peer is None:
        return UNKNOWN
    if not _is_trusted(peer, networks):
        return str(peer)
    nearest = peer
    for hop in reversed(_forwarded_for(scope)):
        address = _parse(hop)
        if address is None:  # a proxy passed on something that is not an address: stop at the last known hop
            return str(nearest)
        if not _is_trusted(address, networks):
            return str(address)
        nearest = address
    return str(nearest)  # every hop is one of our proxies: the request started inside


def _trusted_of(scope: Mapping[str, Any]) -> tuple[Network, ...]:
    app = scope.get("app")
    state = getattr(app, "state", None)
    if state is not None and "trusted_proxies" in state:
        return tuple(state["trusted_proxies"])
    from credit.settings import settings

    return settings.trusted_proxies


def _forwarded_for(scope: Mapping[str, Any]) -> list[str]:
    """Every X-Forwarded-For entry, left to right, over all the header's lines in the order received."""
    hops: list[str] = []
    for name, value in scope.get("headers") or ():
        if name.lower() == b"x-forwarded-for":
            hops += [hop.strip() for hop in value.decode("latin-1").split(",") if hop.strip()]
    return hops


def _parse(text: str) -> IPAddress | None:
    """An address as proxies write it: '203.0.113.7', '203.0.113.7:5000', '2001:db8::1', '[2001:db8::1]:443'."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _is_trusted(address: IPAddress, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)
