"""The limit on a home's writes: at most POSTS_PER_WINDOW per user and client address per POST_WINDOW.

One counter for the /my pages (portal.my.throttle) and the home's JSON API (credit.home.api): a home's user posts
through either and both count together, in the app's shared rate-limit store (Redis when REDIS_URL is set, so every
replica counts together), like the feedback form (credit.feedback.abuse). Reading is not counted; the app-wide limit
still applies to it. A post over the limit writes nothing.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from credit.accounts.auth import principal_of
from credit.accounts.throttle import CountingStore
from credit.client_address import client_address
from credit.ratelimit import RATE_LIMIT_STORE

POSTS_PER_WINDOW = 20
POST_WINDOW = timedelta(minutes=10)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class TooManyPosts(Exception):
    """The user has posted POSTS_PER_WINDOW times from this address in the window; `seconds` until it may again."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(f"too many submissions; try again in {seconds} seconds")


def _key(user_id: int, address: str) -> str:
    digest = hashlib.sha256(f"{user_id}|{address}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"my-posts:{digest}"


async def limit_posts(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Guard (after the one that demands a home's user): count a write; raise TooManyPosts over the limit."""
    if connection.scope.get("method") not in WRITE_METHODS:
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
