"""/my/evidence/{id}: a file of the home's own objections and applications, as a download (another home's: 404)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Response

from credit.accounts.auth import provide_principal, requires_institution
from credit.accounts.roles import Principal
from credit.errors import Forbidden, NotFound
from portal.downloads import download
from portal.my.views import on_forbidden, on_not_found


class MyEvidenceController(Controller):
    path = "/my/evidence"
    include_in_schema = False
    guards = [requires_institution]
    dependencies = {"principal": Provide(provide_principal)}
    exception_handlers = {Forbidden: on_forbidden, NotFound: on_not_found}

    @get("/{file_id:int}", operation_id="myEvidenceFile")
    async def file(self, principal: NamedDependency[Principal], file_id: FromPath[int]) -> Response[bytes]:
        return await download(file_id, principal)
