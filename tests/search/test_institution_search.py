"""The one institution search (portal, API, workspace): names in simplified or traditional characters, fragments,
pinyin and initials, USCC prefixes; relevance first; exact totals; meaningful tie-breaks. Both engines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from credit.accounts.system import system_principal
from credit.public.tables import PublicProfile
from credit.registry import service
from credit.registry.queries import search_institutions
from credit.registry.schemas import InstitutionIn, InstitutionUpdate
from credit.search.index import reindex, reindex_all
from credit.search.tables import InstitutionSearch
from tests.test_api_records import make_uscc

HOMES = ("常州市康乐养老院", "康宁老年公寓", "福寿敬老院", "武进区乐养护理院", "颐和康乐中心")


@pytest.fixture
async def homes(db) -> dict[str, dict]:
    """The homes registered through the registry service (which keeps the search index)."""
    stored = {}
    for n, name in enumerate(HOMES, start=1):
        stored[name] = await service.create_institution(
            InstitutionIn(
                **{
                    "uscc": make_uscc(n),
                    "name": name,
                    "district_code": "320402",
                    "beds": 10 * n,
                    "owner_type": "private_nonprofit",
                }
            ),
            by=system_principal("tester"),
        )
    return stored


async def api_names(client, **params) -> list[str]:
    response = await client.get("/api/v1/institutions", params=params)
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


# Issue 14 item 4: "kangle", "kl" find 康乐; traditional characters; name fragments; USCC prefix.
@pytest.mark.parametrize("typed", ["kangle", "KangLe", "kang le", "kl", "ＫＬ", "康樂", "康乐"])
async def test_kangle_is_found_by_pinyin_initials_and_traditional_characters(client, homes, typed):
    assert "常州市康乐养老院" in await api_names(client, q=typed)


async def test_a_fragment_inside_a_name_finds_it(client, homes):
    # 康乐养老院 holds 乐养 across its words, as 武进区乐养护理院 does within one
    assert set(await api_names(client, q="乐养")) == {"常州市康乐养老院", "武进区乐养护理院"}


async def test_a_one_character_query_finds_every_name_holding_it(client, homes):
    assert set(await api_names(client, q="福")) == {"福寿敬老院"}


async def test_a_uscc_prefix_finds_the_home_in_any_case(client, homes):
    code = homes["福寿敬老院"]["uscc"]
    assert await api_names(client, q=code[:17].lower()) == ["福寿敬老院"]
    assert len(await api_names(client, q=code[:8])) == len(HOMES)


async def test_every_word_typed_must_match(client, homes):
    assert await api_names(client, q="康乐 常州") == ["常州市康乐养老院"]


async def test_the_total_is_exact_and_pages_do_not_overlap(db, homes):
    first = await search_institutions(q="kl", page_size=1)
    second = await search_institutions(q="kl", page=2, page_size=1)
    # 常州市康乐养老院 (czskl...), 康宁老年公寓 (knlngy: no), 颐和康乐中心 (yhklzx)
    assert first.total == second.total == 2
    assert {first.items[0]["name"], second.items[0]["name"]} == {"常州市康乐养老院", "颐和康乐中心"}


async def test_the_name_itself_comes_before_names_that_contain_it(client, homes):
    await service.create_institution(
        InstitutionIn(
            **{
                "uscc": make_uscc(9),
                "name": "康乐",
                "district_code": "320402",
                "beds": 5,
                "owner_type": "private_nonprofit",
            }
        ),
        by=system_principal("t"),
    )
    names = await api_names(client, q="康乐")
    assert names[0] == "康乐"
    assert set(names[1:]) == {"常州市康乐养老院", "颐和康乐中心"}


async def test_a_name_starting_with_the_query_comes_before_one_containing_it(client, homes):
    assert await api_names(client, q="康") == ["康宁老年公寓", "常州市康乐养老院", "颐和康乐中心"]


async def test_names_matching_in_chinese_come_before_pinyin_only_matches(client, homes):
    await service.create_institution(
        InstitutionIn(
            **{
                "uscc": make_uscc(8),
                "name": "kl之家",
                "district_code": "320402",
                "beds": 5,
                "owner_type": "private_nonprofit",
            }
        ),
        by=system_principal("t"),
    )
    assert (await api_names(client, q="kl"))[0] == "kl之家"


async def test_a_renamed_home_is_found_by_its_new_name_only(client, homes):
    home = homes["福寿敬老院"]
    values = {k: home[k] for k in service.EDITABLE_FIELDS}
    await service.update_institution(
        home["id"],
        InstitutionUpdate(**{**values, "name": "松鹤养老院"}, version=home["version"]),
        by=system_principal("tester"),
    )
    assert await api_names(client, q="songhe") == ["松鹤养老院"]
    assert await api_names(client, q="福寿") == []


async def test_the_portal_and_the_api_find_the_same_homes(client, homes):
    page = (await client.get("/", params={"q": "kl"})).text
    assert {name for name in HOMES if name in page} == set(await api_names(client, q="kl"))


async def test_the_portal_search_hint_names_pinyin_initials_and_traditional_characters(client, homes):
    zh = (await client.get("/")).text
    en = (await client.get("/", params={"lang": "en"})).text
    assert "拼音" in zh and "首字母" in zh and "繁体" in zh
    assert "pinyin" in en and "initials" in en and "traditional" in en


async def test_ties_in_the_credit_sort_are_broken_by_grade_then_name(db, homes):
    # Issue 14 item 4: ties in the credit sort broken by grade, then fire status, then name, never by name alone.
    for name, grade in (("常州市康乐养老院", None), ("康宁老年公寓", 3), ("福寿敬老院", 5)):
        # the search reads the public rows' flat columns: give three homes the same score and level
        await (
            PublicProfile.update(
                {PublicProfile.score: Decimal("90"), PublicProfile.level: "A", PublicProfile.grade: grade}
            )
            .where(PublicProfile.name == name)
            .run()
        )
    found = await search_institutions(level="A", sort="credit")
    assert [r["name"] for r in found.items] == ["福寿敬老院", "康宁老年公寓", "常州市康乐养老院"]


async def test_reindex_all_rebuilds_an_index_lost_or_stale(db, homes):
    await InstitutionSearch.delete(force=True).run()
    assert (await search_institutions(q="kangle")).total == 0
    assert await reindex_all() == len(HOMES)
    assert (await search_institutions(q="kangle")).total == 2  # 常州市康乐养老院, 颐和康乐中心


async def test_reindexing_a_home_that_is_gone_drops_its_row(db, homes):
    assert await reindex([999_999]) == 0
    assert await InstitutionSearch.count().run() == len(HOMES)


async def test_the_reindex_job_rebuilds_the_index(db, homes):
    from credit.scheduler import run_job

    await InstitutionSearch.delete(force=True).run()
    outcome = await run_job("reindex", manual=True)
    assert outcome.status == "succeeded", outcome.detail
    assert (await search_institutions(q="fsjly")).total == 1  # 福寿敬老院


async def test_the_list_search_finds_an_entry_by_the_pinyin_of_its_home(db, homes):
    from credit.listings.queries import search_entries
    from credit.listings.tables import ListingEntry
    from credit.timeutil import now_utc, today

    await (
        ListingEntry(
            subject_kind="institution",
            institution=homes["福寿敬老院"]["id"],
            behaviour="8",
            status="proposed",
            facts="未报送年度报告",
            basis="民发〔2019〕103号",
            proposed_on=today(),
            created_at=now_utc(),
            updated_at=now_utc(),
            version=1,
        )
        .save()
        .run()
    )
    assert [e["institution_name"] for e in (await search_entries(q="fushou")).items] == ["福寿敬老院"]
