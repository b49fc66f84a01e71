"""Load the national synthetic data set (bench/scoring_data.py) into a database, for the DB benchmarks.

`.venv/bin/python bench/national_db.py --database-url sqlite:////tmp/national.sqlite3 [--institutions N]`
prints the rows written, the time and the database size. Institutions get valid USCCs in district codes of
every province; the records are the scoring generator's, turned into table rows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring_data import AS_OF, NATIONAL_INSTITUTIONS, generate  # noqa: E402
from stdnum.cn import uscc  # noqa: E402

PROVINCES = (
    11,
    12,
    13,
    14,
    15,
    21,
    22,
    23,
    31,
    32,
    33,
    34,
    35,
    36,
    37,
    41,
    42,
    43,
    44,
    45,
    46,
    50,
    51,
    52,
    53,
    54,
    61,
    62,
    63,
    64,
    65,
)
LEVEL_SHARE = {5: 0.95, 4: 0.85, 3: 0.7, 2: 0.52, 1: 0.35}
MAXIMA = (120, 130, 150, 600)
CHUNK = 500
# names as homes are really called: a place, a wish, a kind of home (the same name recurs across provinces)
PLACES = (
    "北京",
    "上海",
    "天津",
    "重庆",
    "南京",
    "苏州",
    "无锡",
    "杭州",
    "宁波",
    "温州",
    "合肥",
    "福州",
    "厦门",
    "南昌",
    "济南",
    "青岛",
    "郑州",
    "武汉",
    "长沙",
    "广州",
    "深圳",
    "南宁",
    "海口",
    "成都",
    "贵阳",
    "昆明",
    "拉萨",
    "西安",
    "兰州",
    "西宁",
    "银川",
    "太原",
    "石家庄",
    "沈阳",
    "长春",
    "哈尔滨",
    "呼和浩特",
    "乌鲁木齐",
    "东城",
    "西湖",
    "鼓楼",
    "滨江",
    "城南",
    "城北",
    "新区",
    "高新区",
    "龙华",
    "朝阳",
)
WISHES = (
    "康乐",
    "福寿",
    "颐和",
    "夕阳红",
    "松鹤",
    "安康",
    "幸福",
    "长青",
    "慈云",
    "仁爱",
    "温馨",
    "金色年华",
    "乐养",
    "康宁",
    "福乐",
    "寿康",
    "和美",
    "百岁",
    "常青藤",
    "祥和",
    "颐年",
    "怡康",
    "德馨",
    "延年",
    "敬老",
    "安泰",
    "瑞福",
    "鹤寿",
    "同心",
    "爱晚",
)
KINDS = ("养老院", "敬老院", "老年公寓", "颐养中心", "护理院", "社会福利院", "康养中心", "养老服务中心")


def district_code(rng: random.Random) -> str:
    return f"{rng.choice(PROVINCES):02d}{rng.randint(1, 12):02d}{rng.randint(1, 15):02d}"


def home_name(rng: random.Random) -> str:
    return f"{rng.choice(PLACES)}{rng.choice(WISHES)}{rng.choice(KINDS)}"


def make_uscc(rng: random.Random, district: str, n: int) -> str:
    body = f"{rng.choice(('12', '52', '91'))}{district}{n:08d}"[:16] + str(n % 10)
    return body + uscc.calc_check_digit(body)


async def insert_chunked(table, rows: list[dict]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        result = await table.insert(*[table(**r) for r in rows[start : start + CHUNK]]).run()
        ids += [r["id"] for r in result]
    return ids


async def load(database_url: str, institutions: int, seed: int) -> int:
    """Migrate and fill an empty database; returns the number of rows written."""
    from credit.db import engine_for_url, transaction, use_engine
    from credit.listings.tables import ListingEntry
    from credit.migrate import migrate
    from credit.records.tables import FireChecklistItem, FireInspection, Grading, MajorHazard, Penalty
    from credit.registry.tables import Institution
    from credit.search.index import reindex_all
    from credit.seeding import ensure_agencies

    use_engine(engine_for_url(database_url))
    await migrate()
    rng = random.Random(seed)
    facts = generate(institutions, seed, AS_OF)
    at = datetime.now(UTC)
    written = 0
    async with transaction():
        await ensure_agencies()
        homes = []
        for f in facts:
            district = district_code(rng)
            homes.append(
                {
                    "uscc": make_uscc(rng, district, f.institution_id),
                    "name": home_name(rng),
                    "district_code": district,
                    "beds": rng.randint(20, 800),
                    "owner_type": "enterprise",
                    "created_at": at,
                    "updated_at": at,
                }
            )
        ids = await insert_chunked(Institution, homes)
        written += len(ids)
        gradings, inspections, hazards, penalties, listed = [], [], [], [], []
        names = {i: h["name"] for i, h in zip(ids, homes, strict=True)}
        for institution_id, f in zip(ids, facts, strict=True):
            for g in f.gradings:
                level = g.level or 3
                parts = (
                    [round(m * LEVEL_SHARE[level]) for m in MAXIMA]
                    if g.level
                    else [g.environment, g.facilities, g.operations, g.services]
                )
                gradings.append(
                    {
                        "institution": institution_id,
                        "decided_on": g.decided_on,
                        "expires_on": g.decided_on.replace(year=g.decided_on.year + 3)
                        if not (g.decided_on.month == 2 and g.decided_on.day == 29)
                        else g.decided_on.replace(year=g.decided_on.year + 3, day=28),
                        "level": level,
                        "environment": parts[0],
                        "facilities": parts[1],
                        "operations": parts[2],
                        "services": parts[3],
                        "created_at": at,
                    }
                )
            inspections += [(institution_id, i) for i in f.inspections]
            hazards += [
                {
                    "institution": institution_id,
                    "category": h.category,
                    "found_on": h.found_on,
                    "rectify_by": h.rectify_by,
                    "rectified_on": h.rectified_on,
                    "created_at": at,
                }
                for h in f.hazards
            ]
            penalties += [
                {
                    "institution": institution_id,
                    "subject_name": names[institution_id],
                    "subject_kind": "legal_person",
                    "decision_number": f"罚〔{p.decision_date.year}〕{p.id}号",
                    "decision_date": p.decision_date,
                    "deciding_agency": "民政局",
                    "source_agency": "民政局",
                    "severity": p.severity,
                    "is_fire_safety": p.is_fire_safety,
                    "publication_end": p.publication_end,
                    "rectified_on": p.rectified_on,
                    "revoked": p.revoked,
                    "created_at": at,
                }
                for p in f.penalties
            ]
            if f.listed:
                listed.append(
                    {
                        "subject_kind": "institution",
                        "institution": institution_id,
                        "behaviour": "9",
                        "status": "listed",
                        "proposed_on": AS_OF,
                        "listed_on": AS_OF,
                        "created_at": at,
                        "updated_at": at,
                    }
                )
            elif rng.random() < 0.05:  # entries in the other states: the list is thousands of entries long
                state = rng.choice(("proposed", "notified", "objected", "removed", "withdrawn"))
                listed.append(
                    {
                        "subject_kind": "institution",
                        "institution": institution_id,
                        "behaviour": rng.choice("12345678"),
                        "status": state,
                        "proposed_on": AS_OF,
                        "removal_reason": "expired" if state == "removed" else "",
                        "created_at": at,
                        "updated_at": at,
                    }
                )
        written += len(await insert_chunked(Grading, gradings))
        inspection_ids = await insert_chunked(
            FireInspection,
            [
                {"institution": i, "inspected_on": x.inspected_on, "outcome": "compliant", "created_at": at}
                for i, x in inspections
            ],
        )
        items = [
            {"inspection": inspection_id, "area": area, "result": result}
            for inspection_id, (_, x) in zip(inspection_ids, inspections, strict=True)
            for area, result in x.checklist.items()
        ]
        written += len(inspection_ids) + len(await insert_chunked(FireChecklistItem, items))
        written += len(await insert_chunked(MajorHazard, hazards))
        written += len(await insert_chunked(Penalty, penalties))
        written += len(await insert_chunked(ListingEntry, listed))
        await reindex_all()  # the search index, as the import and seeding keep it
    if database_url.startswith("postgres"):
        from credit.db import current_engine

        await current_engine().run_ddl("ANALYZE")  # fresh statistics, as autovacuum would give a live database
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--institutions", type=int, default=NATIONAL_INSTITUTIONS)
    parser.add_argument("--seed", type=int, default=20240630)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = asyncio.run(load(args.database_url, args.institutions, args.seed))
    size = ""
    if args.database_url.startswith("sqlite"):
        size = f", {os.path.getsize(args.database_url.removeprefix('sqlite:///')) / 2**20:.0f} MiB on disk"
    print(f"loaded {rows:,} rows ({args.institutions:,} institutions) in {time.perf_counter() - started:.1f} s{size}")


if __name__ == "__main__":
    main()
