"""Registry JSON API: public search and profiles; regulators create and update institutions."""

from __future__ import annotations

from typing import Any

import msgspec
from scoring import policy_for
from litestar import Controller, get, post, put
from litestar.di import Provide
from litestar.params import Parameter

from credit.accounts.auth import provide_principal, requires_login, requires_roles
from credit.accounts.roles import Principal, REGULATORS
from credit.audit.queries import history_of
from credit.disclosures.queries import credit_of, score_history
from credit.records.public_view import public_penalties_of
from credit.records.queries import gradings_of, inspections_of
from credit.registry import portal_queries, service
from credit.registry.identifiers import mask_free_text_fields, mask_name
from credit.registry.schemas import (
    InstitutionIn,
    InstitutionOut,
    InstitutionUpdate,
    PractitionerIn,
    PractitionerOut,
)
from credit.timeutil import today


def _out(row: dict[str, Any]) -> InstitutionOut:
    return msgspec.convert(service.public_fields(row), InstitutionOut, from_attributes=False)


def _public_out(row: dict[str, Any]) -> InstitutionOut:
    """What anyone may see: the legal representative masked to the surname (张**)."""
    return msgspec.structs.replace(_out(row), legal_representative=mask_name(row["legal_representative"]))


class InstitutionController(Controller):
    path = "/api/v1/institutions"
    tags = ["institutions"]
    dependencies = {"principal": Provide(provide_principal)}

    @get("/", operation_id="searchInstitutions")
    async def search(self, q: str = "", district: str = "", level: str = "",
                     min_grade: int | None = Parameter(default=None, ge=1, le=5),
                     page: int = Parameter(default=1, ge=1, le=100000)) -> dict[str, Any]:
        """Search institutions by name (simplified or traditional, a fragment, its pinyin or initials) or USCC
        prefix, district, credit level and minimum grade; most relevant first when `q` is given, then by
        credit (score, grade, fire safety, name). `total` is exact."""
        on = today()
        filters = portal_queries.Filters(q=q[:100], district=district, level=level, min_grade=min_grade)
        found = await portal_queries.search(filters, policy_for(on), on, page=page)
        return {"items": [_public_out(r) for r in found.items], "total": found.total, "page": found.page}

    @get("/{uscc:str}", operation_id="getInstitution")
    async def profile(self, uscc: str) -> dict[str, Any]:
        """An institution's public profile: registry facts, credit with reasons, grades, fire safety, and the
        penalties inside their publication period (revoked and ended ones are not shown; see public_view)."""
        row = await service.get_institution_by_uscc(uscc)
        institution_id = row["id"]
        return {**msgspec.to_builtins(_public_out(row)), "credit": await credit_of(institution_id),
                "score_history": await score_history(institution_id),
                "gradings": await gradings_of(institution_id),
                "fire_inspections": mask_free_text_fields(await inspections_of(institution_id)),
                "penalties": await public_penalties_of(institution_id, today())}

    @post("/", operation_id="createInstitution", guards=[requires_roles(*REGULATORS)])
    async def create(self, data: InstitutionIn, principal: Principal) -> InstitutionOut:
        """Register an institution (regulators; a district regulator only in its district)."""
        return _out(await service.create_institution(msgspec.structs.asdict(data), principal))

    @put("/{uscc:str}", operation_id="updateInstitution", guards=[requires_roles(*REGULATORS)])
    async def update(self, uscc: str, data: InstitutionUpdate, principal: Principal) -> InstitutionOut:
        """Update an institution; `version` must be the one read, else 409 with the current record."""
        current = await service.get_institution_by_uscc(uscc)
        values = msgspec.structs.asdict(data)
        version = values.pop("version")
        return _out(await service.update_institution(current["id"], values, version, principal))

    @post("/{uscc:str}/practitioners", operation_id="addPractitioner", guards=[requires_roles(*REGULATORS)])
    async def add_practitioner(self, uscc: str, data: PractitionerIn, principal: Principal) -> PractitionerOut:
        """Register a practitioner; the ID number is stored only as a keyed hash and a masked form."""
        current = await service.get_institution_by_uscc(uscc)
        stored = await service.add_practitioner(current["id"], msgspec.structs.asdict(data), principal)
        return PractitionerOut(**stored)

    @get("/{uscc:str}/practitioners", operation_id="listPractitioners", guards=[requires_login])
    async def practitioners(self, uscc: str) -> list[PractitionerOut]:
        """The institution's practitioners (ID numbers masked)."""
        current = await service.get_institution_by_uscc(uscc)
        return [PractitionerOut(**p) for p in await service.list_practitioners(current["id"])]

    @get("/{uscc:str}/history", operation_id="institutionHistory", guards=[requires_login])
    async def history(self, uscc: str) -> list[dict[str, Any]]:
        """Who changed what and when, for the institution record."""
        current = await service.get_institution_by_uscc(uscc)
        return await history_of("institution", current["id"])
