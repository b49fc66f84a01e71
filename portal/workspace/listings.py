"""The joint-punishment list (失信联合惩戒对象名单) in the workspace: entries, proposal, and each step of the
procedure as a form (the services decide what is legal; the page offers only what the state allows)."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from datetime import date
from typing import Annotated, Any, Protocol
from urllib.parse import urlencode

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from credit.accounts.roles import AGENCY, AGENCY_OFFICER, Principal, can_write_institution
from credit.clock import Clock
from credit.errors import FieldError, IllegalTransition, NotFound, ProcedureRefused, ValidationFailed
from credit.listings import rules, service
from credit.listings.behaviours import COURT_DEBTOR
from credit.listings.queries import count_entries_by_state, search_entries
from credit.listings.schemas import (
    DecisionIn,
    EarlyRemovalDecisionIn,
    EarlyRemovalIn,
    ObjectionIn,
    ProposalIn,
    RemovalIn,
    StepIn,
    WithdrawalIn,
)
from credit.listings.self_service import evidence_of_entry, receipt_of
from credit.records.queries import penalties_of
from credit.registry.service import get_institution, list_practitioners
from credit.sharing.measures import MEASURES, feedback_of
from credit.validation import typed_from_text
from portal.reasons import reason_zh
from portal.workspace.base import WorkspaceController, district_scope, page, require
from portal.workspace.forms import posted
from portal.workspace.labels import Label, field_label

STATE_LABELS: dict[str, Label] = {
    rules.PROPOSED: ("已提出", "Proposed"),
    rules.NOTIFIED: ("已告知（异议期）", "Notified (objection window)"),
    rules.OBJECTED: ("已提出异议（待复核）", "Objected (under review)"),
    rules.LISTED: ("已列入名单", "Listed"),
    rules.REMOVED: ("已移出名单", "Removed"),
    rules.WITHDRAWN: ("已撤回", "Withdrawn"),
}
REMOVAL_LABELS: dict[str, Label] = {
    "expired": ("期满移出", "Expired"),
    "repaired": ("信用修复，提前移出", "Early removal (credit repaired)"),
    "revoked_basis": ("列入依据被撤销", "Basis revoked"),
    "error": ("列入错误", "Listed in error"),
    "court_removed": ("人民法院已将其移出失信被执行人名单", "Removed from the court's list"),
}
OUTCOME_LABELS: dict[str, Label] = {"upheld": ("维持列入", "Upheld (list it)"), "withdrawn": ("撤回", "Withdrawn")}
DECISION_LABELS: dict[str, Label] = {
    "approved": ("同意提前移出", "Approve"),
    "rejected": ("不予同意", "Reject"),
    "pending": ("待决定", "Pending"),
    "withdrawn": ("机构已撤回", "Withdrawn by the home"),
}
STEP_FIELDS: dict[str, Label] = {
    "on": ("日期", "Date"),
    "backdate_reason": ("补录理由", "Reason for back-dating"),
    "behaviour": ("失信行为", "Behaviour"),
    "facts": ("认定的事实", "Facts"),
    "basis": ("列入依据", "Basis"),
    "penalty_ids": ("所依据的行政处罚", "Basis penalties"),
    "practitioner_id": ("从业人员", "Practitioner"),
    "institution_id": ("机构", "Institution"),
    "text": ("异议内容", "Objection"),
    "outcome": ("复核结论", "Outcome"),
    "reasons": ("理由", "Reasons"),
    "reason": ("移出原因", "Removal reason"),
    "statement": ("申请陈述", "Statement"),
    "decision": ("决定", "Decision"),
    "entry": ("名单事项", "Entry"),
}
SAVED: dict[str, Label] = {
    "proposed": ("已提出列入名单。", "The entry was proposed."),
    "notify": ("已送达告知，异议期开始计算。", "The notice was served; the objection window runs."),
    "objection": ("异议已记录。", "The objection was recorded."),
    "decision": ("复核决定已记录。", "The review decision was recorded."),
    "withdrawal": ("已撤回。", "The entry was withdrawn."),
    "removal": ("已移出名单。", "The entry was removed from the list."),
    "early-removal": ("提前移出申请已记录。", "The early-removal application was recorded."),
    "early-removal-decision": ("提前移出申请已作出决定。", "The early-removal application was decided."),
}
PAGE_SIZE = 20


def step_errors(errors: list[FieldError]) -> dict[str, dict[str, str]]:
    """Field -> {zh, en}, the field named in plain words (several problems of one field joined)."""
    found: dict[str, dict[str, str]] = {}
    for error in errors:
        zh_label, en_label = STEP_FIELDS.get(error.field) or field_label(error.field)
        text = {"zh": f"{zh_label}：{reason_zh(error)}。", "en": f"{en_label}: {error.reason}."}
        if error.field in found:
            text = {"zh": found[error.field]["zh"] + text["zh"], "en": found[error.field]["en"] + " " + text["en"]}
        found[error.field] = text
    return found


def refusal(error: IllegalTransition | ProcedureRefused) -> dict[str, str]:
    """A refused step in plain words, naming the entry's current state or the rule that was not met."""
    if isinstance(error, IllegalTransition):
        zh, en = STATE_LABELS.get(error.current, (error.current, error.current))
        return {
            "zh": f"未执行：该事项当前状态为“{zh}”，此操作在该状态下不可办理，请刷新后查看。",
            "en": f"Not done: the entry is now {en.lower()} ({error.current}); this step is not allowed from there.",
            "state": error.current,
        }
    return {"zh": f"未执行：{reason_zh(error)}。", "en": f"Not done: {error.reason}.", "field": error.field}


def may_decide(principal: Principal, district_code: str) -> bool:
    """Civil affairs decides: a regulator whose scope covers the subject (the services check again)."""
    return principal.role not in (AGENCY_OFFICER, AGENCY) and can_write_institution(principal, district_code)


def offered_steps(entry: Mapping[str, Any], on: date) -> list[str]:
    """The steps legal in the entry's current state on the day `on`, in the order they are shown."""
    status = entry["status"]
    court = entry["behaviour"] == COURT_DEBTOR
    steps = []
    if status == rules.PROPOSED:
        steps.append("notify")
    if status == rules.NOTIFIED and entry["objection_deadline"] and on <= entry["objection_deadline"]:
        steps.append("objection")
    if status == rules.LISTED and entry.get("calendar_review_until") and on <= entry["calendar_review_until"]:
        steps.append("objection")  # reopened: the official calendar moved the deadline later
    if status == rules.OBJECTED:
        steps.append("decision")
    if status == rules.LISTED:
        pending = any(a["decision"] == "pending" for a in entry["applications"])
        if pending:
            steps.append("early-removal-decision")
        elif entry["early_removal_from"] and on >= entry["early_removal_from"]:
            steps.append("early-removal")
        steps.append("removal")
    if court and status in (rules.NOTIFIED, rules.OBJECTED):
        steps.append("removal")  # the court removed the subject before the listing
    if status in (rules.PROPOSED, rules.NOTIFIED, rules.OBJECTED) and not court:
        steps.append("withdrawal")
    return steps


def decision_outcomes(entry: Mapping[str, Any]) -> dict[str, Label]:
    """The review outcomes offered: a court designation follows the court, so it cannot be withdrawn here."""
    if entry["behaviour"] == COURT_DEBTOR:
        return {"upheld": OUTCOME_LABELS["upheld"]}
    return OUTCOME_LABELS


async def entry_page(
    principal: Principal,
    entry_id: int,
    *,
    on: date,
    status: int = 200,
    saved: str = "",
    step: str = "",
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, Any] | None = None,
    refused: Mapping[str, str] | None = None,
) -> Template:
    """The entry with its dates, basis, steps (those legal on the day `on`), applications, the agencies' feedback
    and the step forms."""
    entry = await service.entry_detail(entry_id)
    entry = {**entry, **await evidence_of_entry(entry)}  # the files the home attached (links to download)
    return page(
        "listings_entry.html",
        principal,
        status=status,
        entry=entry,
        feedback=await feedback_of(entry_id),
        basis=list(zip(entry["penalty_ids"], entry["penalty_numbers"], strict=True)),
        may=may_decide(principal, entry["district_code"]),
        steps=offered_steps(entry, on),
        today=on.isoformat(),
        saved=SAVED.get(saved),
        step=step,
        values=values or {},
        errors=errors or {},
        refused=refused,
        S=STATE_LABELS,
        R=REMOVAL_LABELS,
        O=OUTCOME_LABELS,
        outcomes=decision_outcomes(entry),
        receipt=await receipt_of(entry_id),
        D=DECISION_LABELS,
        M=MEASURES,
        B=rules.BEHAVIOURS,
        removal_reasons=(
            ("court_removed", "revoked_basis", "error")
            if entry["behaviour"] == COURT_DEBTOR
            else ("expired", "revoked_basis", "error")
        ),
    )


async def proposal_form(
    principal: Principal,
    institution_id: int,
    *,
    on: date,
    status: int = 200,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, Any] | None = None,
    refused: Mapping[str, str] | None = None,
) -> Template:
    institution = await get_institution(institution_id)
    penalties = [p for p in await penalties_of(institution_id) if not p["revoked"]]
    return page(
        "listings_form.html",
        principal,
        status=status,
        institution=institution,
        penalties=penalties,
        practitioners=await list_practitioners(institution_id),
        values=values or {"on": on.isoformat()},
        errors=errors or {},
        refused=refused,
        B=rules.BEHAVIOURS,
    )


def penalty_ids(raw: list[str]) -> list[Any]:
    """Checkbox values as ids; anything garbled is passed on for the service to refuse."""
    return [int(v) if v.strip().isdigit() else v for v in raw if v.strip()]


class Step(Protocol):
    """A step of the procedure (credit.listings.service): entry, the step's struct, who, and the day it is."""

    def __call__(
        self, entry_id: int, data: Any, by: Principal, *, day: date | None = None
    ) -> Awaitable[dict[str, Any]]: ...


class ListingPages(WorkspaceController):
    @get("/listings", operation_id="workspaceListings")
    async def index(
        self,
        principal: NamedDependency[Principal],
        status: FromQuery[str] = "",
        behaviour: FromQuery[str] = "",
        q: FromQuery[str] = "",
        district: FromQuery[str] = "",
        page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
    ) -> Template:
        """List entries matching the filters, one page at a time, with the count in each state."""
        district = district_scope(principal) or district
        status = status if status in rules.STATES else ""
        behaviour = behaviour if behaviour in rules.BEHAVIOURS else ""
        found = await search_entries(
            status=status, behaviour=behaviour, q=q, district=district, page=page_number, page_size=PAGE_SIZE
        )
        counts = await count_entries_by_state(behaviour=behaviour, q=q, district=district)
        pages = max(1, -(-found.total // found.page_size))
        base = {k: v for k, v in (("status", status), ("behaviour", behaviour), ("q", q), ("district", district)) if v}

        def link(**changes: Any) -> str:
            query = urlencode({k: v for k, v in {**base, **changes}.items() if v})
            return "/workspace/listings" + (f"?{query}" if query else "")

        return page(
            "listings.html",
            principal,
            items=found.items,
            total=found.total,
            page_number=found.page,
            pages=pages,
            filters={"status": status, "behaviour": behaviour, "q": q, "district": district},
            district_locked=bool(district_scope(principal)),
            counts=counts,
            state_links={s: link(status=s, page="") for s in rules.STATES},
            all_link=link(status="", page=""),
            previous=link(page=found.page - 1) if found.page > 1 else "",
            next=link(page=found.page + 1) if found.page < pages else "",
            S=STATE_LABELS,
            B=rules.SHORT_LABELS,
        )

    @get("/listings/new", operation_id="workspaceNewListing")
    async def new(
        self,
        clock: NamedDependency[Clock],
        principal: NamedDependency[Principal],
        institution: FromQuery[int | None] = None,
    ) -> Template:
        """The proposal form for one institution (chosen on its page)."""
        if institution is None:
            raise NotFound("choose the institution first: open its page and follow “propose for the list”")
        district = (await get_institution(institution))["district_code"]
        require(
            may_decide(principal, district),
            "only civil-affairs regulators of the institution's district propose here; "
            "agencies propose through their serious penalty reports",
        )
        return await proposal_form(principal, institution, on=clock.today())

    @post("/listings/new", operation_id="workspaceProposeListing")
    async def propose(
        self, clock: NamedDependency[Clock], request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template | Redirect:
        values = await posted(request)
        chosen = (await request.form()).getall("penalty_ids") if "penalty_ids" in values else []
        try:
            institution_id = int(values.get("institution_id", ""))
        except ValueError:
            raise NotFound("institution") from None
        uscc = (await get_institution(institution_id))["uscc"]
        data = typed_from_text(ProposalIn, {**values, "uscc": uscc, "penalty_ids": penalty_ids(chosen)})
        shown = {**values, "penalty_ids": [str(v) for v in chosen]}
        try:
            entry = await service.propose(data, principal, day=clock.today())
        except ValidationFailed as error:
            return await proposal_form(
                principal, institution_id, on=clock.today(), status=422, values=shown, errors=step_errors(error.errors)
            )
        except ProcedureRefused as error:
            return await proposal_form(
                principal, institution_id, on=clock.today(), status=409, values=shown, refused=refusal(error)
            )
        return Redirect(f"/workspace/listings/{entry['id']}?saved=proposed", status_code=303)

    @get("/listings/{entry_id:int}", operation_id="workspaceListing")
    async def show(
        self,
        clock: NamedDependency[Clock],
        principal: NamedDependency[Principal],
        entry_id: FromPath[int],
        saved: FromQuery[str] = "",
    ) -> Template:
        return await entry_page(principal, entry_id, on=clock.today(), saved=saved)

    async def _step(
        self,
        request: Request[Any, Any, Any],
        clock: Clock,
        principal: NamedDependency[Principal],
        entry_id: FromPath[int],
        step: str,
        action: Step,
        kind: type[msgspec.Struct],
    ) -> Template | Redirect:
        """Run one step of the procedure from its form, as the struct `kind` the step's service takes; a refusal
        re-shows the page with nothing changed."""
        values = await posted(request)
        try:
            await action(entry_id, typed_from_text(kind, values), principal, day=clock.today())
        except ValidationFailed as error:
            return await entry_page(
                principal,
                entry_id,
                on=clock.today(),
                status=422,
                step=step,
                values=values,
                errors=step_errors(error.errors),
            )
        except (IllegalTransition, ProcedureRefused) as error:
            return await entry_page(
                principal, entry_id, on=clock.today(), status=409, step=step, values=values, refused=refusal(error)
            )
        return Redirect(f"/workspace/listings/{entry_id}?saved={step}", status_code=303)

    @post("/listings/{entry_id:int}/notify", operation_id="workspaceNotifyListing")
    async def notify(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        entry_id: FromPath[int],
    ) -> Template | Redirect:
        return await self._step(request, clock, principal, entry_id, "notify", service.notify, StepIn)

    @post("/listings/{entry_id:int}/objection", operation_id="workspaceObjectToListing")
    async def objection(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        entry_id: FromPath[int],
    ) -> Template | Redirect:
        return await self._step(request, clock, principal, entry_id, "objection", service.object_to, ObjectionIn)

    @post("/listings/{entry_id:int}/decision", operation_id="workspaceDecideListing")
    async def decision(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        entry_id: FromPath[int],
    ) -> Template | Redirect:
        return await self._step(request, clock, principal, entry_id, "decision", service.decide, DecisionIn)

    @post("/listings/{entry_id:int}/withdrawal", operation_id="workspaceWithdrawListing")
    async def withdrawal(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        entry_id: FromPath[int],
    ) -> Template | Redirect:
        return await self._step(request, clock, principal, entry_id, "withdrawal", service.withdraw, WithdrawalIn)

    @post("/listings/{entry_id:int}/removal", operation_id="workspaceRemoveListing")
    async def removal(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        entry_id: FromPath[int],
    ) -> Template | Redirect:
        return await self._step(request, clock, principal, entry_id, "removal", service.remove, RemovalIn)

    @post("/listings/{entry_id:int}/early-removal", operation_id="workspaceApplyEarlyRemoval")
    async def early_removal(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        entry_id: FromPath[int],
    ) -> Template | Redirect:
        return await self._step(
            request, clock, principal, entry_id, "early-removal", service.apply_early_removal, EarlyRemovalIn
        )

    @post("/listings/{entry_id:int}/early-removal/decision", operation_id="workspaceDecideEarlyRemoval")
    async def early_removal_decision(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        entry_id: FromPath[int],
    ) -> Template | Redirect:
        return await self._step(
            request,
            clock,
            principal,
            entry_id,
            "early-removal-decision",
            service.decide_early_removal,
            EarlyRemovalDecisionIn,
        )
