"""Penalty reports from the agencies (双公示 layout): idempotent, matched by USCC, never dropped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from credit import db
from credit.accounts.roles import AGENCY, Principal, require_unmatched_penalty
from credit.changes import Audit, Event, record_changed
from credit.errors import Duplicate, FieldError, NotFound, ProcedureRefused, ReportConflict, ValidationFailed
from credit.identifiers import check_uscc
from credit.listings import service as listings
from credit.listings.schemas import ReportProposal
from credit.records.service import check_penalty, get_penalty, insert_penalty, payload_digest, public_penalty
from credit.records.tables import Penalty
from credit.registry.tables import Institution
from credit.sharing.schemas import PenaltyReport


@dataclass(frozen=True, slots=True)
class ReportResult:
    penalty: dict[str, Any]
    created: bool
    proposed_entry: int | None = None


async def _stored(agency_code: str, decision_number: str) -> dict[str, Any] | None:
    return (
        await Penalty.select()
        .where((Penalty.reporting_agency == agency_code) & (Penalty.decision_number == decision_number))
        .first()
        .run()
    )


async def report_penalty(data: PenaltyReport, by: Principal) -> ReportResult:
    """Store an agency's penalty report, once.

    The same payload again returns the stored record (created False); a different payload under the same
    decision number raises ReportConflict. An unknown USCC goes to the review queue. A serious penalty
    naming a listing behaviour proposes the subject for the list, for civil affairs to decide.
    Raises ValidationFailed for bad fields.
    """
    clean, check = check_penalty(data)
    check.done()
    digest = payload_digest(clean)
    existing = await _stored(by.agency_code, clean["decision_number"])
    if existing is None:
        try:
            async with db.transaction():
                penalty_id = await insert_penalty(clean, by.username, by.agency_code)
                entry_id = await _propose_if_listing_behaviour(penalty_id, clean, by)
            return ReportResult(await get_penalty(penalty_id), True, entry_id)
        except Duplicate:
            pass  # a concurrent report of the same decision won; compare with it below
        except Exception as error:  # the unique index refusing a concurrent twin
            if not db.is_unique_violation(error):
                raise
        existing = db.found(await _stored(by.agency_code, clean["decision_number"]), "penalty")
    if existing["payload_digest"] != digest:
        raise ReportConflict(public_penalty(existing))
    return ReportResult(public_penalty(existing), False)


async def _propose_if_listing_behaviour(penalty_id: int, clean: Mapping[str, Any], by: Principal) -> int | None:
    if clean["severity"] != "serious" or not clean["listing_behaviour"]:
        return None
    row = db.found(await Penalty.select(Penalty.institution).where(Penalty.id == penalty_id).first().run(), "penalty")
    if row["institution"] is None:
        return None  # proposed once the review queue matches it
    try:
        entry = await listings.propose_from_report(
            ReportProposal(
                institution_id=row["institution"],
                behaviour=clean["listing_behaviour"],
                facts=clean["facts"],
                basis=clean["legal_basis"],
                penalty_ids=[penalty_id],
            ),
            by,
        )
    except ProcedureRefused:
        return None  # the subject already has an active entry for this behaviour
    return entry["id"]


async def review_queue() -> list[dict[str, Any]]:
    """Reported penalties whose USCC matched no institution, oldest first."""
    rows = await Penalty.select().where(Penalty.match_status == "review").order_by(Penalty.id).run()
    return [{**public_penalty(r), "reporting_agency": r["reporting_agency"]} for r in rows]


async def resolve_review(penalty_id: int, uscc: str, by: Principal) -> dict[str, Any]:
    """Attach a queued penalty to the institution with `uscc` (its USCC is corrected to it).

    Only the reporting agency (officer or key) or a city-level regulator matches; a district regulator may not
    (the penalty is in no district's scope until it is matched).
    Raises NotFound (penalty not in the queue, or no such institution), ValidationFailed, Forbidden.
    """
    code, reason = check_uscc(uscc.strip().upper())
    if reason:
        raise ValidationFailed([FieldError("uscc", reason, uscc)])
    async with db.transaction():
        row = (
            await Penalty.select().where((Penalty.id == penalty_id) & (Penalty.match_status == "review")).first().run()
        )
        if row is None:
            raise NotFound(f"penalty {penalty_id} is not waiting for review")
        require_unmatched_penalty(by, row["reporting_agency"])
        institution = (
            await Institution.select(Institution.id, Institution.district_code)
            .where(Institution.uscc == code)
            .first()
            .run()
        )
        if institution is None:
            raise NotFound(f"no institution with USCC {code}")
        await (
            Penalty.update(
                {
                    Penalty.institution: institution["id"],
                    Penalty.uscc: code,
                    Penalty.match_status: "matched",
                    Penalty.version: row["version"] + 1,
                }
            )
            .where(Penalty.id == penalty_id)
            .run()
        )
        after = await get_penalty(penalty_id)
        await record_changed(
            Event("penalty", "matched", penalty_id, after),
            Audit(
                by.username,
                "penalty.match",
                "penalty",
                penalty_id,
                {"changes": {"institution": [None, institution["id"]], "uscc": [row["uscc"], code]}},
            ),
            institutions=[institution["id"]],
        )
        reporter = Principal(
            user_id=0,
            username=f"agency:{row['reporting_agency']}",
            role=AGENCY,
            agency_code=row["reporting_agency"],
            via="key",
        )
        await _propose_if_listing_behaviour(penalty_id, row, reporter)
    return after
