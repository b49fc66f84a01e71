"""Citizen feedback (投诉与意见): file a report, follow it by reference, triage it in the regulator's queue.

Anyone may file (no account): what happened, optionally when, optionally a name and a phone number. The same
text about the same home within a day is the same report: the caller gets its reference back. The handling
regulator (civil affairs in scope: a district regulator for its district's homes, city regulators for every
home and for general feedback without a home) answers within the policy's working days ([feedback]
due_working_days) by accepting it (an inspection is requested: shown on the dashboard until it is closed),
transferring it (to 12345 or one of the seven agencies, by name) or closing it with a reply. Every answer is
shown on the reference's status page, free text masked; the complainant's name and phone are shown to the
handling regulator only and never written to the audit log. One transaction per call.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from credit import db
from credit.accounts.roles import DISTRICT_REGULATOR, Principal
from credit.changes import Audit, record_changed
from credit.errors import Forbidden, NotFound, ProcedureRefused, StaleVersion
from credit.feedback import references
from credit.feedback.schemas import AcceptIn, CloseIn, FeedbackIn, TransferIn
from credit.feedback.tables import Feedback, FeedbackReply
from credit.identifiers import mask_free_text, mask_name
from credit.listings.service import calendar, require_civil_affairs
from credit.reasons import Reason
from credit.registry.service import get_institution, get_institution_by_uscc
from credit.settings import settings
from credit.sharing.agencies import AGENCIES
from credit.timeutil import now_utc, today
from credit.validation import Checker
from scoring import policy_for

RECEIVED, ACCEPTED, TRANSFERRED, CLOSED = "received", "accepted", "transferred", "closed"
OPEN = (RECEIVED, ACCEPTED)
MAX_TEXT = 2000  # characters of "what happened"
MAX_REPLY = 2000
DUPLICATE_WINDOW = timedelta(days=1)
DEFAULT_DUE_WORKING_DAYS = 15  # policies before 2026.1 have no [feedback] section
HOTLINE = "12345"
TRANSFER_TARGETS: dict[str, tuple[str, str]] = {
    HOTLINE: ("12345政务服务便民热线", "12345 government service hotline"),
    **{code: (zh, en) for code, zh, en in AGENCIES},
}
_PHONE = re.compile(r"\+?[0-9][0-9 \-]{4,28}")
CITIZEN = "citizen"  # the audit actor of a filing: no account, no name


@dataclass(frozen=True, slots=True)
class Filed:
    """The reference of a filing, and whether it was an earlier report of the same text (a duplicate)."""

    reference: str
    duplicate: bool


def _digest(text: str, institution_id: int | None) -> str:
    """The same words (case, full/half width and white space aside) to the same home give the same digest."""
    words = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(f"{institution_id or 0}|{words}".encode()).hexdigest()


def check_filing(data: FeedbackIn, on: date | None = None) -> dict[str, Any]:
    """The filing's fields, checked on `on` (default today: `happened_on` may not be later). Raises
    ValidationFailed naming each field that is wrong."""
    check = Checker(data)
    clean: dict[str, Any] = {
        "what_happened": check.text("what_happened", max_length=MAX_TEXT),
        "happened_on": check.day("happened_on", required=False, not_after=on or today()),
        "complainant_name": check.text("complainant_name", required=False, max_length=50),
        "complainant_phone": check.text("complainant_phone", required=False, max_length=30),
        "uscc": check.text("uscc", required=False, max_length=18).upper(),
    }
    if clean["complainant_phone"] and not _PHONE.fullmatch(clean["complainant_phone"]):
        check.fail("complainant_phone", Reason("not_valid"), clean["complainant_phone"])
    check.done()
    return clean


async def submit(data: FeedbackIn, at: datetime | None = None) -> Filed:
    """File a citizen's feedback (`what_happened`, optional `happened_on`, `complainant_name`,
    `complainant_phone`, and `uscc` of the home it is about; without one it is general feedback).

    Returns the new reference, or the existing one when the same text about the same home was filed within a
    day (`duplicate`). `at`: when it is filed (default now; its day in the settings' time zone is the day received,
    which the due date counts from). Raises ValidationFailed, or NotFound for a USCC of no registered home.
    """
    at = at or now_utc()
    received = at.astimezone(settings.timezone).date()
    clean = check_filing(data, received)
    home = await get_institution_by_uscc(clean["uscc"]) if clean["uscc"] else None
    home_id = home["id"] if home else None
    digest = _digest(clean["what_happened"], home_id)
    async with db.transaction():
        earlier = (
            await Feedback.select(Feedback.reference)
            .where((Feedback.text_digest == digest) & (Feedback.created_at >= at - DUPLICATE_WINDOW))
            .first()
            .run()
        )
        if earlier is not None:
            return Filed(earlier["reference"], duplicate=True)
        due = calendar().add_working_days(received, _due_working_days(received))
        row = Feedback(
            reference=references.new_reference(),
            institution=home_id,
            district_code=home["district_code"] if home else "",
            what_happened=clean["what_happened"],
            happened_on=clean["happened_on"],
            complainant_name=clean["complainant_name"],
            complainant_phone=clean["complainant_phone"],
            text_digest=digest,
            status=RECEIVED,
            received_on=received,
            due_on=due.day,
            due_confirmed=due.confirmed,
            version=1,
            created_at=at,
        )
        await row.save().run()
        # the home's public counts (credit.public.feedback_stats) are part of its profile
        await record_changed(
            audit=Audit(CITIZEN, "feedback.file", "citizen_feedback", row.id, {"after": _audited(row.to_dict())}),
            institutions=[home_id],
        )
    return Filed(row.reference, duplicate=False)


def _due_working_days(received: Any) -> int:
    rules = policy_for(received).feedback or policy_for(today()).feedback
    return rules.due_working_days if rules else DEFAULT_DUE_WORKING_DAYS


def _audited(row: Mapping[str, Any]) -> dict[str, Any]:
    """What the audit log keeps of a filing: the text masked, the complainant's name masked, no phone."""
    return {
        "reference": row["reference"],
        "institution": row["institution"],
        "district_code": row["district_code"],
        "what_happened": mask_free_text(row["what_happened"]),
        "complainant_name": mask_name(row["complainant_name"]),
        "complainant_phone": "***" if row["complainant_phone"] else "",
        "received_on": row["received_on"],
        "due_on": row["due_on"],
    }


async def status_of(reference: str) -> dict[str, Any]:
    """What the reference's status page shows: the home, the dates, the status and every answer, free text
    masked and no complainant details. Raises NotFound (also for a reference whose check character is wrong)."""
    reference = references.normalise(reference)
    if not references.is_valid(reference):
        raise NotFound("feedback reference")
    row = await Feedback.select().where(Feedback.reference == reference).first().run()
    if row is None:
        raise NotFound("feedback reference")
    home = await get_institution(row["institution"]) if row["institution"] else None
    replies = await _replies(row["id"])
    return {
        "reference": row["reference"],
        "status": row["status"],
        "received_on": row["received_on"],
        "due_on": row["due_on"],
        "due_confirmed": row["due_confirmed"],
        "closed_on": row["closed_on"],
        "transferred_to": row["transferred_to"],
        "institution_name": home["name"] if home else "",
        "uscc": home["uscc"] if home else "",
        "what_happened": mask_free_text(row["what_happened"]),
        "replies": [{**r, "text": mask_free_text(r["text"])} for r in replies],
    }


async def _replies(feedback_id: int) -> list[dict[str, Any]]:
    return (
        await FeedbackReply.select(FeedbackReply.action, FeedbackReply.text, FeedbackReply.replied_at)
        .where(FeedbackReply.feedback == feedback_id)
        .order_by(FeedbackReply.id)
        .run()
    )


def require_handler(by: Principal | None, district_code: str) -> Principal:
    """Raise Forbidden unless `by` handles feedback of `district_code`: civil affairs, and for a district
    regulator only its own district's homes (general feedback, with no district, is the city's)."""
    by = require_civil_affairs(by)
    if by.role == DISTRICT_REGULATOR and (not district_code or district_code != by.district_code):
        raise Forbidden("feedback outside your district (general feedback is handled by city regulators)")
    return by


def queue_district(by: Principal) -> str | None:
    """The district a principal's queue holds (None: the whole city, general feedback included).
    Raises Forbidden for anyone who is not civil affairs."""
    by = require_civil_affairs(by)
    return by.district_code if by.role == DISTRICT_REGULATOR else None


async def queue(by: Principal, *, open_only: bool = True) -> list[dict[str, Any]]:
    """The feedback the principal handles, the due soonest first (overdue marked), without complainant
    details. Raises Forbidden for anyone who is not civil affairs."""
    district = queue_district(by)
    query = Feedback.select(
        Feedback.id,
        Feedback.reference,
        Feedback.institution,
        Feedback.institution.name,
        Feedback.district_code,
        Feedback.what_happened,
        Feedback.status,
        Feedback.received_on,
        Feedback.due_on,
        Feedback.due_confirmed,
    )
    if district is not None:
        query = query.where(Feedback.district_code == district)
    if open_only:
        query = query.where(Feedback.status.is_in(list(OPEN)))
    rows = await query.order_by(Feedback.due_on).order_by(Feedback.id).run()
    on = today()
    return [{**r, "institution_name": r.pop("institution.name") or "", "overdue": r["due_on"] < on} for r in rows]


async def item(feedback_id: int, by: Principal) -> dict[str, Any]:
    """One feedback as its handling regulator sees it: the full text, the complainant's name and phone, and
    every answer. Raises NotFound or Forbidden (outside the principal's scope)."""
    row = await _row(feedback_id)
    require_handler(by, row["district_code"])
    home = await get_institution(row["institution"]) if row["institution"] else None
    return {
        **row,
        "institution_name": home["name"] if home else "",
        "uscc": home["uscc"] if home else "",
        "overdue": row["status"] in OPEN and row["due_on"] < today(),
        "replies": await _replies(row["id"]),
    }


async def _row(feedback_id: int) -> dict[str, Any]:
    row = await Feedback.select().where(Feedback.id == feedback_id).first().run()
    if row is None:
        raise NotFound(f"feedback {feedback_id}")
    return row


async def accept(feedback_id: int, data: AcceptIn, by: Principal) -> dict[str, Any]:
    """Accept a received feedback (`reply`, `version`): an inspection of the home is requested and shown on
    the dashboard until the feedback is closed. General feedback (no home) cannot be accepted for inspection.
    Raises NotFound, Forbidden, ValidationFailed, ProcedureRefused (not received, no home) or StaleVersion."""
    check = Checker(data)
    reply = check.text("reply", max_length=MAX_REPLY)
    version = check.integer("version", minimum=1)
    check.done()
    assert version is not None  # required: check.done() raised otherwise
    async with db.transaction():
        current = await _row(feedback_id)
        require_handler(by, current["district_code"])
        if current["status"] != RECEIVED:
            raise ProcedureRefused("status", Reason("feedback_not_received", status=current["status"]))
        if current["institution"] is None:
            raise ProcedureRefused("status", Reason("feedback_general"))
        return await _answer(current, version, ACCEPTED, reply, by, {})


async def transfer(feedback_id: int, data: TransferIn, by: Principal) -> dict[str, Any]:
    """Transfer an open feedback to 12345 or one of the seven agencies (`to`: a TRANSFER_TARGETS code,
    `reply`, `version`); it is then closed here, with the receiving agency's name on the status page.
    Raises NotFound, Forbidden, ValidationFailed, ProcedureRefused (not open) or StaleVersion."""
    check = Checker(data)
    to = check.choice("to", tuple(TRANSFER_TARGETS))
    reply = check.text("reply", max_length=MAX_REPLY)
    version = check.integer("version", minimum=1)
    check.done()
    assert version is not None  # required: check.done() raised otherwise
    async with db.transaction():
        current = await _row(feedback_id)
        require_handler(by, current["district_code"])
        _require_open(current)
        return await _answer(
            current,
            version,
            TRANSFERRED,
            reply,
            by,
            {Feedback.transferred_to: TRANSFER_TARGETS[to][0], Feedback.closed_on: today()},
        )


async def close(feedback_id: int, data: CloseIn, by: Principal) -> dict[str, Any]:
    """Close an open feedback with a reply to the citizen (`reply`, `substantiated`: yes | no, `version`).
    Raises NotFound, Forbidden, ValidationFailed, ProcedureRefused (not open) or StaleVersion."""
    check = Checker(data)
    reply = check.text("reply", max_length=MAX_REPLY)
    if check.raw("substantiated") in (None, ""):
        check.fail("substantiated", Reason("required"))
    substantiated = check.flag("substantiated")
    version = check.integer("version", minimum=1)
    check.done()
    assert version is not None  # required: check.done() raised otherwise
    async with db.transaction():
        current = await _row(feedback_id)
        require_handler(by, current["district_code"])
        _require_open(current)
        return await _answer(
            current, version, CLOSED, reply, by, {Feedback.substantiated: substantiated, Feedback.closed_on: today()}
        )


def _require_open(current: Mapping[str, Any]) -> None:
    if current["status"] not in OPEN:
        raise ProcedureRefused("status", Reason("feedback_closed", status=current["status"]))


async def _answer(
    current: Mapping[str, Any], version: int, status: str, reply: str, by: Principal, values: dict
) -> dict[str, Any]:
    """Move the feedback to `status` (optimistic lock on `version`) and store the reply; inside the caller's
    transaction. Returns the feedback as its handler sees it."""
    updated = (
        await Feedback.update(
            {Feedback.status: status, Feedback.handled_by: by.username, Feedback.version: version + 1, **values}
        )
        .where((Feedback.id == current["id"]) & (Feedback.version == version))
        .returning(Feedback.id)
        .run()
    )
    if not updated:
        raise StaleVersion({k: current[k] for k in ("id", "reference", "status", "version")})
    await (
        FeedbackReply(feedback=current["id"], action=status, text=reply, replied_by=by.username, replied_at=now_utc())
        .save()
        .run()
    )
    await record_changed(
        audit=Audit(
            by.username,
            f"feedback.{status}",
            "citizen_feedback",
            current["id"],
            {
                "changes": {"status": [current["status"], status]},
                "reply": mask_free_text(reply),
                **({"transferred_to": values[Feedback.transferred_to]} if Feedback.transferred_to in values else {}),
            },
        ),
        institutions=[current["institution"]],
    )
    return await _row(current["id"])
