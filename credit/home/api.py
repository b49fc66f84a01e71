"""The home's JSON API (机构端接口): `/api/v1/my/...`, for a home's own software and for its users' browser.

Callers: a bearer token of an `institution` user (`eldercredit users token NAME`) or the session of the /my pages
(CSRF applies to the session). Every route is scoped to the user's own USCC exactly like /my: another home's record
is a 404, a regulator's, an agency officer's or an agency key's request is a 403, and a home's user whose initial
password is not yet replaced is a 403 until it is (POST /api/v1/me/password). Each write is the service call the
page makes (one write path: audit, evidence, nothing written on error) and counts in the same post limit
(credit.home.throttle); over it: 429 with Retry-After.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide
from litestar.handlers import BaseRouteHandler
from litestar.params import JSONBody

from credit.accounts.auth import principal_of, provide_principal, requires_institution
from credit.accounts.roles import Principal
from credit.api_params import RecordId
from credit.clock import Clock
from credit.disclosures.queries import credit_of
from credit.errors import FieldError, Forbidden, ValidationFailed
from credit.evidence import service as evidence
from credit.evidence.commitment import COMMITMENT_ZH
from credit.home import schemas as s
from credit.home.throttle import TooManyPosts, limit_posts
from credit.listings import self_service
from credit.problems import problem
from credit.public.view import public_penalty
from credit.reasons import Reason
from credit.records import hazard_reports, repair
from credit.records.queries import gradings_of, inspections_of, penalties_of
from credit.registry import changes, service as registry
from credit.registry.districts import district_name
from credit.registry.schemas import RegistryChangeFiling
from credit.settings import settings

# The largest body a filing with files takes: every file at its limit, base64 (4 bytes for 3), and room for text.
MAX_BODY_BYTES = (settings.evidence_max_bytes * settings.evidence_max_files * 4) // 3 + 1024 * 1024


def requires_home_user(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Guard: a home's own user (401 anonymous, 403 any other role) who has set its own password (403 before)."""
    requires_institution(connection, handler)
    principal = principal_of(connection)
    if principal is not None and principal.password_change_required:
        raise Forbidden("replace the initial password first (POST /api/v1/me/password)")


def on_too_many(_: Request[Any, Any, Any], error: TooManyPosts) -> Response[Any]:
    response = problem(429, "Too many submissions", f"nothing was saved; {error}")
    response.headers["Retry-After"] = str(error.seconds)
    return response


def uploads_of(files: Sequence[s.EvidenceFileIn]) -> list[evidence.Upload]:
    """The files of a filing as uploads for credit.evidence; content that is not base64 is a 422 naming it."""
    problems, uploads = [], []
    for n, item in enumerate(files):
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            problems.append(FieldError(f"{evidence.FIELD}[{n}].content_base64", Reason("not_base64"), item.file_name))
            continue
        uploads.append(evidence.Upload(item.file_name, data))
    if problems:
        raise ValidationFailed(problems)
    return uploads


def entry_out(entry: dict[str, Any], on: date | None = None) -> s.HomeEntryOut:
    return msgspec.convert(
        {**entry, "early_removal_open": self_service.removal_open(entry, on)}, s.HomeEntryOut, from_attributes=True
    )


class HomeApiController(Controller):
    path = "/api/v1/my"
    tags = ["institution self-service"]
    guards = [requires_home_user, limit_posts]
    dependencies = {"principal": Provide(provide_principal)}
    exception_handlers = {TooManyPosts: on_too_many}

    @get("/", operation_id="getMyHome")
    async def home(self, clock: NamedDependency[Clock], principal: NamedDependency[Principal]) -> s.HomeRecordOut:
        """The home's full record, including what is not public (proposals, notices, hazards with deadlines)."""
        home_id = await self_service.home_id(principal)
        institution = await registry.get_institution(home_id)
        record = {
            "institution": institution,
            "district_name": district_name(institution["district_code"]),
            "credit": await credit_of(home_id),
            "entries": [
                {**e, "early_removal_open": self_service.removal_open(e, clock.today())}
                for e in await self_service.entries_of_home(principal, clock.today())
            ],
            "penalties": await penalties_of(home_id),
            "inspections": await inspections_of(home_id),
            "gradings": await gradings_of(home_id),
        }
        return msgspec.convert(record, s.HomeRecordOut, from_attributes=True)

    @get("/notices", operation_id="listMyNotices")
    async def notices(
        self, clock: NamedDependency[Clock], principal: NamedDependency[Principal]
    ) -> list[s.HomeEntryOut]:
        """The home's inbox: every entry whose notice was served, newest first, with its receipt (None: not yet
        opened). Listing the inbox does not open a notice."""
        entries = await self_service.entries_of_home(principal, clock.today())
        return [entry_out(e, clock.today()) for e in entries if e["notified_on"] is not None]

    @get("/notices/{entry_id:int}", operation_id="openMyNotice")
    async def notice(
        self, clock: NamedDependency[Clock], entry_id: RecordId, principal: NamedDependency[Principal]
    ) -> s.HomeEntryOut:
        """Open one notice: the first opening by a user of the home is recorded as electronic service (电子送达),
        as on the page; the legal notice date and the objection window stay the regulator's."""
        return entry_out(await self_service.open_notice(entry_id, principal, clock.now()), clock.today())

    @post("/notices/{entry_id:int}/objection", operation_id="objectToMyNotice", request_max_body_size=MAX_BODY_BYTES)
    async def objection(
        self,
        clock: NamedDependency[Clock],
        entry_id: RecordId,
        data: JSONBody[s.ObjectionFiling],
        principal: NamedDependency[Principal],
    ) -> s.HomeEntryOut:
        """Object within the window, dated today, with evidence files; one objection per entry. After the window:
        409 naming `text` with the date it closed."""
        uploads = uploads_of(data.evidence_files)
        on = clock.today()
        await self_service.object_as_home(entry_id, data, principal, uploads, on)
        return entry_out(await self_service.entry_for_home(entry_id, principal, on), on)

    @get("/penalties/{penalty_id:int}/repair", operation_id="getMyPenaltyRepair")
    async def repair_status(
        self, clock: NamedDependency[Clock], penalty_id: RecordId, principal: NamedDependency[Principal]
    ) -> s.PenaltyRepairOut:
        """One penalty of the home: the day repair opens, the commitment text, its applications and their status."""
        return await _repair_out(penalty_id, principal, clock.today())

    @post(
        "/penalties/{penalty_id:int}/repair",
        operation_id="applyForMyPenaltyRepair",
        request_max_body_size=MAX_BODY_BYTES,
    )
    async def apply_repair(
        self, penalty_id: RecordId, data: JSONBody[s.RepairFiling], principal: NamedDependency[Principal]
    ) -> s.HomeRepairApplicationOut:
        """Apply for repair of one of the home's penalties (Order No. 36), dated today, with the commitment
        (`agree`) and evidence files. Too early, revoked, repaired or one open already: 409."""
        uploads = uploads_of(data.evidence_files)
        stored = await repair.apply(penalty_id, data, principal, uploads)
        return await _application_out(penalty_id, stored["id"], principal)

    @post("/penalties/{penalty_id:int}/repair/{application_id:int}/withdrawal", operation_id="withdrawMyPenaltyRepair")
    async def withdraw_repair(
        self,
        penalty_id: RecordId,
        application_id: RecordId,
        data: JSONBody[s.RepairWithdrawal],
        principal: NamedDependency[Principal],
    ) -> s.HomeRepairApplicationOut:
        """Withdraw the open application before civil affairs decides (stale `version`: 409)."""
        await repair.withdraw(penalty_id, application_id, data, principal)
        return await _application_out(penalty_id, application_id, principal)

    @get("/entries/{entry_id:int}/removal", operation_id="getMyEarlyRemoval")
    async def removal_status(self, entry_id: RecordId, principal: NamedDependency[Principal]) -> s.HomeEntryOut:
        """One entry of the home with `early_removal_from`, whether it may apply today and its applications."""
        return entry_out(await self_service.entry_for_home(entry_id, principal))

    @post(
        "/entries/{entry_id:int}/removal", operation_id="applyForMyEarlyRemoval", request_max_body_size=MAX_BODY_BYTES
    )
    async def apply_removal(
        self, entry_id: RecordId, data: JSONBody[s.EarlyRemovalFiling], principal: NamedDependency[Principal]
    ) -> s.HomeEntryOut:
        """Apply for early removal (listed two full years; not a court designation), dated today, with the
        commitment (`agree`) and evidence files."""
        uploads = uploads_of(data.evidence_files)
        return entry_out(await self_service.apply_removal_as_home(entry_id, data, principal, uploads))

    @post("/entries/{entry_id:int}/removal/withdrawal", operation_id="withdrawMyEarlyRemoval")
    async def withdraw_removal(self, entry_id: RecordId, principal: NamedDependency[Principal]) -> s.HomeEntryOut:
        """Withdraw the waiting early-removal application (decided already: 409)."""
        return entry_out(await self_service.withdraw_removal_as_home(entry_id, principal))

    @get("/changes", operation_id="listMyRegistryChanges")
    async def change_requests(self, principal: NamedDependency[Principal]) -> list[s.RegistryChangeOut]:
        """The home's registry change requests, newest first, with status and the regulator's reasons."""
        return [_change_out(row) for row in await changes.requests_of_home(principal)]

    @post("/changes", operation_id="requestMyRegistryChange")
    async def request_change(
        self, data: JSONBody[RegistryChangeFiling], principal: NamedDependency[Principal]
    ) -> s.RegistryChangeOut:
        """Ask to change one registry field, or the fee range (`field: "fees"`, `fee_min`, `fee_max`); one open
        request per field: 409 on `field` otherwise."""
        return _change_out(await changes.request_change(data, principal))

    @post("/changes/{request_id:int}/withdrawal", operation_id="withdrawMyRegistryChange")
    async def withdraw_change(self, request_id: RecordId, principal: NamedDependency[Principal]) -> s.RegistryChangeOut:
        """Withdraw an open request before civil affairs decides (decided already: 409)."""
        return _change_out(await changes.withdraw_change(request_id, principal))

    @get("/hazards", operation_id="listMyHazards")
    async def hazards(self, principal: NamedDependency[Principal]) -> list[s.HomeHazardOut]:
        """Every major hazard of the home, open ones first, with its deadline and rectification reports."""
        return msgspec.convert(await hazard_reports.hazards_of_home(principal), list[s.HomeHazardOut])

    @post(
        "/hazards/{hazard_id:int}/rectification",
        operation_id="reportMyHazardRectification",
        request_max_body_size=MAX_BODY_BYTES,
    )
    async def report_rectification(
        self, hazard_id: RecordId, data: JSONBody[s.RectificationReport], principal: NamedDependency[Principal]
    ) -> s.RectificationReportOut:
        """Report the rectification (date, what was done, evidence described, evidence files); the hazard stays
        open everywhere until a regulator of the home's district confirms it."""
        uploads = uploads_of(data.evidence_files)
        stored = await hazard_reports.report_rectification(hazard_id, data, principal, uploads)
        return msgspec.convert(_without_decider(stored), s.RectificationReportOut, from_attributes=True)


def _without_decider(row: dict[str, Any]) -> dict[str, Any]:
    """A request or report as the home sees it: not the regulator's login name."""
    return {k: v for k, v in row.items() if k != "decided_by"}


def _change_out(row: dict[str, Any]) -> s.RegistryChangeOut:
    fee_min, fee_max = changes.requested_fees(row)
    return msgspec.convert(
        {**_without_decider(row), "requested_fee_min": fee_min, "requested_fee_max": fee_max}, s.RegistryChangeOut
    )


async def _application_out(penalty_id: int, application_id: int, principal: Principal) -> s.HomeRepairApplicationOut:
    """The application as stored, with its files (uploader and time included)."""
    applications = await repair.applications_of(penalty_id, principal)
    stored = next(a for a in applications if a["id"] == application_id)
    return msgspec.convert(stored, s.HomeRepairApplicationOut, from_attributes=True)


async def _repair_out(penalty_id: int, principal: Principal, on: date) -> s.PenaltyRepairOut:
    penalty = await repair.penalty_for_home(penalty_id, principal)  # NotFound for another home's penalty
    applications = await repair.applications_of(penalty_id, principal)
    opens = repair.repair_open_from(penalty)
    may_apply = (
        not any(a["status"] == repair.APPLIED for a in applications)
        and not penalty["revoked"]
        and penalty["repaired_on"] is None
        and on >= opens
    )
    out = {
        "penalty": public_penalty(penalty),  # as in the home's record (credit.records.queries.penalties_of)
        "repair_open_from": opens,
        "may_apply": may_apply,
        "commitment": COMMITMENT_ZH,
        "applications": applications,
    }
    return msgspec.convert(out, s.PenaltyRepairOut, from_attributes=True)
