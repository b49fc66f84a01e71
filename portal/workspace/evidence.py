"""Evidence files in the workspace: civil affairs in the home's scope downloads what a home attached to its
objection or its applications (credit.evidence.service.read decides who; anyone else: 403; the evidence store
down: a page saying so, 503 with Retry-After)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template

from credit.accounts.auth import principal_of
from credit.accounts.roles import Principal
from credit.evidence.store import StoreUnavailable
from credit.problems import RETRY_AFTER_SECONDS
from portal.downloads import STORE_DOWN_TEXT, download
from portal.workspace.base import WorkspaceController, page


def on_store_down(request: Request[Any, Any, Any], _: StoreUnavailable) -> Template:
    heading, text = STORE_DOWN_TEXT
    down = page("error.html", principal_of(request), status=503, heading=heading, text=text, detail="")
    down.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return down


class EvidencePages(WorkspaceController):
    exception_handlers = {**WorkspaceController.exception_handlers, StoreUnavailable: on_store_down}

    @get("/evidence/{file_id:int}", operation_id="workspaceEvidenceFile")
    async def file(self, principal: NamedDependency[Principal], file_id: FromPath[int]) -> Response[bytes]:
        return await download(file_id, principal)
