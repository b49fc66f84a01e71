"""/my/mode: the home's user switches between the standard view and the elderly mode (长辈模式: larger text and
targets). The choice is the portal's own display cookie, so it also holds on the public pages."""

from __future__ import annotations

from litestar import Controller, get
from litestar.datastructures import Cookie
from litestar.params import FromQuery
from litestar.response import Redirect

from credit.accounts.auth import requires_institution
from portal.public.preferences import COOKIE_MAX_AGE, MODE_COOKIE, MODES


def _local(path: str) -> str:
    """Only a path of /my itself: never an address elsewhere (no open redirect)."""
    return path if path.startswith("/my") and "//" not in path and "\\" not in path else "/my"


class MyDisplayController(Controller):
    path = "/my/mode"
    include_in_schema = False
    guards = [requires_institution]

    @get("/", operation_id="myDisplayMode")
    async def switch(self, to: FromQuery[str] = "standard", back: FromQuery[str] = "/my") -> Redirect:
        mode = to if to in MODES else "standard"
        cookie = Cookie(key=MODE_COOKIE, value=mode, max_age=COOKIE_MAX_AGE, path="/", httponly=True, samesite="lax")
        return Redirect(_local(back), status_code=303, cookies=[cookie])
