"""Registry operations: create, update and read institutions (one transaction each)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from credit import db
from credit.accounts.roles import Principal, require_scope
from credit.audit import service as audit
from credit.changes import Audit, Event, record_changed
from credit.errors import Duplicate, NotFound, StaleVersion
from credit.identifiers import check_id_number, check_uscc, id_hmac, mask_id
from credit.reasons import Reason
from credit.registry.districts import is_known_district
from credit.registry.offers import OFFER_FIELDS, as_public, check_offers
from credit.registry.tables import Institution, Practitioner
from credit.settings import settings
from credit.timeutil import now_utc, today
from credit.validation import Checker

if TYPE_CHECKING:  # the schemas read this module's code lists for their enums
    from credit.registry.schemas import InstitutionIn, InstitutionUpdate, PractitionerIn

OWNER_TYPES = ("public", "private_nonprofit", "enterprise", "public_private")
STATUSES = ("active", "closed")
MAX_BEDS = 20000

EDITABLE_FIELDS = (
    "uscc",
    "name",
    "district_code",
    "address",
    "beds",
    "owner_type",
    "legal_representative",
    "phone",
    "established_on",
    "status",
    *OFFER_FIELDS,
)


def check_institution(data: Mapping[str, Any] | InstitutionIn, prefix: str = "") -> tuple[dict[str, Any], Checker]:
    """Convert and check an institution's fields (an API body or form's struct, or an import row). Returns
    (clean values, checker with any errors)."""
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
        check.fail("district_code", Reason("unknown_district"), clean["district_code"])
    clean["address"] = check.text("address", required=False, max_length=300)
    clean["beds"] = check.integer("beds", minimum=0, maximum=MAX_BEDS)
    clean["owner_type"] = check.choice("owner_type", OWNER_TYPES)
    clean["legal_representative"] = check.text("legal_representative", required=False, max_length=100)
    clean["phone"] = check.text("phone", required=False, max_length=40)
    clean["established_on"] = check.day("established_on", required=False, not_after=today())
    clean["status"] = check.choice("status", STATUSES, required=False, default="active")
    clean.update(check_offers(check))  # services, care levels, fee range, website (credit.registry.offers)
    return clean, check


def public_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row as the registry's outputs send it (the offer sets as lists of codes)."""
    return {**{key: row[key] for key in ("id", *EDITABLE_FIELDS, "version")}, **as_public(row)}


async def insert_institution(clean: Mapping[str, Any], actor: str) -> int:
    """Insert a checked institution inside the caller's transaction; emits feed and audit entries."""
    at = now_utc()
    row = Institution(**clean, created_at=at, updated_at=at, version=1)
    await row.save().run()
    data = public_fields(row.to_dict())
    await record_changed(
        Event("institution", "created", row.id, data),
        Audit(actor, "institution.create", "institution", row.id, {"after": data}),
        institutions=[row.id],
    )
    return row.id


async def create_institution(data: InstitutionIn, by: Principal) -> dict[str, Any]:
    """Validate and store a new institution.

    Returns the stored record. Raises ValidationFailed (field errors), Forbidden (district outside
    the principal's scope) or Duplicate (USCC taken).
    """
    clean, check = check_institution(data)
    check.done()
    require_scope(by, clean["district_code"])
    async with db.transaction():
        if await Institution.exists().where(Institution.uscc == clean["uscc"]).run():
            raise Duplicate("uscc", clean["uscc"])
        institution_id = await insert_institution(clean, by.username)
    return await get_institution(institution_id)


async def update_institution(institution_id: int, data: InstitutionUpdate, by: Principal) -> dict[str, Any]:
    """Apply a full update if `data.version` (the version read) is current.

    Raises NotFound, ValidationFailed, Forbidden (either district outside the principal's scope),
    Duplicate, or StaleVersion carrying the current record.
    """
    clean, check = check_institution(data)
    check.done()
    actor = by.username
    version = data.version
    async with db.transaction():
        current = await institution_in_scope(institution_id, by)
        require_scope(by, clean["district_code"])
        if current["version"] != version:
            raise StaleVersion(public_fields(current))
        if (
            clean["uscc"] != current["uscc"]
            and await Institution.exists().where(Institution.uscc == clean["uscc"]).run()
        ):
            raise Duplicate("uscc", clean["uscc"])
        changes = {k: [current[k], v] for k, v in clean.items() if current[k] != v}
        # The version in the WHERE clause makes a concurrent update of the same version lose, not overwrite.
        updated = (
            await Institution.update(
                {**db.update_values(clean), Institution.version: version + 1, Institution.updated_at: now_utc()},
            )
            .where((Institution.id == institution_id) & (Institution.version == version))
            .returning(Institution.id)
            .run()
        )
        if not updated:
            raise StaleVersion(await get_institution(institution_id))
        after = public_fields({**current, **clean, "version": version + 1})
        await record_changed(
            Event("institution", "updated", institution_id, after),
            Audit(actor, "institution.update", "institution", institution_id, {"changes": changes}),
            institutions=[institution_id],
        )
    return await get_institution(institution_id)


async def institution_in_scope(institution_id: int, by: Principal) -> dict[str, Any]:
    """The stored institution row. Raises NotFound, or Forbidden when outside the principal's district."""
    current = await Institution.select().where(Institution.id == institution_id).first().run()
    if current is None:
        raise NotFound(f"institution {institution_id}")
    require_scope(by, current["district_code"])
    return current


async def get_institution(institution_id: int) -> dict[str, Any]:
    row = await Institution.select().where(Institution.id == institution_id).first().run()
    if row is None:
        raise NotFound(f"institution {institution_id}")
    return public_fields(row)


async def count_institutions() -> int:
    return await Institution.count().run()


async def get_institution_by_uscc(code: str) -> dict[str, Any]:
    row = await Institution.select().where(Institution.uscc == code.upper()).first().run()
    if row is None:
        raise NotFound(f"institution {code}")
    return public_fields(row)


PRACTITIONER_ROLES = ("legal_representative", "manager", "care_staff")


def public_practitioner(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "institution", "name", "id_masked", "role", "version")}


async def add_practitioner(institution_id: int, data: PractitionerIn, by: Principal) -> dict[str, Any]:
    """Register a practitioner; the ID number is kept only as an HMAC and a masked form.

    Raises ValidationFailed, NotFound, Forbidden, or Duplicate (the same person is registered already).
    """
    check = Checker(data)
    name = check.text("name", max_length=100)
    role = check.choice("role", PRACTITIONER_ROLES)
    raw_id = check.text("id_number", max_length=18)
    id_number = ""
    if raw_id:
        id_number, reason = check_id_number(raw_id.upper())
        if reason:
            check.fail("id_number", reason, mask_id(raw_id) if len(raw_id) >= 10 else "")
    check.done()
    digest = id_hmac(id_number, settings.secret_key)
    async with db.transaction():
        await institution_in_scope(institution_id, by)
        if await Practitioner.exists().where(Practitioner.id_hmac == digest).run():
            raise Duplicate("id_number", mask_id(id_number))
        row = Practitioner(
            institution=institution_id,
            name=name,
            role=role,
            id_hmac=digest,
            id_masked=mask_id(id_number),
            created_at=now_utc(),
            version=1,
        )
        await row.save().run()
        data_out = public_practitioner(row.to_dict())
        await audit.record(by.username, "practitioner.create", "practitioner", row.id, {"after": data_out})
    return data_out


async def list_practitioners(institution_id: int) -> list[dict[str, Any]]:
    rows = await Practitioner.select().where(Practitioner.institution == institution_id).order_by(Practitioner.id).run()
    return [public_practitioner(r) for r in rows]
