"""Server-side sessions and CSRF protection for the browser side of the app.

Sessions live in Litestar's store: Redis when REDIS_URL is set (every replica sees them), process
memory otherwise. The cookie is HttpOnly, SameSite=Lax, and Secure in production. Anonymous visitors get
no session cookie (public pages stay cacheable), and the session id changes at sign-in.

CSRF: Litestar's double-submit check (cookie + `_csrf_token` form field or `x-csrftoken` header) on every
unsafe request, except (1) requests authenticated by `Authorization: Bearer ...`: those ignore the session
cookie entirely (see credit.accounts.auth), so a forged cross-site request gains nothing from them; and
(2) /api/ requests without a session cookie: they carry no ambient credentials, so they get the plain 401
(every HTML form, the login form included, is always checked).
Templates put the token in a form with `{{ csrf_input | safe }}`.
"""

from __future__ import annotations

import secrets
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.types import Empty, Message, Receive, Scope, ScopeSession, Send

from credit.accounts.auth import LOGIN_PATH, bearer_token
from credit.settings import Settings
from credit.stores import shared_store

SESSION_STORE = "sessions"
SESSION_COOKIE = "ec_session"
SESSION_MAX_AGE = 12 * 60 * 60  # a working day
CSRF_COOKIE = "ec_csrf"
_NEW_SESSION_ID = "eldercredit.new_session_id"
_OLD_SESSION_ID = "eldercredit.old_session_id"


def session_store(settings: Settings) -> Store:
    """The store for sessions: Redis when `settings.redis_url` is set, process memory otherwise."""
    return shared_store(settings, "eldercredit-sessions")


def rotate_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Give this connection's session a fresh id when the response is sent (call at sign-in);
    the old id is deleted from the store, so a planted session cookie is worthless."""
    connection.scope[_OLD_SESSION_ID] = connection.cookies.get(SESSION_COOKIE)  # type: ignore[literal-required]
    connection.scope[_NEW_SESSION_ID] = secrets.token_hex(32)  # type: ignore[literal-required]


class _SessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        return connection.scope.get(_NEW_SESSION_ID) or super().get_session_id(connection)

    async def store_in_message(self, scope_session: ScopeSession, message: Message,
                               connection: ASGIConnection[Any, Any, Any, Any]) -> None:
        had_cookie = connection.cookies.get(self.config.key, "null") != "null"
        empty = scope_session is Empty or not scope_session
        if empty and not had_cookie:
            return  # anonymous and nothing stored: no cookie, no store write
        if old_id := connection.scope.get(_OLD_SESSION_ID):
            await self.delete(old_id, store=self.config.get_store_from_app(connection.scope["app"]))
        await super().store_in_message(Empty if empty else scope_session, message, connection)


class _SessionConfig(ServerSideSessionConfig):
    _backend_class = _SessionBackend


def session_middleware(settings: Settings) -> DefineMiddleware:
    return _SessionConfig(key=SESSION_COOKIE, store=SESSION_STORE, max_age=SESSION_MAX_AGE, httponly=True,
                          samesite="lax", secure=settings.is_production,
                          exclude=["^/static/", "^/healthz$", "^/readyz$", "^/metrics$"]).middleware


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(secret=settings.secret_key, cookie_name=CSRF_COOKIE, cookie_httponly=True,
                      cookie_samesite="lax", cookie_secure=settings.is_production)


def _has_session_cookie(scope: Scope) -> bool:
    return ASGIConnection(scope).cookies.get(SESSION_COOKIE, "null") != "null"


class BearerExemptCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF check, skipped only for bearer-authenticated requests.

    On safe methods the CSRF cookie is issued only to signed-in users and on the login page, so anonymous
    public pages carry no Set-Cookie. (A form shown to anonymous visitors elsewhere would need adding here.)
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if bearer_token(scope) or (scope["path"].startswith("/api/") and not _has_session_cookie(scope)):
                await self.app(scope, receive, send)
                return
            if (scope["method"] in self.config.safe_methods and scope.get("user") is None
                    and scope["path"] != LOGIN_PATH):
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def csrf_middleware(settings: Settings) -> DefineMiddleware:
    """Pass to the app's `middleware` (not as `csrf_config`, which would check bearer requests too)."""
    return DefineMiddleware(BearerExemptCSRFMiddleware, config=csrf_config(settings))
