"""What an address we do not serve answers: the portal's HTML 404 page for a person with a browser, the API's
problem+json for a program (an /api/ path, or a client that does not ask for HTML)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import NotFoundException

from credit.problems import on_http
from portal.public.pages import not_found_page

MACHINE_PREFIXES = ("/api/", "/schema", "/metrics", "/healthz", "/readyz", "/static/")


def wants_page(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith(MACHINE_PREFIXES):
        return False
    return "text/html" in request.headers.get("accept", "")


def on_unknown_address(request: Request[Any, Any, Any], error: NotFoundException) -> Response[Any]:
    if request.method in ("GET", "HEAD") and wants_page(request):
        return not_found_page(request)
    return on_http(request, error)
