"""Supervision JSON API: the inspector roster and conflicts, the tasks and their results (regulators in scope);
the published results and statistics of a month (anyone)."""

from __future__ import annotations

import dataclasses
import re
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody, Parameter
from litestar.response import Response

from credit.accounts.auth import provide_principal, requires_roles
from credit.accounts.roles import REGULATORS, Principal
from credit.api_params import RecordId
from credit.errors import FieldError, ValidationFailed
from credit.public import supervision as public
from credit.reasons import Reason
from credit.registry.districts import district_name
from credit.supervision import service
from credit.supervision.schemas import (
    ConflictIn,
    ConflictOut,
    InspectorIn,
    InspectorOut,
    InspectorUpdateIn,
    PublishedResultOut,
    PublishedResultsPage,
    ResultCorrectionIn,
    ResultCorrectionOut,
    ResultIn,
    SupervisionRectificationIn,
    TaskOut,
)

Month = Annotated[str, Parameter(max_length=7, description="YYYY-MM; empty: every month")]
MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def checked_month(month: str, required: bool = False) -> str:
    """The month as given (YYYY-MM); a malformed one is a 422 naming `month`."""
    if (month or required) and not MONTH.match(month):
        raise ValidationFailed([FieldError("month", Reason("month_format", example="2026-06"), month)])
    return month


def _task(row: dict[str, Any]) -> TaskOut:
    return msgspec.convert({k: row.get(k) for k in TaskOut.__struct_fields__}, TaskOut)


class SupervisionController(Controller):
    path = "/api/v1/supervision"
    tags = ["supervision"]
    dependencies = {"principal": Provide(provide_principal)}

    @get("/inspectors", operation_id="listInspectors", guards=[requires_roles(*REGULATORS)])
    async def roster(self, principal: NamedDependency[Principal], district: FromQuery[str] = "") -> list[InspectorOut]:
        """The inspector roster with each inspector's recorded conflicts (a district regulator: its district)."""
        return [msgspec.convert(r, InspectorOut) for r in await service.roster(principal, district)]

    @post("/inspectors", operation_id="addInspector", guards=[requires_roles(*REGULATORS)])
    async def add_inspector(self, data: JSONBody[InspectorIn], principal: NamedDependency[Principal]) -> InspectorOut:
        """Put a law-enforcement officer (name, 执法证号, agency, district) on the roster (in scope)."""
        return msgspec.convert(await service.add_inspector(data, principal), InspectorOut)

    @put("/inspectors/{inspector_id:int}", operation_id="updateInspector", guards=[requires_roles(*REGULATORS)])
    async def update_inspector(
        self, inspector_id: RecordId, data: JSONBody[InspectorUpdateIn], principal: NamedDependency[Principal]
    ) -> InspectorOut:
        """Correct an inspector's roster entry, or deactivate (`active` false) / reactivate one, in scope of the
        inspector's district and the new one. A deactivated inspector is not drawn; drawn tasks keep theirs."""
        stored = await service.update_inspector(inspector_id, data, principal)
        return msgspec.convert(stored, InspectorOut)

    @post(
        "/inspectors/{inspector_id:int}/conflicts",
        operation_id="recordInspectorConflict",
        guards=[requires_roles(*REGULATORS)],
    )
    async def add_conflict(
        self, inspector_id: RecordId, data: JSONBody[ConflictIn], principal: NamedDependency[Principal]
    ) -> ConflictOut:
        """Record a conflict of interest (回避): the inspector is never drawn for that home."""
        stored = await service.record_conflict(inspector_id, data, principal)
        return msgspec.convert(stored, ConflictOut)

    @get("/tasks", operation_id="listSupervisionTasks", guards=[requires_roles(*REGULATORS)])
    async def tasks(self, principal: NamedDependency[Principal], month: Month = "") -> list[TaskOut]:
        """The inspection tasks in scope, newest month first, with inspectors, due date, result and deadlines."""
        return [_task(t) for t in await service.tasks(principal, checked_month(month) or None)]

    @post("/tasks/{task_id:int}/result", operation_id="recordSupervisionResult", guards=[requires_roles(*REGULATORS)])
    async def record(
        self, task_id: RecordId, data: JSONBody[ResultIn], principal: NamedDependency[Principal]
    ) -> TaskOut:
        """Record the task's inspection (the home's fire-safety inspection, or a general one with the policy's
        checklist) and its outcome; the result is then due for publication."""
        stored = await service.record_result(task_id, data, principal)
        return _task(await _with_home(stored, principal))

    @post(
        "/tasks/{task_id:int}/corrections",
        operation_id="correctSupervisionResult",
        guards=[requires_roles(*REGULATORS)],
    )
    async def correct(
        self, task_id: RecordId, data: JSONBody[ResultCorrectionIn], principal: NamedDependency[Principal]
    ) -> TaskOut:
        """Correct a recorded or published result with a reason (更正); the result as it was stays in the task's
        corrections, and a published result shows as corrected."""
        stored = await service.correct_result(task_id, data, principal)
        return _task(await _with_home(stored, principal))

    @get(
        "/tasks/{task_id:int}/corrections",
        operation_id="listSupervisionResultCorrections",
        guards=[requires_roles(*REGULATORS)],
    )
    async def corrections(self, task_id: RecordId, principal: NamedDependency[Principal]) -> list[ResultCorrectionOut]:
        """The corrections of a task's result, oldest first, each with the result before and after."""
        return [msgspec.convert(c, ResultCorrectionOut) for c in await service.corrections(task_id, principal)]

    @post(
        "/tasks/{task_id:int}/publication",
        operation_id="publishSupervisionResult",
        guards=[requires_roles(*REGULATORS)],
    )
    async def publish(self, task_id: RecordId, principal: NamedDependency[Principal]) -> PublishedResultOut:
        """Publish the recorded result (一公开): portal, profile, agency feed, daily disclosure."""
        return msgspec.convert(await service.publish_result(task_id, principal), PublishedResultOut)

    @post(
        "/tasks/{task_id:int}/rectification",
        operation_id="confirmSupervisionRectification",
        guards=[requires_roles(*REGULATORS)],
    )
    async def rectified(
        self, task_id: RecordId, data: JSONBody[SupervisionRectificationIn], principal: NamedDependency[Principal]
    ) -> TaskOut:
        """Confirm that the ordered rectification was done (on time or late, against its deadline)."""
        stored = await service.confirm_rectification(task_id, data, principal)
        return _task(await _with_home(stored, principal))

    @get("/results", operation_id="listSupervisionResults")
    async def results(self, month: Month = "") -> PublishedResultsPage:
        """The published results of a month (inspectors masked) and its statistics by district (anyone)."""
        month = checked_month(month, required=True)
        items = await public.published_results(month)
        return msgspec.convert(
            {
                "items": items,
                "total": len(items),
                "page": 1,
                "statistics": [dataclasses.asdict(s) for s in public.statistics_of(items)],
            },
            PublishedResultsPage,
        )

    @get("/statistics.csv", operation_id="supervisionStatisticsCsv", media_type="text/csv")
    async def statistics_csv(self, month: Month = "") -> Response[bytes]:
        """The month's statistics by district as CSV (UTF-8 with BOM)."""
        month = checked_month(month, required=True)
        return Response(
            public.statistics_csv(await public.statistics(month), district_name).encode(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="supervision-{month}.csv"'},
        )


async def _with_home(task: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """The task as the task list shows it (home, inspector names, rectification state)."""
    rows = await service.tasks(principal, task["month"])
    return next(r for r in rows if r["id"] == task["id"])
