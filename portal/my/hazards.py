"""/my/hazards: the home's major hazards (重大事故隐患) with their deadlines, and its report that one was rectified
(with evidence files, a multipart form like the repair application's).

A report awaits a regulator's confirmation (portal.workspace.home_requests); until then the hazard is open,
on the public side too.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from credit.accounts.auth import provide_principal, requires_institution
from credit.accounts.roles import Principal
from credit.clock import Clock
from credit.errors import Forbidden, NotFound, ProcedureRefused, ValidationFailed
from credit.evidence.store import StoreUnavailable
from credit.records import hazard_reports
from credit.records.schemas import HazardReportIn
from credit.validation import typed_from_text
from portal.my.throttle import TooManyPosts, limit_posts, on_too_many
from portal.my.uploads import MAX_BODY_BYTES, posted_with_files, retry_later, store_down_errors
from portal.my.views import on_forbidden, on_not_found, page, password_first
from portal.workspace.home_messages import messages
from portal.workspace.labels import HAZARD_REPORT_STATUSES as REPORT_STATUS

LABELS = {
    "rectified_on": ("整改完成日期", "Date rectified"),
    "text": ("整改情况", "What was done"),
    "evidence": ("证明材料说明", "Evidence"),
    "evidence_files": ("证明材料文件", "Evidence files"),
}
SAVED = {
    "reported": (
        "整改情况已报告，民政部门确认后该隐患才显示为已整改。",
        "Your report is filed; the hazard shows as rectified once civil affairs confirms it.",
    )
}


class MyHazardsController(Controller):
    path = "/my/hazards"
    include_in_schema = False
    guards = [requires_institution, limit_posts]
    dependencies = {"principal": Provide(provide_principal)}
    exception_handlers = {Forbidden: on_forbidden, NotFound: on_not_found, TooManyPosts: on_too_many}

    @get("/", operation_id="myHazards")
    async def index(
        self, clock: NamedDependency[Clock], principal: NamedDependency[Principal], saved: FromQuery[str] = ""
    ) -> Template | Redirect:
        """Every major hazard of the home, open ones first, with the state of its rectification report."""
        if redirect := password_first(principal):
            return redirect
        return page(
            "hazards.html",
            principal,
            hazards=await hazard_reports.hazards_of_home(principal),
            statuses=REPORT_STATUS,
            today=clock.today(),
            saved=SAVED.get(saved),
        )

    async def _hazard_page(
        self, clock: Clock, principal: Principal, hazard_id: int, *, status: int = 200, values=None, errors=None
    ) -> Template:
        return page(
            "hazard.html",
            principal,
            status=status,
            hazard=await hazard_reports.hazard_of_home(hazard_id, principal),
            statuses=REPORT_STATUS,
            today=clock.today(),
            values=values or {},
            errors=errors or {},
        )

    @get("/{hazard_id:int}", operation_id="myHazard")
    async def hazard(
        self, clock: NamedDependency[Clock], principal: NamedDependency[Principal], hazard_id: FromPath[int]
    ) -> Template | Redirect:
        """One hazard of the home, its reports and the regulator's reasons, and the form to report rectification."""
        if redirect := password_first(principal):
            return redirect
        return await self._hazard_page(clock, principal, hazard_id)

    @post("/{hazard_id:int}/report", operation_id="myReportRectification", request_max_body_size=MAX_BODY_BYTES)
    async def report(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        hazard_id: FromPath[int],
    ) -> Template | Redirect:
        """Report the rectification (date, what was done, evidence described and its files); refused beside the
        fields with the values kept (the files are chosen again)."""
        if redirect := password_first(principal):
            return redirect
        values, uploads = await posted_with_files(request)
        try:
            filed = typed_from_text(HazardReportIn, values)
            await hazard_reports.report_rectification(hazard_id, filed, principal, uploads)
        except (ValidationFailed, ProcedureRefused) as error:
            status = 422 if isinstance(error, ValidationFailed) else 409
            return await self._hazard_page(
                clock, principal, hazard_id, status=status, values=values, errors=messages(error, LABELS)
            )
        except StoreUnavailable:  # nothing was recorded: the form again, with the values, to send later
            return retry_later(
                await self._hazard_page(
                    clock, principal, hazard_id, status=503, values=values, errors=store_down_errors()
                )
            )
        return Redirect("/my/hazards?saved=reported", status_code=303)
