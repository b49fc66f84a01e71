"""/my/evidence/{id}: a file of the home's own objections and applications, as a download (another home's: 404;
the evidence store down: a page saying so, 503 with Retry-After)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Response, Template

from credit.accounts.auth import principal_of, provide_principal, requires_institution
from credit.accounts.roles import Principal
from credit.errors import Forbidden, NotFound
from credit.evidence.store import StoreUnavailable
from portal.downloads import STORE_DOWN_TEXT, download
from portal.my.uploads import retry_later
from portal.my.views import on_forbidden, on_not_found, page


def on_store_down(request: Request[Any, Any, Any], _: StoreUnavailable) -> Template:
    heading, text = STORE_DOWN_TEXT
    return retry_later(page("error.html", principal_of(request), status=503, heading=heading, text=text, detail=""))


class MyEvidenceController(Controller):
    path = "/my/evidence"
    include_in_schema = False
    guards = [requires_institution]
    dependencies = {"principal": Provide(provide_principal)}
    exception_handlers = {Forbidden: on_forbidden, NotFound: on_not_found, StoreUnavailable: on_store_down}

    @get("/{file_id:int}", operation_id="myEvidenceFile")
    async def file(self, principal: NamedDependency[Principal], file_id: FromPath[int]) -> Response[bytes]:
        return await download(file_id, principal)
