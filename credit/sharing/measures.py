"""Punishment measures the agencies report having applied to listed subjects (联合惩戒措施反馈)."""

from __future__ import annotations

from typing import Any, Mapping

from credit import db
from credit.accounts.roles import Principal
from credit.audit import service as audit
from credit.errors import NotFound, ProcedureRefused
from credit.listings import rules
from credit.listings.tables import ListingEntry, PunishmentMeasure
from credit.sharing import feed
from credit.sharing.agencies import AGENCIES
from credit.sharing.tables import Agency
from credit.timeutil import now_utc, today
from credit.validation import Checker

MEASURES = {
    "restrict_subsidies": ("限制享受财政补贴", "restrict subsidies"),
    "restrict_procurement": ("限制参与政府采购", "restrict government procurement"),
    "more_inspections": ("加大监督检查频次", "more inspections"),
    "no_honours": ("不予评优评先", "no honours"),
    "other": ("其他措施", "other"),
}


async def record_measure(entry_id: int, data: Mapping[str, Any], by: Principal) -> dict[str, Any]:
    """Record that the caller's agency applied a measure to a listed entry.

    Raises ValidationFailed (measure, date, text required for "other"), NotFound, or ProcedureRefused when
    the entry is not listed.
    """
    check = Checker(data)
    measure = check.choice("measure", MEASURES)
    text = check.text("text", required=measure == "other", max_length=2000)
    applied_on = check.day("applied_on", not_after=today())
    check.done()
    async with db.transaction():
        entry = await ListingEntry.select(ListingEntry.id, ListingEntry.status, ListingEntry.listed_on).where(
            ListingEntry.id == entry_id).first().run()
        if entry is None:
            raise NotFound(f"list entry {entry_id}")
        if entry["status"] != rules.LISTED:
            raise ProcedureRefused("entry", f"measures apply to listed entries; this one is {entry['status']}")
        if applied_on < entry["listed_on"]:
            raise ProcedureRefused("applied_on", f"the entry was listed on {entry['listed_on']}")
        agency = await Agency.select(Agency.id).where(Agency.code == by.agency_code).first().run()
        if agency is None:
            raise NotFound(f"agency {by.agency_code}")
        row = PunishmentMeasure(entry=entry_id, agency=agency["id"], measure=measure, text=text,
                                applied_on=applied_on, recorded_at=now_utc())
        await row.save().run()
        data_out = {"id": row.id, "entry": entry_id, "agency": by.agency_code, "measure": measure,
                    "measure_label": MEASURES[measure][0], "text": text, "applied_on": applied_on}
        await feed.emit("measure", "created", row.id, data_out)
        await audit.record(by.username, "measure.create", "measure", row.id, {"after": data_out})
    return data_out


async def feedback_of(entry_id: int) -> list[dict[str, Any]]:
    """For each of the seven agencies: the measures it reported for the entry (empty: not yet)."""
    rows = await PunishmentMeasure.select(
        PunishmentMeasure.id, PunishmentMeasure.agency.code.as_alias("agency"), PunishmentMeasure.measure,
        PunishmentMeasure.text, PunishmentMeasure.applied_on).where(PunishmentMeasure.entry == entry_id).order_by(
        PunishmentMeasure.id).run()
    return [{"agency": code, "agency_name": zh, "agency_name_en": en,
             "measures": [{**r, "measure_label": MEASURES[r["measure"]][0]} for r in rows if r["agency"] == code]}
            for code, zh, en in AGENCIES]
