"""Registry JSON API: public search and profiles; regulators create and update institutions."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, Parameter, QueryParameter

from credit.accounts.auth import provide_principal, requires_login, requires_roles
from credit.accounts.roles import REGULATORS, Principal
from credit.api_params import MAX_SEARCH_LENGTH
from credit.audit.queries import history_of
from credit.audit.schemas import HistoryEntry
from credit.errors import FieldError, ValidationFailed
from credit.public import queries as public_queries
from credit.reasons import Reason
from credit.registry import service
from credit.registry.offers import CARE_LEVELS, MAX_FEE, SERVICES
from credit.registry.profile import InstitutionProfile
from credit.registry.schemas import (
    InstitutionIn,
    InstitutionOut,
    InstitutionPage,
    InstitutionUpdate,
    PractitionerIn,
    PractitionerOut,
)


def _out(record: dict[str, Any]) -> InstitutionOut:
    """A record as the registry service returns it (service.public_fields)."""
    return msgspec.convert(record, InstitutionOut, from_attributes=False)


def _check_closed(field: str, value: str | None, allowed: dict[str, Any]) -> None:
    if value and value not in allowed:
        raise ValidationFailed([FieldError(field, Reason("one_of", allowed=", ".join(allowed)), value)])


class InstitutionController(Controller):
    path = "/api/v1/institutions"
    tags = ["institutions"]
    dependencies = {"principal": Provide(provide_principal)}

    @get("/", operation_id="searchInstitutions")
    async def search(
        self,
        q: str = Parameter(default="", max_length=MAX_SEARCH_LENGTH),
        district: FromQuery[str] = "",
        level: FromQuery[str] = "",
        min_grade: int | None = Parameter(default=None, ge=1, le=5),
        service_offered: Annotated[
            str | None,
            QueryParameter(name="service", description="offers this service", schema_extra={"enum": list(SERVICES)}),
        ] = None,
        care_level: str | None = Parameter(
            default=None, description="accepts this care level", schema_extra={"enum": list(CARE_LEVELS)}
        ),
        max_fee: int | None = Parameter(
            default=None, ge=0, le=MAX_FEE, description="its lowest monthly fee is at most this many yuan"
        ),
        page: int = Parameter(default=1, ge=1, le=100000),
    ) -> InstitutionPage:
        """Search institutions by name or USCC, district, credit level, minimum grade, a service offered, a care
        level accepted and a monthly budget (homes that report no fee are not found by it); by name."""
        _check_closed("service", service_offered, SERVICES)
        _check_closed("care_level", care_level, CARE_LEVELS)
        filters = public_queries.Filters(
            q=q,
            district=district,
            level=level,
            min_grade=min_grade,
            service=service_offered or "",
            care_level=care_level or "",
            max_fee=max_fee,
        )
        found = await public_queries.search(filters, sort="name", page=page)
        docs = await public_queries.document_bytes([r["id"] for r in found.items])
        # Each stored document decoded straight into the fields sent (msgspec skips the rest unread).
        items = [msgspec.json.decode(docs[r["id"]], type=InstitutionOut) for r in found.items]
        return InstitutionPage(items=items, total=found.total, page=found.page)

    @get("/{uscc:str}", operation_id="getInstitution")
    async def profile(self, uscc: FromPath[str]) -> InstitutionProfile:
        """An institution's public profile: registry facts, credit with reasons, grades, fire safety (`fire`:
        the current status and failed areas), the penalties inside their publication period (revoked and
        ended ones are not shown; see credit.public.view) and the entries on the public list (`listed`).
        The stored projection document, sent as it is (one indexed read)."""
        # msgspec.Raw: the stored JSON is the body as it is (not decoded and encoded again).
        return msgspec.Raw(await public_queries.profile_bytes(uscc))  # type: ignore[return-value]

    @post("/", operation_id="createInstitution", guards=[requires_roles(*REGULATORS)])
    async def create(self, data: JSONBody[InstitutionIn], principal: NamedDependency[Principal]) -> InstitutionOut:
        """Register an institution (regulators; a district regulator only in its district)."""
        return _out(await service.create_institution(data, principal))

    @put("/{uscc:str}", operation_id="updateInstitution", guards=[requires_roles(*REGULATORS)])
    async def update(
        self, uscc: FromPath[str], data: JSONBody[InstitutionUpdate], principal: NamedDependency[Principal]
    ) -> InstitutionOut:
        """Update an institution; `version` must be the one read, else 409 with the current record."""
        current = await service.get_institution_by_uscc(uscc)
        return _out(await service.update_institution(current["id"], data, principal))

    @post("/{uscc:str}/practitioners", operation_id="addPractitioner", guards=[requires_roles(*REGULATORS)])
    async def add_practitioner(
        self, uscc: FromPath[str], data: JSONBody[PractitionerIn], principal: NamedDependency[Principal]
    ) -> PractitionerOut:
        """Register a practitioner; the ID number is stored only as a keyed hash and a masked form."""
        current = await service.get_institution_by_uscc(uscc)
        stored = await service.add_practitioner(current["id"], data, principal)
        return PractitionerOut(**stored)

    @get("/{uscc:str}/practitioners", operation_id="listPractitioners", guards=[requires_login])
    async def practitioners(self, uscc: FromPath[str]) -> list[PractitionerOut]:
        """The institution's practitioners (ID numbers masked)."""
        current = await service.get_institution_by_uscc(uscc)
        return [PractitionerOut(**p) for p in await service.list_practitioners(current["id"])]

    @get("/{uscc:str}/history", operation_id="institutionHistory", guards=[requires_login])
    async def history(self, uscc: FromPath[str]) -> list[HistoryEntry]:
        """Who changed what and when, for the institution record."""
        current = await service.get_institution_by_uscc(uscc)
        return msgspec.convert(await history_of("institution", current["id"]), list[HistoryEntry])
