"""Evidence files in the workspace: civil affairs in the home's scope downloads what a home attached to its
objection or its applications (credit.evidence.service.read decides who; anyone else: 403)."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response

from credit.accounts.roles import Principal
from portal.downloads import download
from portal.workspace.base import WorkspaceController


class EvidencePages(WorkspaceController):
    @get("/evidence/{file_id:int}", operation_id="workspaceEvidenceFile")
    async def file(self, principal: NamedDependency[Principal], file_id: FromPath[int]) -> Response[bytes]:
        return await download(file_id, principal)
