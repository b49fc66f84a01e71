"""The visitor's language and display mode: from the query string (a link the visitor followed) or the
cookie that remembers an earlier choice. Only a choice the visitor made sets a cookie."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.datastructures import Cookie

from portal.public.i18n import DEFAULT_LANGUAGE, LANGUAGES

LANG_COOKIE = "ec_lang"
MODE_COOKIE = "ec_mode"
MODES = ("standard", "elder")  # elder: 长辈模式, large text and targets
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


@dataclass(frozen=True, slots=True)
class Preferences:
    lang: str
    mode: str
    cookies: list[Cookie] = field(default_factory=list)  # to set: the visitor chose something new

    @property
    def elder(self) -> bool:
        return self.mode == "elder"


def _choice(
    request: Request[Any, Any, Any], name: str, cookie: str, allowed, default: str
) -> tuple[str, Cookie | None]:
    asked = request.query_params.get(name)
    stored = request.cookies.get(cookie)
    if asked is not None and asked in allowed:
        if asked != stored:
            return asked, Cookie(
                key=cookie, value=asked, max_age=COOKIE_MAX_AGE, path="/", httponly=True, samesite="lax"
            )
        return asked, None
    return (stored if stored is not None and stored in allowed else default), None


def preferences_of(request: Request[Any, Any, Any]) -> Preferences:
    lang, lang_cookie = _choice(request, "lang", LANG_COOKIE, LANGUAGES, DEFAULT_LANGUAGE)
    mode, mode_cookie = _choice(request, "mode", MODE_COOKIE, MODES, "standard")
    return Preferences(lang, mode, [c for c in (lang_cookie, mode_cookie) if c])


def url_with(request: Request[Any, Any, Any], **changes: str) -> str:
    """This page's URL with some query parameters replaced (the toggles are plain links: no JS needed)."""
    return path_with(request.url.path, request.query_params.multi_items(), **changes)


def path_with(path: str, params: Iterable[tuple[str, str]], **changes: str) -> str:
    """`path` with the query `params`, some of them replaced by `changes` (an empty value drops one)."""
    kept = [(k, v) for k, v in params if k not in changes]
    kept += [(k, v) for k, v in changes.items() if v]
    query = urlencode(kept)
    return path + (f"?{query}" if query else "")
