"""Registry changes requested by the home itself (机构端登记信息变更): the home asks, civil affairs decides.

A request names one registry field the home keeps current (its phone, its address, its website, the services it
offers and the care levels it accepts) and the new value, as a person writes it (services and care levels by their
Chinese names separated by 、, or 无; credit.registry.offers reads them). The monthly fee range is the request
`fees`: the home gives `fee_min` and `fee_max` (either not reported), checked like the regulator's edit
(credit.registry.offers.check_fees); the request keeps the range in words ("1200–3500 元/月", offers.fee_words)
and approval sets both registry columns together. Nothing of it is public: the registry, and so the public side, change
only when a civil-affairs regulator of the home's district approves, through the same versioned update and write
hook as a regulator's own edit. At most one open request per home and field (a partial unique index); the home
may withdraw an open request; a rejection carries its reasons, which the home sees.

A request of another home is NotFound to a home's user, never Forbidden, so request numbers reveal nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from credit import db
from credit.accounts.roles import INSTITUTION, REGULATORS, Principal, require_scope
from credit.changes import Audit, Event, record_changed
from credit.errors import FieldError, Forbidden, NotFound, ProcedureRefused, ValidationFailed
from credit.reasons import Reason
from credit.registry.offers import (
    FEE_FIELDS,
    SET_FIELDS,
    WEBSITE_MAX_LENGTH,
    check_codes,
    check_fees,
    check_website,
    fee_range,
    fee_words,
    from_column,
    set_text,
    to_column,
)
from credit.registry.service import public_fields
from credit.registry.tables import ChangeRequest, Institution
from credit.timeutil import now_utc
from credit.validation import Checker

if TYPE_CHECKING:  # the schemas read this module's field list for their enum
    from credit.registry.schemas import ChangeDecision, RegistryChangeFiling

# The fields a home may ask to change, with their longest value (the registry's column lengths; a set's names are
# longer than its stored codes; the fee range, `fees`, is given as two numbers).
FEES = "fees"
FIELDS = {"phone": 40, "address": 300, "website": WEBSITE_MAX_LENGTH, "services": 100, "care_levels": 100, FEES: 100}
NOTE_MAX_LENGTH = 1000
REASONS_MAX_LENGTH = 2000
OPEN, APPROVED, REJECTED, WITHDRAWN = "open", "approved", "rejected", "withdrawn"
STATUSES = (OPEN, APPROVED, REJECTED, WITHDRAWN)
DECISIONS = (APPROVED, REJECTED)
# A telephone number as homes write one: digits with spaces, hyphens, parentheses, a leading +, an extension.
PHONE = re.compile(r"\+?[0-9()\- ]{5,30}((转|ext\.?|x)\s?[0-9]{1,6})?", re.IGNORECASE)


def _uscc_of(by: Principal) -> str:
    if by.role != INSTITUTION or not by.institution_uscc:
        raise Forbidden("only the home's own users request changes of its registry data")
    return by.institution_uscc


async def _home(by: Principal) -> dict[str, Any]:
    row = await Institution.select().where(Institution.uscc == _uscc_of(by)).first().run()
    if row is None:  # an account whose home is not (or no longer) registered sees nothing
        raise NotFound(f"institution {by.institution_uscc}")
    return row


def _check_request(data: RegistryChangeFiling) -> tuple[str, str, str]:
    check = Checker(data)
    field = check.choice("field", tuple(FIELDS))
    if field == FEES:
        value = fee_words(*check_fees(check))[0]
        if check.raw("requested_value") not in (None, ""):
            check.fail("requested_value", Reason("not_for_fees"), check.raw("requested_value"))
    else:
        value = check.text("requested_value", max_length=FIELDS.get(field, 300))
        for name in FEE_FIELDS:  # a number sent with another field would be silently dropped otherwise
            if check.raw(name) not in (None, ""):
                check.fail(name, Reason("only_for_fees"), check.raw(name))
    note = check.text("note", required=False, max_length=NOTE_MAX_LENGTH)
    if field == "phone" and value and not PHONE.fullmatch(value):
        check.fail("requested_value", Reason("not_telephone"), value)
    elif field == "website" and value:
        value = check_website(check, "requested_value") or value
    elif field in SET_FIELDS and value:
        value = set_text(check_codes(check, "requested_value", SET_FIELDS[field]), SET_FIELDS[field]) or value
    check.done()
    return field, value, note


def shown(home: dict[str, Any], field: str) -> str:
    """The registry's value of `field` as a request shows it (a set by its names, "" when not reported), from a
    stored row or a record of the registry service alike; the fee range in words, "未报送" when not reported."""
    if field == FEES:
        return fee_words(home["fee_min"], home["fee_max"])[0]
    value = home[field]
    if field in SET_FIELDS:
        return set_text(from_column(value) if isinstance(value, str) else value, SET_FIELDS[field])
    return value or ""


def stored(field: str, value: str) -> dict[str, Any]:
    """A request's value as the registry columns it sets store it (a set as its codes, the fee range as its two
    numbers)."""
    if field == FEES:
        fee_min, fee_max = fee_range(value)
        return {"fee_min": fee_min, "fee_max": fee_max}
    if field in SET_FIELDS:
        return {field: to_column(check_codes(Checker({field: value}), field))}
    return {field: value}


def requested_fees(row: dict[str, Any]) -> tuple[int | None, int | None]:
    """The fee range a `fees` request asks for ((None, None) for a request of another field)."""
    return fee_range(row["requested_value"]) if row["field"] == FEES else (None, None)


async def request_change(data: RegistryChangeFiling, by: Principal) -> dict[str, Any]:
    """The home's user asks to change one field (`field`, `requested_value`, optional `note`; for `fees`,
    `fee_min` and `fee_max` instead of `requested_value`). Returns the request.

    Raises ValidationFailed (unknown field, value missing, too long, not a phone number, a bad fee range naming
    `fee_min` or `fee_max`, the same as now),
    ProcedureRefused on `field` (that field has an open request already), Forbidden (not a home's user) or
    NotFound (the user's home is not registered).
    """
    field, value, note = _check_request(data)
    try:
        async with db.transaction():
            home = await _home(by)
            if shown(home, field) == value:
                raise ValidationFailed([_same_as_now(field, value)])
            row = ChangeRequest(
                institution=home["id"],
                field=field,
                current_value=shown(home, field),
                requested_value=value,
                note=note,
                status=OPEN,
                requested_by=by.username,
                requested_at=now_utc(),
            )
            await row.save().run()
            await record_changed(
                None,
                Audit(
                    by.username,
                    "registry_change.request",
                    "registry_change_request",
                    row.id,
                    {"institution": home["id"], "field": field, "changes": {field: [shown(home, field), value]}},
                ),
            )
    except Exception as error:
        if db.is_unique_violation(error):  # the partial unique index: one open request per home and field
            raise ProcedureRefused("field", Reason("request_open")) from error
        raise
    return await _request(row.id)


def _same_as_now(field: str, value: str) -> FieldError:
    return FieldError("fee_min" if field == FEES else "requested_value", Reason("same_as_registry"), value)


async def _request(request_id: int) -> dict[str, Any]:
    row = await ChangeRequest.select().where(ChangeRequest.id == request_id).first().run()
    if row is None:
        raise NotFound(f"registry change request {request_id}")
    return row


async def requests_of_home(by: Principal) -> list[dict[str, Any]]:
    """Every request of the user's home, newest first, with its status and the regulator's reasons (not the
    regulator's login name)."""
    home = await _home(by)
    rows = (
        await ChangeRequest.select()
        .where(ChangeRequest.institution == home["id"])
        .order_by(ChangeRequest.id, ascending=False)
        .run()
    )
    return [{k: v for k, v in r.items() if k != "decided_by"} for r in rows]


async def withdraw_change(request_id: int, by: Principal) -> dict[str, Any]:
    """The home withdraws its open request. Raises NotFound (no such request of this home), ProcedureRefused
    on `decision` (already decided or withdrawn), Forbidden."""
    async with db.transaction():
        home = await _home(by)
        row = await _request(request_id)
        if row["institution"] != home["id"]:
            raise NotFound(f"registry change request {request_id}")
        await _close(row, WITHDRAWN, by, "")
        await record_changed(
            None,
            Audit(
                by.username, "registry_change.withdraw", "registry_change_request", request_id, {"field": row["field"]}
            ),
        )
    return await _request(request_id)


async def _close(row: dict[str, Any], status: str, by: Principal, reasons: str) -> None:
    """open -> status, guarded: a decision and a withdrawal at the same moment cannot both win."""
    closed = (
        await ChangeRequest.update(
            {
                ChangeRequest.status: status,
                ChangeRequest.decided_by: by.username,
                ChangeRequest.decided_at: now_utc(),
                ChangeRequest.reasons: reasons,
            }
        )
        .where((ChangeRequest.id == row["id"]) & (ChangeRequest.status == OPEN))
        .returning(ChangeRequest.id)
        .run()
    )
    if not closed:
        current = await _request(row["id"])
        raise ProcedureRefused("decision", Reason("request_closed", status=current["status"]))


def _require_regulator(by: Principal, district_code: str) -> None:
    if by.role not in REGULATORS:
        raise Forbidden("civil affairs decides on a home's registry changes")
    require_scope(by, district_code)  # an empty district is in no district regulator's scope


async def open_requests(by: Principal) -> list[dict[str, Any]]:
    """The open requests a regulator may decide, oldest first, with the home's name and district: a district
    regulator sees its district's, city-level regulators every one. Raises Forbidden for other roles."""
    if by.role not in REGULATORS:
        raise Forbidden("civil affairs decides on a home's registry changes")
    query = (
        ChangeRequest.select(
            *ChangeRequest.all_columns(),
            ChangeRequest.institution.name.as_alias("institution_name"),
            ChangeRequest.institution.uscc.as_alias("uscc"),
            ChangeRequest.institution.district_code.as_alias("district_code"),
        )
        .where(ChangeRequest.status == OPEN)
        .order_by(ChangeRequest.id)
    )
    rows = await query.run()
    return [r for r in rows if _in_scope(by, r["district_code"])]


def _in_scope(by: Principal, district_code: str) -> bool:
    try:
        require_scope(by, district_code)
    except Forbidden:
        return False
    return True


async def request_for_regulator(request_id: int, by: Principal) -> dict[str, Any]:
    """One request with its home, for a regulator in scope. Raises NotFound or Forbidden."""
    row = await _request(request_id)
    home = await Institution.select().where(Institution.id == row["institution"]).first().run()
    assert home is not None  # the foreign key holds it
    _require_regulator(by, home["district_code"])
    return {**row, "institution_name": home["name"], "uscc": home["uscc"], "district_code": home["district_code"]}


async def decide_change(request_id: int, data: ChangeDecision, by: Principal) -> dict[str, Any]:
    """A civil-affairs regulator of the home's district approves (`decision=approved`: the registry field takes
    the requested value, versioned and through the write hook, so the feed, audit, search and public profile
    follow) or rejects it (`decision=rejected`, `reasons` required). One transaction.

    Raises ValidationFailed (decision or reasons), NotFound, Forbidden, ProcedureRefused on `decision`
    (already decided or withdrawn).
    """
    check = Checker(data)
    decision = check.choice("decision", DECISIONS)
    reasons = check.text("reasons", required=decision == REJECTED, max_length=REASONS_MAX_LENGTH)
    check.done()
    async with db.transaction():
        row = await _request(request_id)
        home = await Institution.select().where(Institution.id == row["institution"]).first().run()
        assert home is not None
        _require_regulator(by, home["district_code"])
        await _close(row, decision, by, reasons)
        audit = {"institution": home["id"], "field": row["field"], "reasons": reasons}
        await record_changed(
            None,
            Audit(by.username, f"registry_change.{decision}", "registry_change_request", request_id, audit),
        )
        if decision == APPROVED:
            await _apply(home, row["field"], row["requested_value"], by, request_id)
    return await _request(request_id)


async def _apply(home: dict[str, Any], field: str, value: str, by: Principal, request_id: int) -> None:
    """Set the field's columns (the fee range: both together) as an update of the registry does: version + 1,
    feed event, audit, projection refresh."""
    columns = stored(field, value)
    # version + 1 in the statement itself: a regulator's edit committed a moment ago is built on, not lost.
    await (
        Institution.update(
            {
                **{Institution._meta.get_column_by_name(name): new for name, new in columns.items()},
                Institution.version: Institution.version + 1,
                Institution.updated_at: now_utc(),
            }
        )
        .where(Institution.id == home["id"])
        .run()
    )
    after = public_fields(await Institution.select().where(Institution.id == home["id"]).first().run() or {})
    await record_changed(
        Event("institution", "updated", home["id"], after),
        Audit(
            by.username,
            "institution.update",
            "institution",
            home["id"],
            {"changes": {name: [home[name], new] for name, new in columns.items()}, "change_request": request_id},
        ),
        institutions=[home["id"]],
    )
