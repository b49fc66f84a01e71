"""The demo city: realistic, valid, deterministic, and loaded only once."""

from datetime import date

from stdnum.cn import uscc

from credit.accounts.tables import User
from credit.demo import build_demo_city
from credit.listings.tables import ListingEntry
from credit.records.tables import FireInspection, Grading, Penalty
from credit.registry.districts import DISTRICTS
from credit.registry.tables import Institution, Practitioner
from credit.seeding import load_city
from credit.sharing.tables import Agency

AS_OF = date(2026, 6, 30)


def test_the_same_seed_gives_the_same_city_and_another_seed_a_different_one():
    assert build_demo_city(7, AS_OF) == build_demo_city(7, AS_OF)
    assert build_demo_city(7, AS_OF).institutions != build_demo_city(8, AS_OF).institutions


def test_the_city_has_valid_codes_in_every_district_and_records_of_every_kind():
    city = build_demo_city(2020, AS_OF)
    assert len(city.institutions) == 300
    assert all(uscc.is_valid(i["uscc"]) for i in city.institutions)
    assert {i["uscc"][:2] for i in city.institutions} == {"12", "52", "91"}
    assert all(i["uscc"][2:8] == i["district_code"] for i in city.institutions)
    assert {i["district_code"] for i in city.institutions} == set(DISTRICTS)
    assert {p["severity"] for p in city.penalties} == {"minor", "general", "serious"}
    assert {entry["state"] for entry in city.listings} == {
        "proposed",
        "notified",
        "objected",
        "listed",
        "removed",
        "withdrawn",
    }
    assert any(i["hazards"] for i in city.inspections)


async def test_loading_twice_adds_nothing_the_second_time(db):
    city = build_demo_city(2020, AS_OF, count=60)
    first = await load_city(city, AS_OF)
    counts = [
        await t.count().run()
        for t in (Institution, Practitioner, Grading, FireInspection, Penalty, ListingEntry, User, Agency)
    ]
    second = await load_city(city, AS_OF)
    assert first.institutions == 60 and set(first.passwords) == {"admin", "city", "tianning", "fire"}
    assert second.institutions == 0 and second.passwords == {}
    assert counts == [
        await t.count().run()
        for t in (Institution, Practitioner, Grading, FireInspection, Penalty, ListingEntry, User, Agency)
    ]
    assert counts[-1] == 7


async def test_practitioner_id_numbers_are_never_stored_in_clear(db):
    city = build_demo_city(2020, AS_OF, count=10)
    await load_city(city, AS_OF)
    stored = await Practitioner.select().run()
    clear = {p["id_number"] for p in city.practitioners}
    assert stored and all(p["id_masked"][6:14] == "********" for p in stored)
    assert not any(value in clear for row in stored for value in row.values() if isinstance(value, str))


async def test_the_users_cover_every_role_with_working_passwords(db):
    from credit.accounts.passwords import verify_password

    result = await load_city(build_demo_city(1, AS_OF, count=5), AS_OF)
    users = {u["username"]: u for u in await User.select().run()}
    assert {u["role"] for u in users.values()} == {"admin", "city_regulator", "district_regulator", "agency_officer"}
    assert all(verify_password(users[name]["password_hash"], pw) for name, pw in result.passwords.items())


async def test_a_seeded_home_is_found_at_once_and_a_rescore_the_same_day_adds_no_history(db):
    # issue 14: the seed goes through the write hook (search index and public row in its transaction), and
    # its score history is one row a home until something changes (README "Public read side").
    from credit.disclosures.rescoring import rescore_all
    from credit.disclosures.tables import CreditScore
    from credit.public.queries import Filters, search

    city = build_demo_city(2020, AS_OF, count=12)
    await load_city(city, AS_OF)
    home = city.institutions[3]
    found = await search(Filters(q=home["name"]))
    assert home["uscc"] in {row["uscc"] for row in found.items}
    assert (await search(Filters(q=home["uscc"][:10]))).total >= 1
    before = await CreditScore.count().run()
    assert before == 12
    result = await rescore_all(AS_OF)
    assert result.evaluated == 12 and result.changed == 0
    assert await CreditScore.count().run() == before


def _records_before_opening(city) -> list[str]:
    opened = {i["uscc"]: i["established_on"] for i in city.institutions}
    inspections = [
        f"inspected before opening: {i['uscc']}" for i in city.inspections if i["inspected_on"] < opened[i["uscc"]]
    ]
    gradings = [f"graded before opening: {g['uscc']}" for g in city.gradings if g["decided_on"] < opened[g["uscc"]]]
    return inspections + gradings


def _graded_while_listed(city) -> list[str]:
    return [
        f"graded while on (or on its way to) the list: {entry['uscc']}"
        for entry in city.listings
        if entry["state"] != "withdrawn"
        and any(g["uscc"] == entry["uscc"] and g["decided_on"] >= entry["decided_on"] for g in city.gradings)
    ]


def _fire_listings_without_an_overdue_hazard(city) -> list[str]:
    def overdue(entry) -> bool:
        return any(
            h["rectify_by"] < entry["decided_on"]
            and (h["rectified_on"] is None or h["rectified_on"] > entry["decided_on"])
            for i in city.inspections
            if i["uscc"] == entry["uscc"]
            for h in i["hazards"]
        )

    return [
        f"listed for an overdue fire hazard without one: {e['uscc']}"
        for e in city.listings
        if e["behaviour"] == "4" and not overdue(e)
    ]


def _not_one_legal_representative(city) -> list[str]:
    representatives: dict[str, list[str]] = {}
    for person in city.practitioners:
        if person["role"] == "legal_representative":
            representatives.setdefault(person["uscc"], []).append(person["name"])
    return [
        f"not one legal representative, the registry's: {home['uscc']}"
        for home in city.institutions
        if representatives.get(home["uscc"]) != [home["legal_representative"]]
    ]


def _consistency_problems(city) -> list[str]:
    """What a tester found wrong with the demo data, as rules (DESIGN.md: registry, records, listing)."""
    return (
        _records_before_opening(city)
        + _graded_while_listed(city)
        + _fire_listings_without_an_overdue_hazard(city)
        + _not_one_legal_representative(city)
    )


def test_the_demo_city_keeps_the_rules_it_shows():
    for seed in (2020, 7, 11):
        city = build_demo_city(seed, AS_OF)
        assert any(e["behaviour"] == "4" for e in city.listings) or seed != 2020
        assert _consistency_problems(city) == [], seed
