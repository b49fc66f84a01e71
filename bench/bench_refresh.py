"""Benchmark: rebuild the public projection of every home (`refresh_all`, what the nightly `rescore_all` runs).

Run from the repo root on a database loaded by bench/national_db.py:
`.venv/bin/python bench/bench_refresh.py --database-url sqlite:////tmp/national.sqlite3 [--runs 2] [--profile]`.
The first run builds every row (and a history row each); later runs are the nightly case (few rows change).
Prints homes/s per run and the time all homes of the national data set would take at that rate.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring_data import AS_OF, NATIONAL_INSTITUTIONS  # noqa: E402


async def bench(database_url: str, runs: int, profile: bool) -> None:
    from credit.db import engine_for_url, use_engine
    from credit.public.projection import refresh_all
    from credit.registry.tables import Institution

    use_engine(engine_for_url(database_url))
    homes = await Institution.count().run()
    for run in range(1, runs + 1):
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = await refresh_all(AS_OF)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
        rate = homes / seconds
        print(
            f"run {run}: {homes:,} homes in {seconds:.1f} s, {rate:,.0f} homes/s "
            f"({result.changed:,} rescored, {result.rows:,} rows written); "
            f"{NATIONAL_INSTITUTIONS:,} homes at this rate: {NATIONAL_INSTITUTIONS / rate:.1f} s"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="print the slowest calls (cProfile)")
    args = parser.parse_args()
    asyncio.run(bench(args.database_url, args.runs, args.profile))


if __name__ == "__main__":
    main()
