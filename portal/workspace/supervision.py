"""The supervision loop in the workspace (双随机、一公开): the district's inspection tasks with what is overdue, each
task's result form, publication and rectification; the inspector roster with its conflicts of interest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from credit import db
from credit.accounts.roles import Principal
from credit.clock import Clock
from credit.errors import Duplicate, FieldError, ProcedureRefused, ValidationFailed
from credit.public.supervision import OUTCOME_NAMES
from credit.reasons import Reason
from credit.registry.districts import DISTRICTS
from credit.supervision import service
from credit.supervision.draw import rules_on
from credit.supervision.schemas import (
    ConflictIn,
    InspectorIn,
    InspectorUpdateIn,
    ResultCorrectionIn,
    ResultIn,
    SupervisionRectificationIn,
)
from credit.supervision.tables import InspectionDraw
from credit.validation import typed_from_text
from portal.reasons import reason_zh
from portal.workspace.base import WorkspaceController, district_scope, page
from portal.workspace.forms import posted
from portal.workspace.labels import field_label

LABELS = {
    "certificate_number": ("执法证号", "Certificate number"),
    "agency_code": ("所属部门", "Agency"),
    "kind": ("检查方式", "Kind of inspection"),
    "fire_inspection_id": ("消防安全检查记录", "Fire-safety inspection"),
    "findings": ("发现的问题", "Findings"),
    "reason": ("回避理由", "Reason"),
    "outcome": ("处理结果", "Outcome"),
    "rectify_by": ("整改期限", "Rectify by"),
    "task": ("检查任务", "Task"),
    "active": ("在册状态", "On the roster"),
}
STATUS_NAMES = {
    "open": ("待检查", "to inspect"),
    "recorded": ("待公开", "to publish"),
    "published": ("已公开", "published"),
}
SAVED = {
    "inspector": ("已加入执法人员名录。", "The inspector is on the roster."),
    "conflict": ("回避情形已登记。", "The conflict of interest was recorded."),
    "result": ("检查结果已登记，请在公开期限内公开。", "The result was recorded; publish it before its deadline."),
    "published": ("检查结果已公开。", "The result is public."),
    "rectified": ("整改情况已确认。", "The rectification was confirmed."),
    "corrected": (
        "检查结果已更正，原结果保留在更正记录中。",
        "The result was corrected; the original stays in its history.",
    ),
    "edited": ("执法人员信息已更新。", "The inspector was updated."),
    "deactivated": (
        "该执法人员已停用，今后不再被抽取；已派的任务不变。",
        "The inspector is inactive and no longer drawn.",
    ),
    "reactivated": ("该执法人员已恢复在册。", "The inspector is active again."),
}
INSPECTOR_FIELDS = ("name", "certificate_number", "agency_code", "district_code")


CORRECTION_LABELS = {"reason": ("更正理由", "Reason for the correction")}


def messages(
    errors: list[FieldError], labels: Mapping[str, tuple[str, str]] | None = None
) -> dict[str, dict[str, str]]:
    """Field -> {zh, en} in plain words, with the labels of the supervision forms (`labels` first)."""
    found: dict[str, dict[str, str]] = {}
    for error in errors:
        zh, en = (labels or {}).get(error.field) or LABELS.get(error.field) or field_label(error.field)
        found[error.field] = {"zh": f"{zh}{reason_zh(error)}。", "en": f"{en} {error.reason}."}
    return found


def refusal(error: ProcedureRefused | Duplicate) -> dict[str, dict[str, str]]:
    if isinstance(error, Duplicate):
        return {error.field: {"zh": "已经登记，不能重复登记。", "en": str(error)}}
    return {"form": {"zh": f"{reason_zh(error)}。", "en": error.reason}}


def result_body(values: Mapping[str, str], checklist: tuple) -> dict[str, Any]:
    """The posted result form's fields (`checklist.<item>` gathered), blanks left out."""
    body: dict[str, Any] = {
        k: values.get(k, "")
        for k in ("kind", "outcome", "inspected_on", "fire_inspection_id", "rectify_by", "findings")
    }
    if body["kind"] == "general":
        body["checklist"] = {i.code: values.get(f"checklist.{i.code}", "") for i in checklist}
    return {k: v for k, v in body.items() if v != ""}


def correction_values(task: Mapping[str, Any]) -> dict[str, str]:
    """The correction form filled with the result as recorded (the form of an open task starts empty)."""
    if task["status"] == "open":
        return {}
    values = {
        "kind": task["kind"],
        "outcome": task["outcome"],
        "inspected_on": task["inspected_on"].isoformat() if task["inspected_on"] else "",
        "fire_inspection_id": str(task["fire_inspection"] or ""),
        "rectify_by": task["rectify_by"].isoformat() if task["rectify_by"] else "",
        "findings": task["findings"] or "",
    }
    return values | {f"checklist.{k}": v for k, v in (task["checklist"] or {}).items()}


async def checklist_of(task: Mapping[str, Any]) -> tuple:
    drawn = db.found(
        await InspectionDraw.select(InspectionDraw.drawn_on).where(InspectionDraw.id == task["draw"]).first().run(),
        "draw",
    )
    return rules_on(drawn["drawn_on"])[1].checklist


class SupervisionPages(WorkspaceController):
    @get("/supervision", operation_id="workspaceSupervision")
    async def index(self, principal: NamedDependency[Principal], month: FromQuery[str] = "") -> Template:
        """The tasks of the principal's district (all months, or one), and what is overdue."""
        tasks = await service.tasks(principal, month or None)
        return page(
            "supervision_tasks.html",
            principal,
            tasks=tasks,
            month=month,
            statuses=STATUS_NAMES,
            outcomes=OUTCOME_NAMES,
            overdue=await service.overdue(principal),
            district=district_scope(principal),
        )

    async def _task_page(
        self,
        clock: Clock,
        principal: Principal,
        task_id: int,
        *,
        status: int = 200,
        saved: str = "",
        values: Mapping[str, str] | None = None,
        errors: Mapping[str, Any] | None = None,
    ) -> Template:
        task = await service.task_in_scope(task_id, principal)
        shown = next(t for t in await service.tasks(principal, task["month"]) if t["id"] == task_id)
        return page(
            "supervision_task.html",
            principal,
            status=status,
            task=shown,
            checklist=await checklist_of(task),
            statuses=STATUS_NAMES,
            outcomes=OUTCOME_NAMES,
            saved=SAVED.get(saved),
            values=values if values is not None else correction_values(shown),
            errors=errors or {},
            today=clock.today(),
            corrections=await service.corrections(task_id, principal),
        )

    @get("/supervision/tasks/{task_id:int}", operation_id="workspaceSupervisionTask")
    async def task(
        self,
        clock: NamedDependency[Clock],
        principal: NamedDependency[Principal],
        task_id: FromPath[int],
        saved: FromQuery[str] = "",
    ) -> Template:
        return await self._task_page(clock, principal, task_id, saved=saved)

    @post("/supervision/tasks/{task_id:int}/result", operation_id="workspaceRecordSupervisionResult")
    async def record(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        task_id: FromPath[int],
    ) -> Template | Redirect:
        values = await posted(request)
        task = await service.task_in_scope(task_id, principal)
        try:
            body = result_body(values, await checklist_of(task))
            await service.record_result(task_id, typed_from_text(ResultIn, body), principal)
        except ValidationFailed as error:
            return await self._task_page(
                clock, principal, task_id, status=422, values=values, errors=messages(error.errors)
            )
        except ProcedureRefused as error:
            return await self._task_page(clock, principal, task_id, status=409, values=values, errors=refusal(error))
        return Redirect(f"/workspace/supervision/tasks/{task_id}?saved=result", status_code=303)

    @post("/supervision/tasks/{task_id:int}/correction", operation_id="workspaceCorrectSupervisionResult")
    async def correct(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        task_id: FromPath[int],
    ) -> Template | Redirect:
        values = await posted(request)
        task = await service.task_in_scope(task_id, principal)
        body = result_body(values, await checklist_of(task)) | {"reason": values.get("reason", "")}
        try:
            await service.correct_result(task_id, typed_from_text(ResultCorrectionIn, body), principal)
        except ValidationFailed as error:
            errors = messages(error.errors, CORRECTION_LABELS)
            return await self._task_page(clock, principal, task_id, status=422, values=values, errors=errors)
        except ProcedureRefused as error:
            return await self._task_page(clock, principal, task_id, status=409, values=values, errors=refusal(error))
        return Redirect(f"/workspace/supervision/tasks/{task_id}?saved=corrected", status_code=303)

    @post("/supervision/tasks/{task_id:int}/publication", operation_id="workspacePublishSupervisionResult")
    async def publish(
        self, clock: NamedDependency[Clock], principal: NamedDependency[Principal], task_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            await service.publish_result(task_id, principal)
        except ProcedureRefused as error:
            return await self._task_page(clock, principal, task_id, status=409, errors=refusal(error))
        return Redirect(f"/workspace/supervision/tasks/{task_id}?saved=published", status_code=303)

    @post("/supervision/tasks/{task_id:int}/rectification", operation_id="workspaceConfirmSupervisionRectification")
    async def rectified(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        task_id: FromPath[int],
    ) -> Template | Redirect:
        values = await posted(request)
        try:
            confirmed = typed_from_text(SupervisionRectificationIn, {"rectified_on": values.get("rectified_on", "")})
            await service.confirm_rectification(task_id, confirmed, principal)
        except ValidationFailed as error:
            return await self._task_page(
                clock, principal, task_id, status=422, values=values, errors=messages(error.errors)
            )
        except ProcedureRefused as error:
            return await self._task_page(clock, principal, task_id, status=409, values=values, errors=refusal(error))
        return Redirect(f"/workspace/supervision/tasks/{task_id}?saved=rectified", status_code=303)

    async def _roster_page(
        self,
        principal: Principal,
        *,
        status: int = 200,
        saved: str = "",
        values: Mapping[str, str] | None = None,
        errors: Mapping[str, Any] | None = None,
    ) -> Template:
        district = district_scope(principal)
        districts = [(code, zh, en) for code, (zh, en) in DISTRICTS.items() if not district or code == district]
        return page(
            "inspectors.html",
            principal,
            status=status,
            roster=await service.roster(principal),
            districts=districts,
            agencies=await service.agencies(),
            saved=SAVED.get(saved),
            values=values or {},
            errors=errors or {},
        )

    @get("/supervision/inspectors", operation_id="workspaceInspectors")
    async def roster(self, principal: NamedDependency[Principal], saved: FromQuery[str] = "") -> Template:
        """The roster of the principal's district (the city's for city regulators), with conflicts."""
        return await self._roster_page(principal, saved=saved)

    @post("/supervision/inspectors", operation_id="workspaceAddInspector")
    async def add_inspector(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template | Redirect:
        values = await posted(request)
        try:
            await service.add_inspector(InspectorIn(**{k: values.get(k, "") for k in INSPECTOR_FIELDS}), principal)
        except ValidationFailed as error:
            return await self._roster_page(principal, status=422, values=values, errors=messages(error.errors))
        except Duplicate as error:
            return await self._roster_page(principal, status=409, values=values, errors=refusal(error))
        return Redirect("/workspace/supervision/inspectors?saved=inspector", status_code=303)

    @post("/supervision/inspectors/{inspector_id:int}/conflicts", operation_id="workspaceRecordInspectorConflict")
    async def add_conflict(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], inspector_id: FromPath[int]
    ) -> Template | Redirect:
        values = await posted(request)
        try:
            await service.record_conflict(
                inspector_id, ConflictIn(uscc=values.get("uscc", ""), reason=values.get("reason", "")), principal
            )
        except ValidationFailed as error:
            return await self._roster_page(principal, status=422, values=values, errors=messages(error.errors))
        except Duplicate as error:
            return await self._roster_page(principal, status=409, values=values, errors=refusal(error))
        return Redirect("/workspace/supervision/inspectors?saved=conflict", status_code=303)

    async def _inspector_page(
        self,
        principal: Principal,
        inspector_id: int,
        *,
        status: int = 200,
        values: Mapping[str, str] | None = None,
        errors: Mapping[str, Any] | None = None,
    ) -> Template:
        inspector = await service.inspector_in_scope(inspector_id, principal)
        district = district_scope(principal)
        districts = [(code, zh, en) for code, (zh, en) in DISTRICTS.items() if not district or code == district]
        return page(
            "inspector_edit.html",
            principal,
            status=status,
            inspector=inspector,
            districts=districts,
            agencies=await service.agencies(),
            values=values if values is not None else {k: str(inspector[k]) for k in INSPECTOR_FIELDS},
            errors=errors or {},
        )

    @get("/supervision/inspectors/{inspector_id:int}", operation_id="workspaceInspector")
    async def inspector(self, principal: NamedDependency[Principal], inspector_id: FromPath[int]) -> Template:
        """One inspector's roster entry to correct, deactivate or reactivate (in scope of their district)."""
        return await self._inspector_page(principal, inspector_id)

    @post("/supervision/inspectors/{inspector_id:int}", operation_id="workspaceUpdateInspector")
    async def update_inspector(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], inspector_id: FromPath[int]
    ) -> Template | Redirect:
        values = await posted(request)
        current = await service.inspector_in_scope(inspector_id, principal)
        entry = InspectorUpdateIn(**{k: values.get(k, "") for k in INSPECTOR_FIELDS}, active=current["active"])
        try:
            await service.update_inspector(inspector_id, entry, principal)
        except ValidationFailed as error:
            return await self._inspector_page(
                principal, inspector_id, status=422, values=values, errors=messages(error.errors)
            )
        except Duplicate as error:
            return await self._inspector_page(principal, inspector_id, status=409, values=values, errors=refusal(error))
        return Redirect("/workspace/supervision/inspectors?saved=edited", status_code=303)

    @post("/supervision/inspectors/{inspector_id:int}/active", operation_id="workspaceSetInspectorActive")
    async def set_active(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], inspector_id: FromPath[int]
    ) -> Template | Redirect:
        """Deactivate (`active` no) or reactivate (`active` yes) an inspector; the rest of the entry stays."""
        values = await posted(request)
        current = await service.inspector_in_scope(inspector_id, principal)
        active = values.get("active", "")
        if active not in ("yes", "no"):
            errors = messages([FieldError("active", Reason("yes_or_no"), active)])
            return await self._inspector_page(principal, inspector_id, status=422, values=values, errors=errors)
        entry = InspectorUpdateIn(**{k: current[k] or "" for k in INSPECTOR_FIELDS}, active=active == "yes")
        try:
            stored = await service.update_inspector(inspector_id, entry, principal)
        except ValidationFailed as error:
            return await self._inspector_page(
                principal, inspector_id, status=422, values=values, errors=messages(error.errors)
            )
        return Redirect(
            f"/workspace/supervision/inspectors?saved={'reactivated' if stored['active'] else 'deactivated'}",
            status_code=303,
        )
