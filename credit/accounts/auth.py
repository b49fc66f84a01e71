"""Who is asking: resolve the Principal of every request, and the guards that demand one.

The middleware never refuses a request: anonymous requests go on with `scope["user"] = None`, so public
pages and the public API stay open. A request carrying an `Authorization` header is authenticated by
that header alone (a user API token); the session cookie is then ignored, which is what lets bearer
requests skip CSRF safely. Otherwise the session's `user_id` decides. Deactivated users are anonymous.
A request whose token was refused for a reason the caller can act on (it expired) carries that reason
in `scope["auth_refusal"]`, and the 401 of a protected route says it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.response import Redirect
from litestar.types import ASGIApp, Receive, Scope, Send

from credit.accounts import service
from credit.accounts.roles import AGENCY, INSTITUTION, Principal
from credit.errors import Forbidden
from credit.problems import problem
from credit.sharing.keys import KEY_PREFIX, principal_for_key

LOGIN_PATH = "/login"
DEFAULT_AFTER_LOGIN = "/workspace"
SESSION_USER_KEY = "user_id"
AUTH_REFUSAL = "auth_refusal"


def bearer_token(scope: Scope) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, "" for any other Authorization header,
    None when there is none."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return None


async def resolve_principal(scope: Scope) -> Principal | None:
    token = bearer_token(scope)
    if token is not None:
        if token.startswith(KEY_PREFIX):
            return await principal_for_key(token)
        if not token:
            return None
        try:
            return await service.principal_for_token(token)
        except service.TokenExpired as expired:
            scope[AUTH_REFUSAL] = str(expired)  # type: ignore[literal-required]  # our own scope key
            return None
    session = scope.get("session")
    user_id = session.get(SESSION_USER_KEY) if isinstance(session, dict) else None
    return await service.principal_for_user(int(user_id)) if user_id else None


_UNAUTHENTICATED_PATHS = re.compile("^/static/|^/healthz$|^/readyz$|^/metrics$")


class AuthenticationMiddleware(ASGIMiddleware):
    """Puts the Principal (or None) in `scope["user"]` and its `via` in `scope["auth"]`; refuses nothing."""

    scopes = (ScopeType.HTTP, ScopeType.WEBSOCKET)

    @staticmethod
    def should_bypass_for_scope(scope: Scope) -> bool:
        """Static files and the probes need no principal. Matched on the request path (Litestar 3's rule): an
        `exclude_path_pattern` matches the route's path, which for the static router is not `/static/...`."""
        return _UNAUTHENTICATED_PATHS.search(scope["path"]) is not None

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        principal = await resolve_principal(scope)
        scope["user"] = principal
        scope["auth"] = principal.via if principal else None
        await next_app(scope, receive, send)


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The Principal of a request, or None for an anonymous one (also on paths the middleware skips)."""
    user = connection.scope.get("user")
    return user if isinstance(user, Principal) else None


async def provide_principal(request: Request[Any, Any, Any]) -> Principal | None:
    """Dependency: `dependencies={"principal": Provide(provide_principal)}`, then `principal: Principal | None`."""
    return principal_of(request)


class LoginRequired(NotAuthorizedException):
    """Raised by `requires_login`; answered with 401 problem+json under /api/, a redirect to /login elsewhere."""


def requires_account(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: the request must carry a signed-in session or a valid user API token (any role)."""
    if principal_of(connection) is None:
        raise LoginRequired(
            connection.scope.get(AUTH_REFUSAL) or "sign in or send a valid API token (Authorization: Bearer ...)"
        )


def requires_login(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Guard for the workspace and the regulator API: signed in (else 401 / to the sign-in page) as staff.

    A home's own account (role institution) is refused with 403: it sees only its own home, under /my.
    """
    requires_account(connection, handler)
    principal = principal_of(connection)
    if principal is not None and principal.role == INSTITUTION:
        raise Forbidden("an institution's account reaches only its own home's pages under /my")


def requires_institution(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Guard for /my: signed in as a home's own user (staff get 403: the workspace is theirs)."""
    requires_account(connection, handler)
    principal = principal_of(connection)
    if principal is None or principal.role != INSTITUTION or not principal.institution_uscc:
        raise Forbidden("these pages are for an institution's own users")


def requires_roles(*roles: str):
    """Guard factory: signed in (else as `requires_login`) and with one of `roles` (else 403 Forbidden)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        requires_login(connection, handler)
        principal = principal_of(connection)
        if principal is not None and principal.role not in roles:
            raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")

    guard.__name__ = f"requires_roles({', '.join(roles)})"
    return guard


def requires_agency_key(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: the request carries a live agency API key (401 otherwise)."""
    principal = principal_of(connection)
    if principal is None or principal.role != AGENCY:
        raise LoginRequired("send a valid agency key (Authorization: Bearer eca_...)")


def safe_next(value: str | None, default: str = DEFAULT_AFTER_LOGIN) -> str:
    """`value` when it is a path on this site ("/..." but not "//..." or "/\\..."), else `default`."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if "\\" in value or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def login_url(next_path: str) -> str:
    return f"{LOGIN_PATH}?next={quote(next_path, safe='/')}"


def on_login_required(request: Request[Any, Any, Any], error: LoginRequired) -> Response[Any]:
    """API callers get 401 problem+json with a WWW-Authenticate header; browsers go to the login page."""
    path = request.url.path
    if path.startswith("/api/"):
        if request.scope.get(AUTH_REFUSAL):
            response = problem(
                401,
                "API token expired",
                error.detail,
                errors=[{"field": "Authorization", "reason": "the token has expired"}],
            )
            response.headers["WWW-Authenticate"] = (
                'Bearer realm="eldercredit", error="invalid_token", error_description="the token has expired"'
            )
            return response
        response = problem(401, "Not signed in", error.detail)
        response.headers["WWW-Authenticate"] = 'Bearer realm="eldercredit"'
        return response
    target = path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(login_url(safe_next(target, "/")), status_code=303)
