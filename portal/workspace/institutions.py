"""Institutions in the workspace: list, create, edit (optimistic lock), the record page, practitioners."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from credit.accounts.roles import REGULATORS, Principal, require_evidence_reader, require_scope
from credit.disclosures.queries import credit_of
from credit.errors import Duplicate, FieldError, Forbidden, NotFound, StaleVersion, ValidationFailed
from credit.reasons import Reason
from credit.records import hazard_reports
from credit.records.queries import gradings_of, inspections_of, penalties_of
from credit.registry import service as registry
from credit.registry.offers import OFFER_FIELDS, SET_FIELDS
from credit.registry.queries import search_institutions
from credit.registry.schemas import InstitutionIn, InstitutionUpdate, PractitionerIn
from credit.validation import typed_from_text
from portal.workspace.base import WorkspaceController, district_scope, page, permissions, require
from portal.workspace.forms import field_messages, form_values, posted, version_of

INSTITUTION_FIELDS = (
    "uscc",
    "name",
    "district_code",
    "address",
    "beds",
    "owner_type",
    "legal_representative",
    "phone",
    "established_on",
    "status",
    *OFFER_FIELDS,
)
NONE_OF_THESE = "none"  # the form's box for a reported empty set (credit.registry.offers.NONE_WORDS)


def institution_values(record: dict[str, Any]) -> dict[str, str]:
    """A stored institution as its form shows it: each set as its codes joined by commas, `none` for the
    reported empty set, "" when not reported."""
    values = form_values(record, INSTITUTION_FIELDS)
    for field in SET_FIELDS:
        codes = record.get(field)
        values[field] = "" if codes is None else ",".join(codes) or NONE_OF_THESE
    return values


async def posted_institution(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The posted institution form, with every ticked box of a set (none ticked: not reported)."""
    values = await posted(request)
    form = await request.form()
    for field in SET_FIELDS:
        values[field] = ",".join(str(v).strip() for v in form.getall(field, []) if str(v).strip())
    return values


def saved_redirect(institution_id: int, what: str) -> Redirect:
    return Redirect(f"/workspace/institutions/{institution_id}?saved={what}", status_code=303)


async def institution_page(
    principal: Principal,
    institution_id: int,
    *,
    status: int = 200,
    saved: str = "",
    hazard_errors: dict[int, dict] | None = None,
    hazard_values: dict[int, dict] | None = None,
    notice: str = "",
) -> Template:
    """The institution with its credit and every kind of record, and what the principal may do there."""
    institution = await registry.get_institution(institution_id)
    inspections = await inspections_of(institution_id)
    return page(
        "institution.html",
        principal,
        status=status,
        institution=institution,
        credit=await credit_of(institution_id),
        gradings=await gradings_of(institution_id),
        inspections=inspections,
        penalties=await penalties_of(institution_id),
        practitioners=await registry.list_practitioners(institution_id),
        may=permissions(principal, institution["district_code"]),
        saved=saved,
        notice=notice,
        hazard_errors=hazard_errors or {},
        hazard_values=hazard_values or {},
        hazard_reports=await _reports_by_the_home(principal, institution, inspections),
    )


async def _reports_by_the_home(
    principal: Principal, institution: dict[str, Any], inspections: list[dict[str, Any]]
) -> dict[int, list[dict[str, Any]]]:
    """Hazard id -> the home's rectification reports with their files, decided ones included, for those who may
    read the files (civil affairs in scope); anyone else sees only that a report awaits confirmation."""
    try:
        require_evidence_reader(principal, institution["uscc"], institution["district_code"])
    except (Forbidden, NotFound):
        return {}
    return await hazard_reports.reports_of([h["id"] for i in inspections for h in i["hazards"]])


def institution_form(
    principal: Principal,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict | None = None,
    institution: dict | None = None,
    version: int | None = None,
    conflict: dict[str, str] | None = None,
) -> Template:
    return page(
        "institution_form.html",
        principal,
        status=status,
        values=values or {},
        errors=errors or {},
        institution=institution,
        version=version,
        conflict=conflict,
    )


def refused(error: ValidationFailed | Duplicate) -> dict:
    if isinstance(error, Duplicate):
        return field_messages([FieldError(error.field, Reason("already_registered"), error.value)])
    return field_messages(error.errors)


class InstitutionPages(WorkspaceController):
    @get("/institutions", operation_id="workspaceInstitutions")
    async def index(
        self,
        principal: NamedDependency[Principal],
        q: FromQuery[str] = "",
        district: FromQuery[str] = "",
        owner_type: FromQuery[str] = "",
        page_number: Annotated[int, QueryParameter(name="page")] = 1,
    ) -> Template:
        """Institutions matching the filters, one page at a time, with the total."""
        district = district_scope(principal) or district
        found = await search_institutions(q=q, district=district, owner_type=owner_type, page=page_number)
        pages = max(1, -(-found.total // found.page_size))
        base = {k: v for k, v in (("q", q), ("district", district), ("owner_type", owner_type)) if v}
        link = lambda n: "/workspace/institutions?" + urlencode({**base, "page": n})  # noqa: E731
        return page(
            "institutions.html",
            principal,
            items=found.items,
            total=found.total,
            page_number=found.page,
            pages=pages,
            filters={"q": q, "district": district, "owner_type": owner_type},
            district_locked=bool(district_scope(principal)),
            previous=link(found.page - 1) if found.page > 1 else "",
            next=link(found.page + 1) if found.page < pages else "",
            may_create=principal.role in REGULATORS,
        )

    @get("/institutions/new", operation_id="workspaceNewInstitution")
    async def new(self, principal: NamedDependency[Principal]) -> Template:
        require(principal.role in REGULATORS, "only regulators register institutions")
        return institution_form(principal, values={"district_code": district_scope(principal), "status": "active"})

    @post("/institutions/new", operation_id="workspaceCreateInstitution")
    async def create(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template | Redirect:
        values = await posted_institution(request)
        try:
            stored = await registry.create_institution(typed_from_text(InstitutionIn, values), principal)
        except (ValidationFailed, Duplicate) as error:
            return institution_form(
                principal,
                status=422 if isinstance(error, ValidationFailed) else 409,
                values=values,
                errors=refused(error),
            )
        return saved_redirect(stored["id"], "institution")

    @get("/institutions/{institution_id:int}", operation_id="workspaceInstitution")
    async def show(
        self, principal: NamedDependency[Principal], institution_id: FromPath[int], saved: FromQuery[str] = ""
    ) -> Template:
        return await institution_page(principal, institution_id, saved=saved)

    @get("/institutions/{institution_id:int}/edit", operation_id="workspaceEditInstitution")
    async def edit(self, principal: NamedDependency[Principal], institution_id: FromPath[int]) -> Template:
        institution = await registry.get_institution(institution_id)
        require_scope(principal, institution["district_code"])
        return institution_form(
            principal,
            values=institution_values(institution),
            institution=institution,
            version=institution["version"],
        )

    @post("/institutions/{institution_id:int}/edit", operation_id="workspaceUpdateInstitution")
    async def update(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], institution_id: FromPath[int]
    ) -> Template | Redirect:
        institution = await registry.get_institution(institution_id)
        require_scope(principal, institution["district_code"])
        form = await posted_institution(request)
        values = {k: v for k, v in form.items() if k != "version"}
        try:
            entry = typed_from_text(InstitutionUpdate, {**values, "version": version_of(form)})
            await registry.update_institution(institution_id, entry, principal)
        except (ValidationFailed, Duplicate) as error:
            return institution_form(
                principal,
                status=422 if isinstance(error, ValidationFailed) else 409,
                values=values,
                errors=refused(error),
                institution=institution,
                version=version_of(form),
            )
        except StaleVersion as stale:
            current = institution_values(stale.current)
            yours = {k: v for k, v in values.items() if k in current and current[k] != v}
            return institution_form(
                principal,
                status=409,
                values=current,
                institution=stale.current,
                version=stale.current["version"],
                conflict=yours,
            )
        return saved_redirect(institution_id, "institution")

    @get("/institutions/{institution_id:int}/practitioners/new", operation_id="workspaceNewPractitioner")
    async def new_practitioner(self, principal: NamedDependency[Principal], institution_id: FromPath[int]) -> Template:
        institution = await registry.get_institution(institution_id)
        require(
            permissions(principal, institution["district_code"])["practitioner"],
            "your role may not register practitioners of this institution",
        )
        return page("practitioner_form.html", principal, institution=institution, values={}, errors={})

    @post("/institutions/{institution_id:int}/practitioners/new", operation_id="workspaceAddPractitioner")
    async def add_practitioner(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], institution_id: FromPath[int]
    ) -> Template | Redirect:
        institution = await registry.get_institution(institution_id)
        values = await posted(request)
        try:
            await registry.add_practitioner(institution_id, typed_from_text(PractitionerIn, values), principal)
        except (ValidationFailed, Duplicate) as error:
            return page(
                "practitioner_form.html",
                principal,
                status=422 if isinstance(error, ValidationFailed) else 409,
                institution=institution,
                values=values,
                errors=refused(error),
            )
        return saved_redirect(institution_id, "practitioner")
