"""Rate limit of the home's posts under /my: the shared counter of credit.home.throttle (the home's JSON API counts
there too), and the page a post over it gets: it says when to try again (429, Retry-After) and writes nothing.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from credit.accounts.auth import principal_of
from credit.home.throttle import POST_WINDOW, POSTS_PER_WINDOW, TooManyPosts, limit_posts

__all__ = ["POST_WINDOW", "POSTS_PER_WINDOW", "TooManyPosts", "limit_posts", "on_too_many"]


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
