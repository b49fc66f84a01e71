"""Rate limits: per agency for agency keys, per client address for everyone else."""

from __future__ import annotations

from litestar import Request
from litestar.middleware.rate_limit import RateLimitConfig

from credit.accounts.roles import Principal
from credit.client_address import client_address
from credit.settings import Settings

RATE_LIMIT_STORE = "rate_limit"


def identify(request: Request) -> str:
    """Agencies are limited separately, whatever address they call from; others by their address (the
    X-Forwarded-For of a trusted proxy, see credit.client_address)."""
    principal = request.scope.get("user")
    if isinstance(principal, Principal) and principal.agency_code and principal.via == "key":
        return f"agency:{principal.agency_code}"
    return f"address:{client_address(request)}"


def rate_limit_config(settings: Settings) -> RateLimitConfig | None:
    """RATE_LIMIT_PER_MINUTE requests per minute per caller (default 600; 0 turns limiting off)."""
    per_minute = settings.rate_limit_per_minute
    if per_minute <= 0:
        return None
    return RateLimitConfig(
        rate_limit=("minute", per_minute),
        identifier_for_request=identify,
        exclude=["^/healthz$", "^/readyz$", "^/metrics$", "^/static/"],
        store=RATE_LIMIT_STORE,
    )
