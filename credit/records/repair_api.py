"""Credit-repair JSON API (信用修复): `/api/v1/penalties/{id}/repair...`.

Shaped for any caller that speaks for the subject: today a civil-affairs regulator records the application
on the subject's behalf; a later institution self-service portal calls the same routes.
"""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody

from credit.accounts.auth import provide_principal, requires_login
from credit.accounts.roles import Principal
from credit.api_params import RecordId
from credit.records import repair
from credit.records.schemas import (
    OpenRepairOut,
    RepairApplicationIn,
    RepairApplicationOut,
    RepairDecisionIn,
    RepairWithdrawalIn,
)


class RepairController(Controller):
    path = "/api/v1"
    tags = ["credit repair"]
    guards = [requires_login]
    dependencies = {"principal": Provide(provide_principal)}

    @post("/penalties/{penalty_id:int}/repair", operation_id="applyPenaltyRepair")
    async def apply(
        self, penalty_id: RecordId, data: JSONBody[RepairApplicationIn], principal: NamedDependency[Principal]
    ) -> RepairApplicationOut:
        """Apply for credit repair of the penalty (after its shortest publication period; minor: once the
        duties are met). One open application per penalty; a rejected one may be renewed."""
        stored = await repair.apply(penalty_id, data, principal)
        return msgspec.convert(stored, RepairApplicationOut)

    @get("/penalties/{penalty_id:int}/repair", operation_id="listPenaltyRepairs")
    async def applications(
        self, penalty_id: RecordId, principal: NamedDependency[Principal]
    ) -> list[RepairApplicationOut]:
        """Every repair application of the penalty, oldest first (regulators in scope)."""
        return msgspec.convert(await repair.applications_of(penalty_id, principal), list[RepairApplicationOut])

    @post("/penalties/{penalty_id:int}/repair/{application_id:int}/decision", operation_id="decidePenaltyRepair")
    async def decide(
        self,
        penalty_id: RecordId,
        application_id: RecordId,
        data: JSONBody[RepairDecisionIn],
        principal: NamedDependency[Principal],
    ) -> RepairApplicationOut:
        """Accept or reject an open application with reasons; accepting takes the penalty out of every public
        output and the score at once. Stale `version` -> 409."""
        stored = await repair.decide(penalty_id, application_id, data, principal)
        return msgspec.convert(stored, RepairApplicationOut)

    @post("/penalties/{penalty_id:int}/repair/{application_id:int}/withdrawal", operation_id="withdrawPenaltyRepair")
    async def withdraw(
        self,
        penalty_id: RecordId,
        application_id: RecordId,
        data: JSONBody[RepairWithdrawalIn],
        principal: NamedDependency[Principal],
    ) -> RepairApplicationOut:
        """Withdraw an open application at the applicant's request."""
        stored = await repair.withdraw(penalty_id, application_id, data, principal)
        return msgspec.convert(stored, RepairApplicationOut)

    @get("/repairs/open", operation_id="openPenaltyRepairs")
    async def open_applications(self, principal: NamedDependency[Principal]) -> list[OpenRepairOut]:
        """The open repair applications in the caller's scope, the due soonest first, each marked `overdue`."""
        return msgspec.convert(await repair.open_applications(principal), list[OpenRepairOut])
