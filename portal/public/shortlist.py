"""The visitor's shortlist (备选): homes kept while choosing, in a cookie, no account and no JavaScript.

The profile and each search result carry an "add to shortlist" button; `/shortlist` lists the homes with a
compare form and a remove button each. The public pages stay the same for everyone (and cacheable): only the
shortlist page, never stored, reads the cookie. The buttons post without a CSRF token (a cached page cannot
carry one); a post from another site is refused by its Origin / Sec-Fetch-Site header instead, and all a post
can change is this cookie.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.response import Redirect, Response

from credit.accounts import sessions
from credit.clock import Clock
from credit.public import queries as public_queries
from portal.public import views
from portal.public.pages import HTML, SECURITY_HEADERS, base_context, render
from portal.public.preferences import COOKIE_MAX_AGE, preferences_of
from portal.workspace.forms import posted
from scoring import policy_for

SHORTLIST_COOKIE = "ec_shortlist"
MAX_SHORTLIST = 10
USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
NO_STORE = {"Cache-Control": "private, no-store", **SECURITY_HEADERS}


def shortlist_of(request: Request[Any, Any, Any]) -> list[str]:
    """The USCCs in the visitor's cookie, in the order added (newest first); anything malformed is dropped."""
    raw = request.cookies.get(SHORTLIST_COOKIE) or ""
    codes = [c for c in raw.split(".") if USCC_SHAPE.match(c)]
    return list(dict.fromkeys(codes))[:MAX_SHORTLIST]


def _cookie(codes: list[str]) -> Cookie:
    if not codes:
        return Cookie(key=SHORTLIST_COOKIE, value="", max_age=0, path="/", httponly=True, samesite="lax")
    return Cookie(
        key=SHORTLIST_COOKIE,
        value=".".join(codes),
        max_age=COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
    )


def from_this_site(request: Request[Any, Any, Any]) -> bool:
    """A browser says where a post comes from; a post from another site may not change the shortlist."""
    return sessions.from_this_site(request.headers)


def _refused(request: Request[Any, Any, Any]) -> Response[bytes]:
    prefs = preferences_of(request)
    context = {**base_context(request, prefs), "data_day": None, "homes": [], "refused": True, "added": None}
    body = render(request, "public/shortlist.html", context)
    return Response(body, status_code=403, media_type=HTML, headers=NO_STORE)


class ShortlistPages(Controller):
    include_in_schema = False
    path = "/shortlist"

    @get("/", operation_id="portalShortlist")
    async def shortlist(self, clock: NamedDependency[Clock], request: Request[Any, Any, Any]) -> Response[bytes]:
        """The shortlisted homes with their level, grade and fire safety, to compare (up to 3) or remove."""
        prefs = preferences_of(request)
        codes = shortlist_of(request)
        on = clock.today()
        policy = policy_for(on)
        docs = await public_queries.profiles(codes)
        homes = [views.profile_of(docs[c], policy, on, prefs.lang) for c in codes if c in docs]
        added = request.query_params.get("added")
        context = {
            **base_context(request, prefs),
            "data_day": None,
            "homes": homes,
            "added": next((h for h in homes if h["institution"]["uscc"] == added), None),
            "refused": False,
            "max_shortlist": MAX_SHORTLIST,
        }
        body = render(request, "public/shortlist.html", context)
        return Response(body, media_type=HTML, headers=NO_STORE, cookies=prefs.cookies)

    @post("/add", operation_id="portalShortlistAdd", opt={"exclude_from_csrf": True}, status_code=303)
    async def add(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Add the home of `uscc` (or `add`, the button of a search result) at the top; the oldest beyond the
        limit leaves. An unknown code changes nothing."""
        if not from_this_site(request):
            return _refused(request)
        values = await posted(request)
        code = (values.get("add") or values.get("uscc") or "").strip().upper()
        codes = shortlist_of(request)
        if not USCC_SHAPE.match(code) or not await public_queries.profiles([code]):
            return Redirect("/shortlist", status_code=303)
        codes = [code, *(c for c in codes if c != code)][:MAX_SHORTLIST]
        return Redirect(f"/shortlist?added={code}", status_code=303, cookies=[_cookie(codes)])

    @post("/remove", operation_id="portalShortlistRemove", opt={"exclude_from_csrf": True}, status_code=303)
    async def remove(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Take one home off the shortlist, or all of them (`all`)."""
        if not from_this_site(request):
            return _refused(request)
        values = await posted(request)
        code = (values.get("uscc") or "").strip().upper()
        codes = [] if values.get("all") else [c for c in shortlist_of(request) if c != code]
        return Redirect("/shortlist", status_code=303, cookies=[_cookie(codes)])
