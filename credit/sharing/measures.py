"""Punishment measures the agencies report having applied to listed subjects (联合惩戒措施反馈)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from credit import db
from credit.accounts.roles import Principal
from credit.changes import Audit, Event, record_changed
from credit.errors import NotFound, ProcedureRefused
from credit.listings import rules
from credit.listings.tables import ListingEntry, PunishmentMeasure
from credit.reasons import Reason
from credit.sharing.agencies import AGENCIES
from credit.sharing.tables import Agency
from credit.timeutil import now_utc, today
from credit.validation import Checker

if TYPE_CHECKING:  # credit.sharing.schemas reads MEASURES from here
    from credit.sharing.schemas import MeasureIn

MEASURES = {
    "restrict_subsidies": ("限制享受财政补贴", "restrict subsidies"),
    "restrict_procurement": ("限制参与政府采购", "restrict government procurement"),
    "more_inspections": ("加大监督检查频次", "more inspections"),
    "no_honours": ("不予评优评先", "no honours"),
    "other": ("其他措施", "other"),
}


@dataclass(frozen=True, slots=True)
class MeasureResult:
    measure: dict[str, Any]
    created: bool  # False: the agency had already reported this measure on this day; nothing new stored


async def record_measure(entry_id: int, data: MeasureIn, by: Principal) -> MeasureResult:
    """Record that the caller's agency applied a measure to a listed entry, once.

    Idempotent on agency + entry + measure + applied_on (a unique index): a repeat returns the stored
    measure with created False. Raises ValidationFailed (measure, date, text required for "other"),
    NotFound, or ProcedureRefused when the entry is not listed.
    """
    check = Checker(data)
    measure = check.choice("measure", MEASURES)
    text = check.text("text", required=measure == "other", max_length=2000)
    applied_on = check.day("applied_on", not_after=today())
    check.done()
    agency = await Agency.select(Agency.id).where(Agency.code == by.agency_code).first().run()
    if agency is None:
        raise NotFound(f"agency {by.agency_code}")
    key = {"entry": entry_id, "agency": agency["id"], "measure": measure, "applied_on": applied_on}
    stored = await _stored(key, by.agency_code)
    if stored is not None:
        return MeasureResult(stored, False)
    try:
        inserted = await _insert(key, text, by)
        assert inserted is not None  # just written in this transaction
        return MeasureResult(inserted, True)
    except Exception as error:
        if not db.is_unique_violation(error):
            raise
    twin = await _stored(key, by.agency_code)  # a concurrent twin won the index
    assert twin is not None
    return MeasureResult(twin, False)


async def _stored(key: Mapping[str, Any], agency_code: str) -> dict[str, Any] | None:
    row = (
        await PunishmentMeasure.select()
        .where(
            (PunishmentMeasure.entry == key["entry"])
            & (PunishmentMeasure.agency == key["agency"])
            & (PunishmentMeasure.measure == key["measure"])
            & (PunishmentMeasure.applied_on == key["applied_on"])
        )
        .first()
        .run()
    )
    return None if row is None else _shown(row["id"], key, agency_code, row["text"])


def _shown(measure_id: int, key: Mapping[str, Any], agency_code: str, text: str) -> dict[str, Any]:
    return {
        "id": measure_id,
        "entry": key["entry"],
        "agency": agency_code,
        "measure": key["measure"],
        "measure_label": MEASURES[key["measure"]][0],
        "text": text,
        "applied_on": key["applied_on"],
    }


async def _insert(key: Mapping[str, Any], text: str, by: Principal) -> dict[str, Any]:
    entry_id, applied_on = key["entry"], key["applied_on"]
    async with db.transaction():
        entry = (
            await ListingEntry.select(ListingEntry.id, ListingEntry.status, ListingEntry.listed_on)
            .where(ListingEntry.id == entry_id)
            .first()
            .run()
        )
        if entry is None:
            raise NotFound(f"list entry {entry_id}")
        if entry["status"] != rules.LISTED:
            raise ProcedureRefused("entry", Reason("measures_not_listed", status=entry["status"]))
        if applied_on < entry["listed_on"]:
            raise ProcedureRefused("applied_on", Reason("measures_before_listing", date=str(entry["listed_on"])))
        row = PunishmentMeasure(
            entry=entry_id,
            agency=key["agency"],
            measure=key["measure"],
            text=text,
            applied_on=applied_on,
            recorded_at=now_utc(),
        )
        await row.save().run()
        data_out = _shown(row.id, key, by.agency_code, text)
        await record_changed(
            Event("measure", "created", row.id, data_out),
            Audit(by.username, "measure.create", "measure", row.id, {"after": data_out}),
        )
    return data_out


async def feedback_of(entry_id: int) -> list[dict[str, Any]]:
    """For each of the seven agencies: the measures it reported for the entry (empty: not yet)."""
    rows = (
        await PunishmentMeasure.select(
            PunishmentMeasure.id,
            PunishmentMeasure.agency.code.as_alias("agency"),
            PunishmentMeasure.measure,
            PunishmentMeasure.text,
            PunishmentMeasure.applied_on,
        )
        .where(PunishmentMeasure.entry == entry_id)
        .order_by(PunishmentMeasure.id)
        .run()
    )
    return [
        {
            "agency": code,
            "agency_name": zh,
            "agency_name_en": en,
            "measures": [{**r, "measure_label": MEASURES[r["measure"]][0]} for r in rows if r["agency"] == code],
        }
        for code, zh, en in AGENCIES
    ]
