"""Registry operations: create, update and read institutions (one transaction each)."""

from __future__ import annotations

from typing import Any, Mapping

from credit import db
from credit.audit import service as audit
from credit.errors import Duplicate, NotFound, StaleVersion
from credit.registry.districts import is_known_district
from credit.registry.identifiers import check_uscc
from credit.registry.tables import Institution
from credit.sharing import feed
from credit.timeutil import now_utc, today
from credit.validation import Checker

OWNER_TYPES = ("public", "private_nonprofit", "enterprise", "public_private")
STATUSES = ("active", "closed")
MAX_BEDS = 20000

EDITABLE_FIELDS = ("uscc", "name", "district_code", "address", "beds", "owner_type",
                   "legal_representative", "phone", "established_on", "status")


def check_institution(data: Mapping[str, Any], prefix: str = "") -> tuple[dict[str, Any], Checker]:
    """Convert and check an institution's fields. Returns (clean values, checker with any errors)."""
    check = Checker(data, prefix)
    clean: dict[str, Any] = {}
    raw_uscc = check.text("uscc", max_length=18)
    if raw_uscc:
        clean["uscc"], reason = check_uscc(raw_uscc.upper())
        if reason:
            check.fail("uscc", reason, raw_uscc)
    clean["name"] = check.text("name", max_length=200)
    clean["district_code"] = check.text("district_code", max_length=6)
    if clean["district_code"] and not is_known_district(clean["district_code"]):
        check.fail("district_code", "is not a known district code", clean["district_code"])
    clean["address"] = check.text("address", required=False, max_length=300)
    clean["beds"] = check.integer("beds", minimum=0, maximum=MAX_BEDS)
    clean["owner_type"] = check.choice("owner_type", OWNER_TYPES)
    clean["legal_representative"] = check.text("legal_representative", required=False, max_length=100)
    clean["phone"] = check.text("phone", required=False, max_length=40)
    clean["established_on"] = check.day("established_on", required=False, not_after=today())
    clean["status"] = check.choice("status", STATUSES, required=False, default="active")
    return clean, check


def public_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: row[key] for key in ("id", *EDITABLE_FIELDS, "version")}


async def insert_institution(clean: Mapping[str, Any], actor: str) -> int:
    """Insert a checked institution inside the caller's transaction; emits feed and audit entries."""
    at = now_utc()
    row = Institution(**clean, created_at=at, updated_at=at, needs_rescore=True, version=1)
    await row.save().run()
    data = public_fields(row.to_dict())
    await feed.emit("institution", "created", row.id, data)
    await audit.record(actor, "institution.create", "institution", row.id, {"after": data})
    return row.id


async def create_institution(data: Mapping[str, Any], actor: str) -> dict[str, Any]:
    """Validate and store a new institution.

    Returns the stored record. Raises ValidationFailed (field errors) or Duplicate (USCC taken).
    """
    clean, check = check_institution(data)
    check.done()
    async with db.transaction():
        if await Institution.exists().where(Institution.uscc == clean["uscc"]).run():
            raise Duplicate("uscc", clean["uscc"])
        institution_id = await insert_institution(clean, actor)
    return await get_institution(institution_id)


async def update_institution(institution_id: int, data: Mapping[str, Any], version: int,
                             actor: str) -> dict[str, Any]:
    """Apply a full update if `version` is current.

    Raises NotFound, ValidationFailed, Duplicate, or StaleVersion carrying the current record.
    """
    clean, check = check_institution(data)
    check.done()
    async with db.transaction():
        current = await Institution.select().where(Institution.id == institution_id).first().run()
        if current is None:
            raise NotFound(f"institution {institution_id}")
        if current["version"] != version:
            raise StaleVersion(public_fields(current))
        if clean["uscc"] != current["uscc"] and await Institution.exists().where(
                Institution.uscc == clean["uscc"]).run():
            raise Duplicate("uscc", clean["uscc"])
        changes = {k: [current[k], v] for k, v in clean.items() if current[k] != v}
        await Institution.update({**clean, Institution.version: version + 1,
                                  Institution.updated_at: now_utc(), Institution.needs_rescore: True},
                                 force=True).where(Institution.id == institution_id).run()
        after = {**public_fields(current), **clean, "version": version + 1}
        await feed.emit("institution", "updated", institution_id, after)
        await audit.record(actor, "institution.update", "institution", institution_id, {"changes": changes})
    return await get_institution(institution_id)


async def get_institution(institution_id: int) -> dict[str, Any]:
    row = await Institution.select().where(Institution.id == institution_id).first().run()
    if row is None:
        raise NotFound(f"institution {institution_id}")
    return public_fields(row)


async def count_institutions() -> int:
    return await Institution.count().run()
