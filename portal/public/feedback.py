"""The citizen feedback pages (投诉与意见): the form (about one home, or general), and a reference's status page.

No account: a filing returns a reference number, and the status page of that reference shows every answer.
The form is CSRF-protected like the login form (double-submit cookie, see credit.accounts.sessions) and guarded
by credit.feedback.abuse (rate limit per address, body size, honeypot); the service finds duplicates. These
pages are never cached: they are per visitor, and a status changes with each answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response
from litestar.utils.scope.state import ScopeState

from credit.accounts.throttle import CountingStore
from credit.client_address import client_address
from credit.clock import Clock
from credit.errors import NotFound, ValidationFailed
from credit.feedback import abuse, references, service as feedback
from credit.feedback.schemas import FeedbackIn
from credit.public import queries as public_queries
from credit.ratelimit import RATE_LIMIT_STORE
from credit.timeutil import now_utc
from credit.validation import typed_from_text
from portal.public.pages import HTML, SECURITY_HEADERS, base_context, not_found_page, render
from portal.public.preferences import preferences_of
from portal.workspace.forms import posted

FORM_FIELDS = ("what_happened", "happened_on", "complainant_name", "complainant_phone", "uscc")
NO_STORE = {"Cache-Control": "no-store", **SECURITY_HEADERS}


def _html(
    request: Request[Any, Any, Any],
    template: str,
    context: Mapping[str, Any],
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response[bytes]:
    prefs = preferences_of(request)
    body = render(
        request,
        f"public/{template}",
        {**base_context(request, prefs), "data_day": None, "csrf_input": _csrf_input(request), **context},
    )
    return Response(
        body, status_code=status, media_type=HTML, cookies=prefs.cookies, headers={**NO_STORE, **(headers or {})}
    )


def _csrf_input(request: Request[Any, Any, Any]) -> str:
    """The hidden CSRF field (the page is rendered here, not through a Template response that adds it)."""
    token = ScopeState.from_scope(request.scope).csrf_token
    return f'<input type="hidden" name="_csrf_token" value="{token}">' if isinstance(token, str) and token else ""


async def _home(uscc: str) -> dict[str, Any] | None:
    """The home the form is about, through the public read side (None: general feedback). Raises NotFound."""
    if not uscc:
        return None
    doc = await public_queries.profile(uscc.strip().upper())
    return {"uscc": doc["uscc"], "name": doc["name"]}


class FeedbackPages(Controller):
    include_in_schema = False
    path = "/feedback"
    exception_handlers = {NotFound: not_found_page}

    @get("/", operation_id="portalFeedbackForm")
    async def form(
        self, clock: NamedDependency[Clock], request: Request[Any, Any, Any], uscc: FromQuery[str] = ""
    ) -> Response[bytes]:
        """The feedback form: about the home of `uscc` (from its profile), or general without one."""
        return _html(
            request,
            "feedback_form.html",
            {
                "home": await _home(uscc),
                "values": {},
                "errors": {},
                "today": clock.today(),
                "max_text": feedback.MAX_TEXT,
            },
        )

    @post("/", operation_id="portalFeedbackFile", request_max_body_size=abuse.MAX_BODY_BYTES)
    async def file(self, clock: NamedDependency[Clock], request: Request[Any, Any, Any]) -> Response[Any]:
        """File the form: to the reference's status page (303), the form again with the reasons (422), or
        429 when this address has filed too often."""
        values = await posted(request)
        store = request.app.stores.get(RATE_LIMIT_STORE)
        assert isinstance(store, CountingStore)  # registered by create_app
        try:
            await abuse.count_filing(store, client_address(request))
        except abuse.TooManyFilings as throttled:
            seconds = max(1, int((throttled.until - now_utc()).total_seconds()))  # the store counts real time
            return _html(
                request,
                "feedback_form.html",
                {
                    "home": await _home(values.get("uscc", "")),
                    "values": values,
                    "errors": {},
                    "today": clock.today(),
                    "max_text": feedback.MAX_TEXT,
                    "throttled": True,
                },
                status=429,
                headers={"Retry-After": str(seconds)},
            )
        if abuse.is_robot(values):
            return _html(request, "feedback_thanks.html", {})
        try:
            filed = await feedback.submit(
                typed_from_text(FeedbackIn, {k: values.get(k, "") for k in FORM_FIELDS}), clock.now()
            )
        except ValidationFailed as error:
            return _html(
                request,
                "feedback_form.html",
                {
                    "home": await _home(values.get("uscc", "")),
                    "values": values,
                    "today": clock.today(),
                    "errors": {e.field: True for e in error.errors},
                    "max_text": feedback.MAX_TEXT,
                },
                status=422,
            )
        outcome = "duplicate" if filed.duplicate else "new"
        return Redirect(f"/feedback/{filed.reference}?filed={outcome}", status_code=303)

    @get("/status", operation_id="portalFeedbackLookup")
    async def lookup(self, request: Request[Any, Any, Any], ref: FromQuery[str] = "") -> Response[Any]:
        """Type a reference number to see its status."""
        reference = references.normalise(ref)
        if reference and references.is_valid(reference):
            return Redirect(f"/feedback/{reference}", status_code=303)
        return _html(request, "feedback_lookup.html", {"ref": ref, "invalid": bool(ref)}, status=422 if ref else 200)

    @get("/{reference:str}", operation_id="portalFeedbackStatus")
    async def status(
        self, request: Request[Any, Any, Any], reference: FromPath[str], filed: FromQuery[str] = ""
    ) -> Response[bytes]:
        """A reference's status: received, accepted, transferred or closed, the due date and every answer."""
        return _html(
            request,
            "feedback_status.html",
            {"f": await feedback.status_of(reference), "filed": filed if filed in ("new", "duplicate") else ""},
        )
