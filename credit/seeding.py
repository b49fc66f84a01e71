"""Load the demo city into the database: one transaction, and nothing twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from piccolo.table import Table

from credit import changes, db
from credit.accounts.passwords import generate_password, hash_password
from credit.accounts.tables import User
from credit.audit import service as audit
from credit.demo import DemoCity
from credit.identifiers import id_hmac, mask_id
from credit.listings.calendar import WorkingCalendar
from credit.listings.tables import ListingBasis, ListingEntry, ListingTransition
from credit.money import penalty_columns
from credit.records.service import payload_digest
from credit.records.tables import FireChecklistItem, FireInspection, Grading, MajorHazard, Penalty
from credit.registry.tables import Institution, Practitioner
from credit.settings import settings
from credit.sharing.agencies import AGENCIES
from credit.sharing.tables import Agency
from credit.timeutil import now_utc
from scoring import FireInspection as InspectionFacts, MajorHazard as HazardFacts, fire_outcome, policy_for
from scoring.dates import add_months

CHUNK = 200

DEMO_USERS = (
    ("admin", "admin", "", ""),
    ("city", "city_regulator", "", ""),
    ("tianning", "district_regulator", "320402", ""),
    ("fire", "agency_officer", "", "fire_rescue"),
)


@dataclass
class SeedResult:
    institutions: int = 0
    skipped_institutions: int = 0
    records: int = 0
    listings: int = 0
    passwords: dict[str, str] = field(default_factory=dict)  # new users only


async def insert_many(table: type[Table], rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in chunks (parameter limits) inside the caller's transaction; returns their ids."""
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        result = await table.insert(*[table(**row) for row in rows[start : start + CHUNK]]).run()
        ids += [r["id"] for r in result]
    return ids


async def ensure_agencies() -> dict[str, int]:
    """Create any configured agency that is missing; returns code -> id."""
    existing = {r["code"]: r["id"] for r in await Agency.select(Agency.id, Agency.code).run()}
    missing = [{"code": c, "name_zh": zh, "name_en": en} for c, zh, en in AGENCIES if c not in existing]
    for row, new_id in zip(missing, await insert_many(Agency, missing), strict=True):
        existing[row["code"]] = new_id
    return existing


async def load_city(city: DemoCity, as_of: date) -> SeedResult:
    """Write the city; institutions already stored (by USCC) and their records are left alone."""
    result = SeedResult()
    at = now_utc()
    async with db.transaction():
        agencies = await ensure_agencies()
        stored = {r["uscc"] for r in await Institution.select(Institution.uscc).run()}
        new = [i for i in city.institutions if i["uscc"] not in stored]
        result.skipped_institutions = len(city.institutions) - len(new)
        ids = await insert_many(Institution, [{**i, "created_at": at, "updated_at": at} for i in new])
        by_uscc = {i["uscc"]: new_id for i, new_id in zip(new, ids, strict=True)}
        result.institutions = len(ids)
        result.records = await _load_records(city, by_uscc, as_of, at)
        result.listings = await _load_listings(city, by_uscc, agencies["civil_affairs"], as_of, at)
        result.passwords = await _ensure_users(agencies, at)
        if result.institutions or result.passwords:
            await audit.record(
                "seed",
                "seed.demo",
                "city",
                0,
                {"institutions": result.institutions, "records": result.records, "listings": result.listings},
            )
        await changes.institutions_loaded(ids, as_of)  # searchable and public at once, rescored as of the seed day
    return result


async def _load_records(city: DemoCity, by_uscc: dict[str, int], as_of: date, at) -> int:
    def mine(rows):
        return [r for r in rows if r["uscc"] in by_uscc]

    practitioners = [
        {
            "institution": by_uscc[p["uscc"]],
            "name": p["name"],
            "role": p["role"],
            "created_at": at,
            "id_hmac": id_hmac(p["id_number"], settings.secret_key),
            "id_masked": mask_id(p["id_number"]),
        }
        for p in mine(city.practitioners)
    ]
    await insert_many(Practitioner, practitioners)
    gradings = [
        {**{k: v for k, v in g.items() if k != "uscc"}, "institution": by_uscc[g["uscc"]], "created_at": at}
        for g in mine(city.gradings)
    ]
    await insert_many(Grading, gradings)
    inspections = mine(city.inspections)
    policy = policy_for(as_of)
    inspection_rows = []
    for n, i in enumerate(inspections):
        hazard_facts = [
            HazardFacts(
                id=k,
                category=h["category"],
                found_on=h["found_on"],
                rectify_by=h["rectify_by"],
                rectified_on=h["rectified_on"],
            )
            for k, h in enumerate(i["hazards"])
        ]
        outcome = fire_outcome(
            InspectionFacts(id=n, inspected_on=i["inspected_on"], checklist=i["checklist"]),
            hazard_facts,
            policy,
            i["inspected_on"],
        )
        assert outcome is not None  # an inspection always has an outcome
        inspection_rows.append(
            {
                "institution": by_uscc[i["uscc"]],
                "inspected_on": i["inspected_on"],
                "inspector": i["inspector"],
                "outcome": outcome.value,
                "created_at": at,
            }
        )
    inspection_ids = await insert_many(FireInspection, inspection_rows)
    items: list[dict[str, Any]] = []
    hazards: list[dict[str, Any]] = []
    for inspection_id, i in zip(inspection_ids, inspections, strict=True):
        items += [
            {"inspection": inspection_id, "area": area, "result": result} for area, result in i["checklist"].items()
        ]
        hazards += [
            {**h, "institution": by_uscc[i["uscc"]], "inspection": inspection_id, "created_at": at}
            for h in i["hazards"]
        ]
    await insert_many(FireChecklistItem, items)
    await insert_many(MajorHazard, hazards)
    penalties = [
        {
            **penalty_columns(p),
            "institution": by_uscc[p["uscc"]],
            "created_at": at,
            "match_status": "matched",
            "payload_digest": payload_digest(p),
        }
        for p in mine(city.penalties)
    ]
    await insert_many(Penalty, penalties)
    return len(practitioners) + len(gradings) + len(inspection_rows) + len(items) + len(hazards) + len(penalties)


def _entry_dates(state: str, decided_on: date, as_of: date, calendar: WorkingCalendar, policy) -> dict[str, Any]:
    rules = policy.listing
    dates: dict[str, Any] = {"proposed_on": min(decided_on + timedelta(days=7), as_of)}
    if state == "proposed":
        return dates
    notified = as_of - timedelta(days=2) if state == "notified" else dates["proposed_on"] + timedelta(days=3)
    notified = max(notified, dates["proposed_on"])
    deadline = calendar.add_working_days(notified, rules.objection_working_days)
    dates |= {
        "notified_on": notified,
        "objection_deadline": deadline.day,
        "objection_deadline_confirmed": deadline.confirmed,
    }
    if state == "notified":
        return dates
    if state in {"objected", "withdrawn"}:
        dates |= {"objected_on": notified + timedelta(days=2), "objection_text": "对违法事实认定有异议，申请复核。"}
        if state == "withdrawn":
            dates |= {"reviewed_on": notified + timedelta(days=12), "review_outcome": "withdrawn"}
        return dates
    listed_on = deadline.day + timedelta(days=1)
    dates |= {
        "listed_on": listed_on,
        "expires_on": add_months(listed_on, 12 * rules.duration_years),
        "early_removal_from": add_months(listed_on, 12 * rules.early_removal_after_years),
    }
    if state == "removed":
        dates |= {"removed_on": min(listed_on + timedelta(days=20), as_of), "removal_reason": "error"}
    return dates


async def _load_listings(city: DemoCity, by_uscc: dict[str, int], civil_affairs: int, as_of: date, at) -> int:
    calendar, policy = WorkingCalendar(), policy_for(as_of)
    entries = [entry for entry in city.listings if entry["uscc"] in by_uscc]
    if not entries:
        return 0
    numbers = [n for entry in entries for n in entry["penalty_numbers"]]
    penalty_ids = {
        r["decision_number"]: r["id"]
        for r in await Penalty.select(Penalty.id, Penalty.decision_number)
        .where(Penalty.decision_number.is_in(numbers))
        .run()
    }
    for listing in entries:
        dates = _entry_dates(listing["state"], listing["decided_on"], as_of, calendar, policy)
        entry = ListingEntry(
            subject_kind="institution",
            institution=by_uscc[listing["uscc"]],
            behaviour=listing["behaviour"],
            status=listing["state"],
            facts=listing["facts"],
            basis=listing["basis"],
            proposing_agency=civil_affairs,
            created_at=at,
            updated_at=at,
            **dates,
        )
        await entry.save().run()
        await insert_many(
            ListingBasis, [{"entry": entry.id, "penalty": penalty_ids[n]} for n in listing["penalty_numbers"]]
        )
        await insert_many(
            ListingTransition,
            [
                {
                    "entry": entry.id,
                    "from_status": "",
                    "to_status": "proposed",
                    "on": dates["proposed_on"],
                    "actor": "seed",
                    "at": at,
                }
            ],
        )
    return len(entries)


async def _ensure_users(agencies: dict[str, int], at) -> dict[str, str]:
    existing = {r["username"] for r in await User.select(User.username).run()}
    passwords: dict[str, str] = {}
    for username, role, district, agency in DEMO_USERS:
        if username in existing:
            continue
        passwords[username] = generate_password(username)
        await (
            User(
                username=username,
                display_name=username,
                password_hash=hash_password(passwords[username]),
                role=role,
                district_code=district,
                agency=agencies[agency] if agency else None,
                created_at=at,
            )
            .save()
            .run()
        )
    return passwords
