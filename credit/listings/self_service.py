"""The list procedure as a home's own users meet it (机构端): their entries, the notice served electronically
(电子送达: the first opening is recorded), an objection from the portal within the window with evidence files,
and an application for early removal (信用修复, after two full years listed) with the credit commitment and
evidence, withdrawn by the home before a decision if it wishes.

Receipt changes nothing of the procedure: the legal notice date and the objection deadline stay the regulator's
(`notified_on`, `objection_deadline`). An entry of another home is NotFound, never Forbidden, so a home cannot
learn which entry numbers exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from credit import db
from credit.accounts.roles import INSTITUTION, Principal
from credit.changes import Audit, record_changed
from credit.errors import Forbidden, IllegalTransition, NotFound, ProcedureRefused, ValidationFailed
from credit.evidence import service as evidence
from credit.evidence.commitment import AGREE_FIELD, COMMITMENT_ZH, NOT_AGREED
from credit.listings import rules
from credit.listings.schemas import HomeEarlyRemovalIn, HomeObjectionIn
from credit.listings.service import (
    StepDay,
    entry_detail,
    move,
    record_removal_application,
    withdraw_removal_application,
)
from credit.listings.tables import ListingEntry, NoticeReceipt
from credit.reasons import Reason
from credit.registry.tables import Institution
from credit.settings import settings
from credit.timeutil import now_utc, today
from credit.validation import Checker

OBJECTION_MAX_LENGTH = 4000


def _home_of(by: Principal) -> str:
    if by.role != INSTITUTION or not by.institution_uscc:
        raise Forbidden("only the home's own users answer its notices")
    return by.institution_uscc


async def home_id(by: Principal) -> int:
    """The registry id of the home `by` answers for. Raises Forbidden or NotFound (the home is gone)."""
    row = await Institution.select(Institution.id).where(Institution.uscc == _home_of(by)).first().run()
    if row is None:
        raise NotFound(f"institution {by.institution_uscc}")
    return row["id"]


async def entries_of_home(by: Principal, on: date | None = None) -> list[dict[str, Any]]:
    """Every list entry of the home (the home itself or its staff), newest first, in every state, with the
    notice's receipt when there is one; `on`: the day its windows are judged on (default today)."""
    rows = (
        await ListingEntry.select(ListingEntry.id)
        .where(ListingEntry.institution == await home_id(by))
        .order_by(ListingEntry.id, ascending=False)
        .run()
    )
    return [await _for_home(await entry_detail(r["id"]), on) for r in rows]


async def _for_home(entry: dict[str, Any], on: date | None = None) -> dict[str, Any]:
    """The entry as its home sees it: every date and reason, but not the regulators' login names."""
    receipt = await receipt_of(entry["id"])
    return {
        **entry,
        "steps": [{k: v for k, v in s.items() if k != "actor"} for s in entry["steps"]],
        "receipt": receipt,
        "objection_open": objection_window(entry, on) is not None,
        **await evidence_of_entry(entry),
    }


async def evidence_of_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """{objection_files, applications (each with `files`)}: the evidence of the entry's objection and of its
    early-removal applications (for the home's own users and for civil affairs in scope; the caller checked)."""
    objection = await evidence.files_of("objection", [entry["id"]])
    removal = await evidence.files_of("removal", (a["id"] for a in entry["applications"]))
    return {
        "objection_files": objection.get(entry["id"], []),
        "applications": [{**a, "files": removal.get(a["id"], [])} for a in entry["applications"]],
    }


def removal_open(entry: dict[str, Any], on: date | None = None) -> bool:
    """True when the home may apply for early removal on `on` (default today): listed, not a court designation,
    the two full years passed, and no application waiting."""
    return (
        entry["status"] == rules.LISTED
        and entry["early_removal_from"] is not None
        and (on or today()) >= entry["early_removal_from"]
        and not any(a["decision"] == "pending" for a in entry["applications"])
    )


async def entry_for_home(entry_id: int, by: Principal, on: date | None = None) -> dict[str, Any]:
    """One entry of the home as the home sees it (with its evidence) on `on` (default today). Raises NotFound
    (another home's) or Forbidden."""
    return await _for_home(await _own_entry(entry_id, by), on)


async def _own_entry(entry_id: int, by: Principal) -> dict[str, Any]:
    entry = await entry_detail(entry_id)  # NotFound when there is no such entry
    if entry["uscc"] != _home_of(by):
        raise NotFound(f"list entry {entry_id}")
    return entry


def objection_window(entry: dict[str, Any], on: date | None = None) -> Any:
    """The last day the home may object on `on` (default today), or None when no window is open (not yet
    notified, closed, decided)."""
    on = on or today()
    if entry["status"] == rules.NOTIFIED and entry["objection_deadline"] and on <= entry["objection_deadline"]:
        return entry["objection_deadline"]
    until = entry.get("calendar_review_until")
    if entry["status"] == rules.LISTED and until and on <= until:
        return until  # the official calendar moved the deadline later: the window is reopened
    return None


async def receipt_of(entry_id: int) -> dict[str, Any] | None:
    """{opened_at, opened_by, opened_local} of the notice's first opening by the home (local time as
    "YYYY-MM-DD HH:MM"), or None."""
    row = (
        await NoticeReceipt.select(NoticeReceipt.opened_at, NoticeReceipt.opened_by)
        .where(NoticeReceipt.entry == entry_id)
        .first()
        .run()
    )
    if row is None:
        return None
    return {**row, "opened_local": row["opened_at"].astimezone(settings.timezone).strftime("%Y-%m-%d %H:%M")}


async def open_notice(entry_id: int, by: Principal, at: datetime | None = None) -> dict[str, Any]:
    """The home's user reads the notice of one of its entries. The first opening after the notice was served is
    recorded (date and user) and audited; later openings change nothing. Raises NotFound for an entry of
    another home and Forbidden for any other role. `at`: the instant (default now), its day judges the windows."""
    at = at or now_utc()
    entry = await _own_entry(entry_id, by)
    if entry["notified_on"] is not None and await receipt_of(entry_id) is None:
        try:
            async with db.transaction():
                await NoticeReceipt(entry=entry_id, opened_at=at, opened_by=by.username).save().run()
                await record_changed(
                    None,
                    Audit(
                        by.username, "listing.notice_opened", "listing", entry_id, {"notified_on": entry["notified_on"]}
                    ),
                )
        except Exception as error:  # a second user of the home opened it at the same moment: the first stands
            if not db.is_unique_violation(error):
                raise
    return await _for_home(entry, at.astimezone(settings.timezone).date())


def _checked_files(uploads: Sequence[evidence.Upload], check: Checker) -> list[evidence.Checked]:
    """The uploads checked by credit.evidence; their problems join the form's own (reported together)."""
    try:
        return evidence.check(uploads)
    except ValidationFailed as error:
        for problem in error.errors:
            check.errors.append(problem)
        return []


async def object_as_home(
    entry_id: int,
    data: HomeObjectionIn,
    by: Principal,
    uploads: Sequence[evidence.Upload] = (),
    on: date | None = None,
) -> dict[str, Any]:
    """The home objects (异议) to one of its entries from the portal: notified -> objected, dated today, only
    within the objection window, with evidence files (`uploads`, checked by credit.evidence); one objection per
    entry (the entry is then objected). A refused objection leaves no row and no file. `on`: the day (default
    today).

    Raises ValidationFailed (text missing or too long, a bad file), ProcedureRefused naming `text`'s window when
    it closed (with the date), IllegalTransition when the entry is past that step, NotFound or Forbidden.
    """
    check = Checker(data)
    text = check.text("text", max_length=OBJECTION_MAX_LENGTH)
    files = _checked_files(uploads, check)
    check.done()
    async with evidence.kept(files) as keys, db.transaction():
        entry = await _own_entry(entry_id, by)
        row = await ListingEntry.select().where(ListingEntry.id == entry_id).first().run()
        assert row is not None  # _own_entry found it
        on = on or today()
        until = objection_window(entry, on)
        if until is None:
            if entry["status"] == rules.NOTIFIED:
                raise ProcedureRefused("text", Reason("objection_window_closed", date=str(entry["objection_deadline"])))
            raise IllegalTransition(entry_id, entry["status"], rules.OBJECTED)
        moved = await move(row, rules.OBJECTED, on, by, text[:200], objected_on=on, objection_text=text)
        if attached := await evidence.record(files, keys, "objection", entry_id, row["institution"], by.username):
            await record_changed(
                audit=Audit(by.username, "listing.objection_evidence", "listing", entry_id, {"files": attached})
            )
        return moved


async def apply_removal_as_home(
    entry_id: int,
    data: HomeEarlyRemovalIn,
    by: Principal,
    uploads: Sequence[evidence.Upload] = (),
    on: date | None = None,
) -> dict[str, Any]:
    """The home applies for early removal (信用修复) of one of its list entries, dated today: listed for two full
    years (民发〔2019〕103号; DESIGN.md "Joint-punishment list"), with its statement (`statement`), the credit
    commitment it agreed to (`agree`; the text stored is credit.evidence.commitment's) and evidence files.
    Civil affairs decides in the workspace (listings.service.decide_early_removal).

    Returns the entry as the home sees it. Raises ValidationFailed (fields and files together), ProcedureRefused
    (a court designation, before the two years, one already waiting), IllegalTransition (not listed), NotFound
    or Forbidden. A refused application leaves no row and no file. `on`: the day (default today)."""
    check = Checker(data)
    statement = check.text("statement", max_length=4000)
    if not check.flag(AGREE_FIELD):
        check.fail(AGREE_FIELD, NOT_AGREED)
    files = _checked_files(uploads, check)
    check.done()

    async def attach(application_id: int) -> list[dict[str, Any]]:
        return await evidence.record(files, keys, "removal", application_id, entry["institution"], by.username)

    try:
        async with evidence.kept(files) as keys, db.transaction():
            entry = await _own_entry(entry_id, by)
            await record_removal_application(
                entry, StepDay(on or today()), statement, by, commitment=COMMITMENT_ZH, attach=attach
            )
    except Exception as error:
        if db.is_unique_violation(error):  # a second user of the home applied at the same moment
            raise ProcedureRefused("entry", Reason("application_waiting")) from None
        raise
    return await _for_home(await entry_detail(entry_id), on)


async def withdraw_removal_as_home(entry_id: int, by: Principal) -> dict[str, Any]:
    """The home withdraws its early-removal application while it waits for a decision. Returns the entry as
    the home sees it. Raises ProcedureRefused (none waiting: decided already), NotFound or Forbidden."""
    async with db.transaction():
        entry = await _own_entry(entry_id, by)
        await withdraw_removal_application(entry, by)
    return await _for_home(await entry_detail(entry_id))
