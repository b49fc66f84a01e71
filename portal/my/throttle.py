"""Rate limit of the home's posts under /my: at most POSTS_PER_WINDOW per user and client address per POST_WINDOW.

Counted in the app's shared rate-limit store (Redis when REDIS_URL is set, so every replica counts together), like
the feedback form (credit.feedback.abuse). Reading pages is not counted; the app-wide limit still applies to it.
A post over the limit gets a page that says when to try again (429, Retry-After) and writes nothing.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.response import Template

from credit.accounts.auth import principal_of
from credit.accounts.throttle import CountingStore
from credit.client_address import client_address
from credit.ratelimit import RATE_LIMIT_STORE

POSTS_PER_WINDOW = 20
POST_WINDOW = timedelta(minutes=10)


class TooManyPosts(Exception):
    """The user has posted POSTS_PER_WINDOW times from this address in the window; `seconds` until it may again."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(f"too many submissions; try again in {seconds} seconds")


def _key(user_id: int, address: str) -> str:
    digest = hashlib.sha256(f"{user_id}|{address}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"my-posts:{digest}"


async def limit_posts(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Guard of the /my controllers (after `requires_institution`): count a POST; raise TooManyPosts over the limit."""
    if connection.scope.get("method") != "POST":
        return
    principal = principal_of(connection)
    if principal is None:
        return
    store = connection.app.stores.get(RATE_LIMIT_STORE)
    assert isinstance(store, CountingStore)  # registered by create_app
    key = _key(principal.user_id, client_address(connection))
    if await store.incr(key, POST_WINDOW) > POSTS_PER_WINDOW:
        left = await store.expires_in(key)
        raise TooManyPosts(max(int(left or 0), 1))


def on_too_many(request: Request[Any, Any, Any], error: TooManyPosts) -> Template:
    from portal.my.views import page  # the /my renderer (imported here: the views use this guard)

    minutes = max(1, -(-error.seconds // 60))
    response = page(
        "error.html",
        principal_of(request),
        status=429,
        heading=("提交过于频繁", "Too many submissions"),
        text=(
            f"本账号从这个网络地址提交得太频繁，本次提交没有保存。请在 {minutes} 分钟后再试。",
            f"This account has submitted too often from this address; nothing was saved. "
            f"Please try again in {minutes} minute(s).",
        ),
        detail="",
    )
    response.headers["Retry-After"] = str(error.seconds)
    return response
