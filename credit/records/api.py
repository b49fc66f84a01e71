"""Records JSON API: gradings, fire inspections, hazards and penalties (regulators and agency officers)."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from credit.accounts.auth import provide_principal, requires_login
from credit.accounts.roles import Principal
from credit.api_params import RecordId
from credit.audit.queries import history_of
from credit.audit.schemas import HistoryEntry
from credit.records import service
from credit.records.schemas import (
    FireInspectionIn,
    FireInspectionOut,
    GradingIn,
    GradingOut,
    HazardOut,
    PenaltyIn,
    PenaltyOut,
    PenaltyUpdate,
    RectificationIn,
)
from credit.registry.service import get_institution_by_uscc


class RecordsController(Controller):
    path = "/api/v1"
    tags = ["records"]
    guards = [requires_login]
    dependencies = {"principal": Provide(provide_principal)}

    @post("/institutions/{uscc:str}/gradings", operation_id="createGrading")
    async def create_grading(
        self, uscc: FromPath[str], data: JSONBody[GradingIn], principal: NamedDependency[Principal]
    ) -> GradingOut:
        """Record a grading decision; the level follows from the four part scores."""
        institution = await get_institution_by_uscc(uscc)
        stored = await service.create_grading(institution["id"], data, principal)
        return msgspec.convert(stored, GradingOut)

    @post("/institutions/{uscc:str}/fire-inspections", operation_id="createFireInspection")
    async def create_fire_inspection(
        self, uscc: FromPath[str], data: JSONBody[FireInspectionIn], principal: NamedDependency[Principal]
    ) -> FireInspectionOut:
        """Record a fire-safety inspection: the seven-area checklist and any major hazards."""
        institution = await get_institution_by_uscc(uscc)
        stored = await service.create_fire_inspection(institution["id"], data, principal)
        return msgspec.convert(stored, FireInspectionOut)

    @post("/hazards/{hazard_id:int}/rectification", operation_id="rectifyHazard")
    async def rectify(
        self, hazard_id: RecordId, data: JSONBody[RectificationIn], principal: NamedDependency[Principal]
    ) -> HazardOut:
        """Record the date a major hazard was rectified."""
        stored = await service.rectify_hazard(hazard_id, data.rectified_on.isoformat(), data.version, principal)
        return msgspec.convert(stored, HazardOut)

    @post("/institutions/{uscc:str}/penalties", operation_id="createInstitutionPenalty")
    async def create_penalty(
        self, uscc: FromPath[str], data: JSONBody[PenaltyIn], principal: NamedDependency[Principal]
    ) -> PenaltyOut:
        """Record a penalty (双公示 fields; fine in yuan) against the institution."""
        institution = await get_institution_by_uscc(uscc)
        stored = await service.create_penalty(institution["id"], data, principal)
        return msgspec.convert(stored, PenaltyOut)

    @put("/penalties/{penalty_id:int}", operation_id="updatePenalty")
    async def update_penalty(
        self, penalty_id: RecordId, data: JSONBody[PenaltyUpdate], principal: NamedDependency[Principal]
    ) -> PenaltyOut:
        """Update a penalty (also to record rectification or revocation); stale `version` -> 409."""
        return msgspec.convert(await service.update_penalty(penalty_id, data, principal), PenaltyOut)

    @get("/penalties/{penalty_id:int}/history", operation_id="penaltyHistory")
    async def penalty_history(self, penalty_id: RecordId) -> list[HistoryEntry]:
        """Who changed the penalty, when, and what."""
        await service.get_penalty(penalty_id)
        return msgspec.convert(await history_of("penalty", penalty_id), list[HistoryEntry])
