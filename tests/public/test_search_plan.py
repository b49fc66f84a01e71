"""A search page without text is read in the order it is shown (issue 14, "search is one indexed query"): the
credit and grade orders, alone or after the level or district filter, and the API's name order after a level,
come from an index of migration 0019 and never sort all the matching homes to show twenty. SQLite's plans do not
depend on table statistics, so the plan is the same as on the national data set; PostgreSQL chooses by statistics,
which a test table lacks."""

from __future__ import annotations

import pytest

from credit.public.queries import COLUMNS, SORTS
from credit.public.tables import PublicProfile


async def plan(sql: str) -> list[str]:
    return [r["detail"] for r in await PublicProfile.raw("EXPLAIN QUERY PLAN " + sql).run()]


@pytest.mark.parametrize(
    ("where", "sort"),
    [
        ("", "credit"),
        ("WHERE p.level = 'D'", "credit"),
        ("WHERE p.district_code = '320402'", "credit"),
        ("WHERE p.level = 'D'", "name"),
        ("", "grade"),
        ("", "name"),
    ],
)
async def test_a_search_page_without_text_is_read_in_index_order(db, where, sort):
    if db != "sqlite":
        pytest.skip("PostgreSQL plans by table statistics; the national data set is measured by bench_portal")
    steps = await plan(f"SELECT {COLUMNS} FROM public_profile p {where} ORDER BY {SORTS[sort]} LIMIT 20 OFFSET 40")
    assert any("USING INDEX" in step for step in steps), steps
    assert not any("TEMP B-TREE" in step for step in steps), steps
