"""Security headers on every response: pages, API, static files, redirects, 404s and error answers.

Registered in create_app as a `before_send` hook, which Litestar runs on the response start message of
every request at the outermost layer (after the exception handlers and the router's own 404/405), so no
response can leave without them. One policy for the whole site:

- Content-Security-Policy: our own origin only, nothing inline (the templates load /static/portal.css and
  /static/portal.js and have no inline script or style), no plugins, no framing (frame-ancestors 'none');
- X-Frame-Options DENY (for browsers without frame-ancestors), X-Content-Type-Options nosniff,
  Referrer-Policy no-referrer (nothing here reads the Referer; search URLs carry what people look for);
- Cache-Control no-store on every response to an authenticated request (session or bearer token) and on the
  sign-in and workspace paths: no browser or proxy keeps a regulator's or agency's data; public pages keep
  their own ETag and public Cache-Control;
- Strict-Transport-Security when ELDERCREDIT_ENV=production;
- a Content-Type with at most one charset (Litestar appends "; charset=utf-8" to text/* media types even
  when the handler's media type already has it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.types import Message, Scope

from credit.accounts.roles import Principal
from credit.settings import Settings

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
ALWAYS = {
    b"content-security-policy": CONTENT_SECURITY_POLICY.encode(),
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
}
# Paths that are about signing in or work behind it, whoever asks (a signed-out visitor gets a redirect).
PRIVATE_PATHS = ("/workspace", "/login", "/logout", "/api/v1/me")

Hook = Callable[[Message, Scope], Awaitable[None]]


def security_headers(settings: Settings) -> Hook:
    """The before_send hook that sets the headers above on each response."""
    fixed = {**ALWAYS, **({b"strict-transport-security": HSTS.encode()} if settings.is_production else {})}

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        replace = dict(fixed)
        if is_private(scope):
            replace[b"cache-control"] = b"no-store"
        headers = [(name, value) for name, value in message.get("headers") or () if name.lower() not in replace]
        headers = [(name, one_charset(value) if name.lower() == b"content-type" else value) for name, value in headers]
        message["headers"] = headers + list(replace.items())

    return before_send


def is_private(scope: Scope | dict[str, Any]) -> bool:
    """Whether the response belongs to one signed-in person or agency (and so must not be stored)."""
    if isinstance(scope.get("user"), Principal):
        return True
    if any(name.lower() == b"authorization" for name, _ in scope.get("headers") or ()):
        return True
    path = scope.get("path", "")
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PRIVATE_PATHS)


def one_charset(value: bytes) -> bytes:
    """'text/html; charset=utf-8; charset=utf-8' -> 'text/html; charset=utf-8' (first of each parameter)."""
    media_type, *parameters = [part.strip() for part in value.split(b";")]
    seen, kept = set(), []
    for parameter in parameters:
        name = parameter.partition(b"=")[0].strip().lower()
        if parameter and name not in seen:
            seen.add(name)
            kept.append(parameter)
    return b"; ".join([media_type, *kept])
