"""Server-side sessions and CSRF protection for the browser side of the app.

Sessions live in Litestar's store: Redis when REDIS_URL is set (every replica sees them), process
memory otherwise. The cookie is HttpOnly, SameSite=Lax, and Secure in production. Anonymous visitors get
no session cookie (public pages stay cacheable), and the session id changes at sign-in.
A session ends after `SESSION_IDLE_MINUTES` without a request (the store entry and the cookie expire,
renewed by every response) and, however busy, `SESSION_MAX_HOURS` after sign-in (the sign-in time is
kept in the session and checked when the session is loaded; a signed-in session without one is ended).

CSRF: a signed-in session carries its own CSRF token, made at sign-in and kept in the session; every
unsafe request of that session must send exactly that token (`_csrf_token` form field or
`x-csrftoken` header), so a token from one session (or from before sign-in) is refused in another. The
token is also sent as the `ec_csrf` cookie. Such a request is also refused when the browser says it comes from
another site (`Sec-Fetch-Site` other than same-origin / none, or an `Origin` naming another host): a leaked token
alone then forges nothing either. Without a signed-in session (the login form), Litestar's
double-submit check (cookie + field) applies. Both are skipped (1) requests authenticated by
`Authorization: Bearer ...`: those ignore the session cookie entirely (see credit.accounts.auth), so a
forged cross-site request gains nothing from them; and (2) /api/ requests without a session cookie: they carry no
ambient credentials, so they get the plain 401
(every HTML form, the login form included, is always checked).
Templates put the token in a form with `{{ csrf_input | safe }}`.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from secrets import compare_digest
from typing import Any, cast
from urllib.parse import urlsplit

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import DefineMiddleware
from litestar.middleware._utils import should_bypass_middleware
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.types import Empty, HTTPScope, Message, Receive, Scope, ScopeSession, Send
from litestar.utils.scope.state import ScopeState

from credit.accounts.auth import LOGIN_PATH, bearer_token
from credit.settings import Settings
from credit.stores import shared_store

SESSION_STORE = "sessions"
SESSION_COOKIE = "ec_session"
CSRF_COOKIE = "ec_csrf"
SESSION_CSRF_KEY = "csrf"  # the session's own CSRF token
SESSION_SIGNED_IN_AT_KEY = "signed_in_at"  # Unix time of the sign-in
ANONYMOUS_FORMS = frozenset({LOGIN_PATH, "/feedback"})  # forms shown to anonymous visitors: they get the cookie
_NEW_SESSION_ID = "eldercredit.new_session_id"
_OLD_SESSION_ID = "eldercredit.old_session_id"


def session_store(settings: Settings) -> Store:
    """The store for sessions: Redis when `settings.redis_url` is set, process memory otherwise."""
    return shared_store(settings, "eldercredit-sessions")


def start_session(connection: ASGIConnection[Any, Any, Any, Any], values: dict[str, Any], secret: str) -> None:
    """Begin a signed-in session holding `values`: a fresh session id, the sign-in time, and a CSRF token of
    its own (call at sign-in)."""
    rotate_session(connection)
    connection.set_session(
        {**values, SESSION_SIGNED_IN_AT_KEY: time.time(), SESSION_CSRF_KEY: generate_csrf_token(secret=secret)}
    )


def rotate_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Give this connection's session a fresh id when the response is sent (call at sign-in);
    the old id is deleted from the store, so a planted session cookie is worthless."""
    connection.scope[_OLD_SESSION_ID] = connection.cookies.get(SESSION_COOKIE)  # type: ignore[literal-required]
    connection.scope[_NEW_SESSION_ID] = secrets.token_hex(32)  # type: ignore[literal-required]


class _SessionBackend(ServerSideSessionBackend):
    config: _SessionConfig

    async def load_from_connection(self, connection: ASGIConnection[Any, Any, Any, Any]) -> dict[str, Any]:
        """The stored session, or {} (ended: deleted from the store with the response) once it is past
        its absolute lifetime."""
        data = await super().load_from_connection(connection)
        if data and not self._within_lifetime(data):
            return {}
        return data

    def _within_lifetime(self, data: dict[str, Any]) -> bool:
        signed_in_at = data.get(SESSION_SIGNED_IN_AT_KEY)
        if not isinstance(signed_in_at, (int, float)):
            return not data.get("user_id")  # a signed-in session must say when it began
        return time.time() - signed_in_at < self.config.absolute_max_age

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        new_id = connection.scope.get(_NEW_SESSION_ID)
        return new_id if isinstance(new_id, str) else super().get_session_id(connection)

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        had_cookie = connection.cookies.get(self.config.key, "null") != "null"
        empty = scope_session is Empty or not scope_session
        if empty and not had_cookie:
            return  # anonymous and nothing stored: no cookie, no store write
        if isinstance(old_id := connection.scope.get(_OLD_SESSION_ID), str) and old_id:
            await self.delete(old_id, store=self.config.get_store_from_app(connection.scope["app"]))
        await super().store_in_message(Empty if empty else scope_session, message, connection)


@dataclass
class _SessionConfig(ServerSideSessionConfig):
    _backend_class = _SessionBackend
    absolute_max_age: int = 12 * 60 * 60  # seconds after sign-in; `max_age` is the idle timeout


def session_middleware(settings: Settings) -> DefineMiddleware:
    """Idle timeout `settings.session_idle_minutes`, absolute lifetime `settings.session_max_hours`."""
    return _SessionConfig(
        key=SESSION_COOKIE,
        store=SESSION_STORE,
        max_age=settings.session_idle_minutes * 60,
        absolute_max_age=settings.session_max_hours * 60 * 60,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        exclude=["^/static/", "^/healthz$", "^/readyz$", "^/metrics$"],
    ).middleware


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        cookie_httponly=True,
        cookie_samesite="lax",
        cookie_secure=settings.is_production,
    )


def _has_session_cookie(scope: Scope) -> bool:
    return ASGIConnection(scope).cookies.get(SESSION_COOKIE, "null") != "null"


def _session_csrf_token(scope: Scope) -> str | None:
    session = scope.get("session")
    token = session.get(SESSION_CSRF_KEY) if isinstance(session, dict) else None
    return token if isinstance(token, str) and token else None


def from_this_site(headers: Mapping[str, str]) -> bool:
    """What the browser says about where a request comes from: False when `Sec-Fetch-Site` names another site
    (same-site included: a sibling host is not this one), or, from a browser that sends no `Sec-Fetch-Site`, when
    `Origin` names another host than `Host`. A browser's own `Sec-Fetch-Site` wins over the comparison, which a
    reverse proxy that rewrites `Host` would otherwise break for every signed-in form."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = headers.get("origin")
    return origin is None or origin == "null" or urlsplit(origin).netloc == headers.get("host", "")


class BearerExemptCSRFMiddleware(CSRFMiddleware):
    """CSRF bound to the session for signed-in sessions, Litestar's double-submit check otherwise; skipped
    only for bearer-authenticated requests and cookie-less API calls.

    On safe methods the CSRF cookie is issued only to signed-in users and on the pages of ANONYMOUS_FORMS (the
    login page, the citizen feedback form), so other anonymous public pages carry no Set-Cookie.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if bearer_token(scope) or (scope["path"].startswith("/api/") and not _has_session_cookie(scope)):
                await self.app(scope, receive, send)
                return
            if should_bypass_middleware(
                scope=scope,
                scopes=self.scopes,
                exclude_opt_key=self.config.exclude_from_csrf_key,
                exclude_path_pattern=self.exclude,
            ):
                await self.app(scope, receive, send)
                return
            bound = _session_csrf_token(scope)
            if bound is not None:
                await self._check_session_token(cast("HTTPScope", scope), receive, send, bound)
                return
            if (
                cast("HTTPScope", scope)["method"] in self.config.safe_methods
                and scope.get("user") is None
                and scope["path"] not in ANONYMOUS_FORMS
            ):
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, self._cookie_follows_session(scope, send, None))

    async def _check_session_token(self, scope: HTTPScope, receive: Receive, send: Send, bound: str) -> None:
        """Unsafe methods must come from this site and carry the session's own token; every response shows it to
        the templates."""
        if scope["method"] not in self.config.safe_methods:
            request = scope["litestar_app"].request_class(scope=scope, receive=receive)
            if not from_this_site(request.headers):
                raise PermissionDeniedException("cross-site request refused")
            sent = request.headers.get(self.config.header_name)
            if not sent and request.content_type[0] in {
                RequestEncodingType.URL_ENCODED,
                RequestEncodingType.MULTI_PART,
            }:
                sent = (await request.form()).get("_csrf_token")
            if not isinstance(sent, str) or not compare_digest(sent.encode(), bound.encode()):
                raise PermissionDeniedException("CSRF token verification failed")
        ScopeState.from_scope(scope).csrf_token = bound
        await self.app(scope, receive, self._cookie_follows_session(scope, send, bound))

    def _cookie_follows_session(self, scope: Scope, send: Send, bound: str | None) -> Send:
        """Send the `ec_csrf` cookie again whenever the session's token changed during the request
        (sign-in makes one, sign-out ends it)."""
        cookie_value = ASGIConnection(scope).cookies.get(self.config.cookie_name)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                now = _session_csrf_token(scope)
                if now != bound and (now or bound) and now != cookie_value:
                    MutableScopeHeaders.from_message(message).add(
                        "set-cookie",
                        Cookie(
                            key=self.config.cookie_name,
                            value=now or "",
                            expires=None if now else 0,
                            path=self.config.cookie_path,
                            secure=self.config.cookie_secure,
                            httponly=self.config.cookie_httponly,
                            samesite=self.config.cookie_samesite,
                            domain=self.config.cookie_domain,
                        ).to_header(header=""),
                    )
            await send(message)

        return send_wrapper


def csrf_middleware(settings: Settings) -> DefineMiddleware:
    """Pass to the app's `middleware` (not as `csrf_config`, which would check bearer requests too)."""
    return DefineMiddleware(BearerExemptCSRFMiddleware, config=csrf_config(settings))
