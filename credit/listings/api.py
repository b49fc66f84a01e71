"""The list-procedure JSON API: the public list, and each step of the procedure for regulators."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, Parameter

from credit.accounts.auth import provide_principal, requires_login
from credit.accounts.roles import AGENCY, AGENCY_OFFICER, Principal
from credit.api_params import RecordId
from credit.clock import Clock
from credit.identifiers import mask_free_text_fields
from credit.listings import service
from credit.listings.schemas import (
    DecisionIn,
    EarlyRemovalDecisionIn,
    EarlyRemovalIn,
    ListEntryOut,
    ListPage,
    ObjectionIn,
    ProposalIn,
    PublicEntryOut,
    RemovalIn,
    StepIn,
)
from credit.public.listed import current_list


def _out(entry: dict[str, Any]) -> ListEntryOut:
    return msgspec.convert(entry, ListEntryOut)


class ListingController(Controller):
    path = "/api/v1/listings"
    tags = ["listings"]
    dependencies = {"principal": Provide(provide_principal)}

    @get("/", operation_id="currentList")
    async def current(self, page: int = Parameter(default=1, ge=1, le=100000)) -> ListPage:
        """The joint-punishment list in force (失信联合惩戒对象名单); removed entries are not shown."""
        found = await current_list(page)
        return ListPage(
            items=[msgspec.convert(i, PublicEntryOut) for i in found.items], total=found.total, page=found.page
        )

    @get("/{entry_id:int}", operation_id="getListEntry", guards=[requires_login])
    async def detail(self, entry_id: RecordId, principal: NamedDependency[Principal]) -> ListEntryOut:
        """An entry with its dates, basis penalties, steps and early-removal applications (for an agency,
        ID and mobile numbers in the facts, basis, objection and application texts masked)."""
        entry = await service.entry_detail(entry_id)
        return _out(mask_free_text_fields(entry) if principal.role in (AGENCY, AGENCY_OFFICER) else entry)

    @post("/", operation_id="proposeListEntry", guards=[requires_login])
    async def propose(
        self, clock: NamedDependency[Clock], data: JSONBody[ProposalIn], principal: NamedDependency[Principal]
    ) -> ListEntryOut:
        """Propose a subject; a court's dishonest-debtor designation goes straight to notified."""
        return _out(await service.propose(data, principal, day=clock.today()))

    @post("/{entry_id:int}/notify", operation_id="notifyListEntry", guards=[requires_login])
    async def notify(
        self,
        clock: NamedDependency[Clock],
        entry_id: RecordId,
        data: JSONBody[StepIn],
        principal: NamedDependency[Principal],
    ) -> ListEntryOut:
        """Serve the notice; the objection deadline is counted in China's working days."""
        return _out(await service.notify(entry_id, data, principal, day=clock.today()))

    @post("/{entry_id:int}/objection", operation_id="objectToListEntry", guards=[requires_login])
    async def objection(
        self,
        clock: NamedDependency[Clock],
        entry_id: RecordId,
        data: JSONBody[ObjectionIn],
        principal: NamedDependency[Principal],
    ) -> ListEntryOut:
        """Record the subject's objection, within the objection window."""
        return _out(await service.object_to(entry_id, data, principal, day=clock.today()))

    @post("/{entry_id:int}/decision", operation_id="decideListEntry", guards=[requires_login])
    async def decision(
        self,
        clock: NamedDependency[Clock],
        entry_id: RecordId,
        data: JSONBody[DecisionIn],
        principal: NamedDependency[Principal],
    ) -> ListEntryOut:
        """Decide an objection after review: upheld (listed) or withdrawn."""
        return _out(await service.decide(entry_id, data, principal, day=clock.today()))

    @post("/{entry_id:int}/removal", operation_id="removeListEntry", guards=[requires_login])
    async def removal(
        self,
        clock: NamedDependency[Clock],
        entry_id: RecordId,
        data: JSONBody[RemovalIn],
        principal: NamedDependency[Principal],
    ) -> ListEntryOut:
        """Remove a listed entry: expired, revoked_basis or error."""
        return _out(await service.remove(entry_id, data, principal, day=clock.today()))

    @post("/{entry_id:int}/early-removal", operation_id="applyEarlyRemoval", guards=[requires_login])
    async def early_removal(
        self,
        clock: NamedDependency[Clock],
        entry_id: RecordId,
        data: JSONBody[EarlyRemovalIn],
        principal: NamedDependency[Principal],
    ) -> ListEntryOut:
        """Record an application for early removal (after two full years on the list)."""
        return _out(await service.apply_early_removal(entry_id, data, principal, day=clock.today()))

    @post("/{entry_id:int}/early-removal/decision", operation_id="decideEarlyRemoval", guards=[requires_login])
    async def early_removal_decision(
        self,
        clock: NamedDependency[Clock],
        entry_id: RecordId,
        data: JSONBody[EarlyRemovalDecisionIn],
        principal: NamedDependency[Principal],
    ) -> ListEntryOut:
        """Approve (removed as repaired) or reject the pending early-removal application."""
        return _out(await service.decide_early_removal(entry_id, data, principal, day=clock.today()))
