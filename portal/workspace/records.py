"""Records in the workspace: gradings, fire inspections (with hazards and their rectification), penalties."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from credit.accounts.roles import AGENCY_OFFICER, Principal, require_scope, require_unmatched_penalty
from credit.errors import Duplicate, FieldError, StaleVersion, ValidationFailed
from credit.reasons import Reason
from credit.records import service as records
from credit.records.queries import get_hazard
from credit.records.schemas import FireInspectionIn, GradingIn, HazardIn, PenaltyIn, PenaltyUpdate
from credit.registry.service import get_institution
from credit.validation import typed_from_text
from portal.workspace.base import WorkspaceController, page, permissions, require
from portal.workspace.forms import field_messages, form_values, posted, version_of
from portal.workspace.institutions import institution_page, saved_redirect
from scoring import FIRE_AREAS

HAZARD_ROWS = 3
HAZARD_FIELDS = ("category", "description", "found_on", "rectify_by")
PENALTY_FIELDS = (
    "subject_kind",
    "decision_number",
    "violation_type",
    "facts",
    "legal_basis",
    "penalty_kind",
    "content",
    "fine_yuan",
    "decision_date",
    "deciding_agency",
    "source_agency",
    "publication_end",
    "severity",
    "is_fire_safety",
    "listing_behaviour",
    "rectified_on",
)
PENALTY_EDIT_FIELDS = PENALTY_FIELDS + ("revoked", "revoked_on")


def inspection_data(form: dict[str, str]) -> tuple[FireInspectionIn, list[int]]:
    """The service's input from the flat form, and which form row each hazard came from (blank rows skipped)."""
    rows = []
    hazards = []
    for n in range(HAZARD_ROWS):
        hazard = {field: form.get(f"hazards.{n}.{field}", "") for field in HAZARD_FIELDS}
        if any(hazard.values()):
            rows.append(n)
            hazards.append(typed_from_text(HazardIn, hazard))
    data = {
        "inspected_on": form.get("inspected_on", ""),
        "inspector": form.get("inspector", ""),
        "note": form.get("note", ""),
        "checklist": {a: form.get(f"checklist.{a}") for a in FIRE_AREAS},
        "hazards": hazards,
    }
    return typed_from_text(FireInspectionIn, data), rows


def hazard_rename(rows: list[int]) -> dict[str, str]:
    """Service error fields (`hazards.<n>.x` over the filled rows) -> the form's row names."""
    return {
        f"hazards.{n}.{field}": f"hazards.{row}.{field}"
        for n, row in enumerate(rows)
        for field in (*HAZARD_FIELDS, "rectified_on")
    }


def errors_of(error: ValidationFailed | Duplicate, rename: dict[str, str] | None = None) -> dict:
    if isinstance(error, Duplicate):
        return field_messages([FieldError(error.field, Reason("already_registered"), error.value)])
    return field_messages(error.errors, rename)


class RecordPages(WorkspaceController):
    async def _institution(self, principal: Principal, institution_id: int, action: str) -> dict[str, Any]:
        institution = await get_institution(institution_id)
        require(
            permissions(principal, institution["district_code"])[action],
            "your role may not add this record to this institution",
        )
        return institution

    # Gradings (等级评定)

    @get("/institutions/{institution_id:int}/gradings/new", operation_id="workspaceNewGrading")
    async def new_grading(self, principal: NamedDependency[Principal], institution_id: FromPath[int]) -> Template:
        institution = await self._institution(principal, institution_id, "grading")
        return page("grading_form.html", principal, institution=institution, values={}, errors={})

    @post("/institutions/{institution_id:int}/gradings/new", operation_id="workspaceCreateGrading")
    async def create_grading(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], institution_id: FromPath[int]
    ) -> Template | Redirect:
        institution = await get_institution(institution_id)
        values = await posted(request)
        try:
            await records.create_grading(institution_id, typed_from_text(GradingIn, values), principal)
        except ValidationFailed as error:
            return page(
                "grading_form.html",
                principal,
                status=422,
                institution=institution,
                values=values,
                errors=errors_of(error),
            )
        return saved_redirect(institution_id, "grading")

    # Fire inspections (消防安全检查) and major hazards (重大事故隐患)

    @get("/institutions/{institution_id:int}/fire-inspections/new", operation_id="workspaceNewFireInspection")
    async def new_inspection(self, principal: NamedDependency[Principal], institution_id: FromPath[int]) -> Template:
        institution = await self._institution(principal, institution_id, "fire")
        return page(
            "inspection_form.html",
            principal,
            institution=institution,
            values={},
            errors={},
            hazard_rows=range(HAZARD_ROWS),
        )

    @post("/institutions/{institution_id:int}/fire-inspections/new", operation_id="workspaceCreateFireInspection")
    async def create_inspection(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], institution_id: FromPath[int]
    ) -> Template | Redirect:
        institution = await get_institution(institution_id)
        values = await posted(request)
        data, rows = inspection_data(values)
        try:
            await records.create_fire_inspection(institution_id, data, principal)
        except ValidationFailed as error:
            return page(
                "inspection_form.html",
                principal,
                status=422,
                institution=institution,
                values=values,
                errors=errors_of(error, hazard_rename(rows)),
                hazard_rows=range(HAZARD_ROWS),
            )
        return saved_redirect(institution_id, "inspection")

    @post("/hazards/{hazard_id:int}/rectify", operation_id="workspaceRectifyHazard")
    async def rectify(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], hazard_id: FromPath[int]
    ) -> Template | Redirect:
        hazard = await get_hazard(hazard_id)
        values = await posted(request)
        try:
            await records.rectify_hazard(hazard_id, values.get("rectified_on", ""), version_of(values), principal)
        except ValidationFailed as error:
            return await institution_page(
                principal,
                hazard["institution"],
                status=422,
                hazard_errors={hazard_id: field_messages(error.errors)},
                hazard_values={hazard_id: values},
            )
        except StaleVersion:
            return await institution_page(
                principal,
                hazard["institution"],
                status=409,
                notice="别人刚刚修改了这条隐患记录，下面是当前内容。Someone else changed this hazard; "
                "here is the current version.",
            )
        return saved_redirect(hazard["institution"], "hazard")

    # Penalties (行政处罚, 双公示 fields)

    @get("/institutions/{institution_id:int}/penalties/new", operation_id="workspaceNewPenalty")
    async def new_penalty(self, principal: NamedDependency[Principal], institution_id: FromPath[int]) -> Template:
        institution = await self._institution(principal, institution_id, "penalty")
        return page(
            "penalty_form.html",
            principal,
            institution=institution,
            penalty=None,
            values={"subject_kind": "legal_person", "deciding_agency": "", "source_agency": ""},
            errors={},
        )

    @post("/institutions/{institution_id:int}/penalties/new", operation_id="workspaceCreatePenalty")
    async def create_penalty(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], institution_id: FromPath[int]
    ) -> Template | Redirect:
        institution = await get_institution(institution_id)
        values = await posted(request)
        try:
            entry = typed_from_text(PenaltyIn, {k: values.get(k, "") for k in PENALTY_FIELDS})
            await records.create_penalty(institution_id, entry, principal)
        except (ValidationFailed, Duplicate) as error:
            return page(
                "penalty_form.html",
                principal,
                status=422 if isinstance(error, ValidationFailed) else 409,
                institution=institution,
                penalty=None,
                values=values,
                errors=errors_of(error),
            )
        return saved_redirect(institution_id, "penalty")

    async def _penalty(self, principal: Principal, penalty_id: int) -> tuple[dict[str, Any], dict | None]:
        penalty = await records.get_penalty(penalty_id)
        institution = await get_institution(penalty["institution"]) if penalty["institution"] else None
        if institution is None:  # the review queue: its reporting agency and city-level regulators only
            require_unmatched_penalty(principal, await records.reporting_agency_of(penalty_id))
        elif principal.role != AGENCY_OFFICER:
            require_scope(principal, institution["district_code"])
        return penalty, institution

    @get("/penalties/{penalty_id:int}/edit", operation_id="workspaceEditPenalty")
    async def edit_penalty(self, principal: NamedDependency[Principal], penalty_id: FromPath[int]) -> Template:
        penalty, institution = await self._penalty(principal, penalty_id)
        return page(
            "penalty_form.html",
            principal,
            institution=institution,
            penalty=penalty,
            values=form_values(penalty, PENALTY_EDIT_FIELDS),
            version=penalty["version"],
            errors={},
        )

    @post("/penalties/{penalty_id:int}/edit", operation_id="workspaceUpdatePenalty")
    async def update_penalty(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], penalty_id: FromPath[int]
    ) -> Template | Redirect:
        penalty, institution = await self._penalty(principal, penalty_id)
        values = await posted(request)
        data = {k: values.get(k, "") for k in PENALTY_EDIT_FIELDS}
        entry = typed_from_text(PenaltyUpdate, {**data, "version": version_of(values)})
        try:
            stored = await records.update_penalty(penalty_id, entry, principal)
        except (ValidationFailed, Duplicate) as error:
            return page(
                "penalty_form.html",
                principal,
                status=422 if isinstance(error, ValidationFailed) else 409,
                institution=institution,
                penalty=penalty,
                values=values,
                version=version_of(values),
                errors=errors_of(error),
            )
        except StaleVersion as stale:
            current = form_values(stale.current, PENALTY_EDIT_FIELDS)
            yours = {k: v for k, v in data.items() if current.get(k, "") != v}
            return page(
                "penalty_form.html",
                principal,
                status=409,
                institution=institution,
                penalty=stale.current,
                values=current,
                version=stale.current["version"],
                errors={},
                conflict=yours,
            )
        if stored["institution"]:
            return saved_redirect(stored["institution"], "penalty")
        return Redirect(f"/workspace/history/penalty/{penalty_id}", status_code=303)
