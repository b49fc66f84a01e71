"""Indexes of the public search in the order it sorts (issue 14, reads that cost microseconds).

The search sorts by expressions (a home without a score or grade after every other, ties broken by grade or
score, fire safety and name: credit.public.queries.SORTS), which the indexes of migration 0008 (plain `score`)
cannot serve: every search sorted all its matches to show twenty, reading each match's row with its document.
These indexes hold exactly the expressions of the credit and grade orders, alone and after the level and district
filters, so a page of a search without text is read in index order and stops after its rows; a level with a
minimum grade is counted from an index, and the API's name order within a level read from one. The two indexes
of 0008 that no query can use any more go. The expressions here must stay those of SORTS:
tests/public/test_search_plan.py checks the plans use them.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "public search indexes in sort order"

_FIRE_RANK = (
    "(CASE fire_status WHEN 'compliant' THEN 0 WHEN 'basically_compliant' THEN 1 WHEN 'none' THEN 2 ELSE 3 END)"
)
_SCORE, _GRADE = "(COALESCE(score, -1)) DESC", "(COALESCE(grade, 0)) DESC"
_TAIL = f"{_FIRE_RANK} ASC, name ASC, institution ASC"
CREDIT = f"{_SCORE}, {_GRADE}, {_TAIL}"
GRADE = f"{_GRADE}, {_SCORE}, {_TAIL}"
CREATE = {
    "public_profile_credit_order": CREDIT,
    "public_profile_level_credit_order": f"level, {CREDIT}",
    "public_profile_district_credit_order": f"district_code, {CREDIT}",
    "public_profile_grade_order": GRADE,
    # a level with a minimum grade counted from the index alone; the API's name order within a level
    "public_profile_level_grade": "level, grade",
    "public_profile_level_name": "level, name, institution",
}
DROPPED = {  # migration 0008's, for the plain score column no query sorts by any more
    "public_profile_by_credit": "score DESC, name, institution",
    "public_profile_district_credit": "district_code, score DESC, name, institution",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for name, columns in CREATE.items():
            await engine.run_ddl(f"CREATE INDEX {name} ON public_profile ({columns})")
        for name in DROPPED:
            await engine.run_ddl(f"DROP INDEX {name}")

    async def drop():
        engine = engine_finder()
        for name in CREATE:
            await engine.run_ddl(f"DROP INDEX {name}")
        for name, columns in DROPPED.items():
            await engine.run_ddl(f"CREATE INDEX {name} ON public_profile ({columns})")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
