"""Benchmark: publish one day's signed disclosure for the national data set.

Load the data first (bench/national_db.py), then
`.venv/bin/python bench/bench_disclosure.py --database-url sqlite:////tmp/national.sqlite3`.
Prints seconds, institutions per second, the size of the files and peak memory (target: under 15 s and
under 300 MB). The benchmark's own disclosure row is deleted afterwards, so it can be run again.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


async def run(database_url: str) -> None:
    from credit.db import engine_for_url, open_pool, use_engine
    from credit.disclosures.service import publish
    from credit.disclosures.tables import Disclosure
    from credit.timeutil import today

    engine = engine_for_url(database_url)
    use_engine(engine)
    await open_pool(engine, 4)  # as in the app, where the scheduler runs the job
    # The day after the last stored one, published as if it were that day and removed afterwards, so the
    # stored chain is left as it was (a disclosure only ever extends the chain, never ahead of its day).
    latest = await Disclosure.select(Disclosure.day).order_by(Disclosure.day, ascending=False).first().run()
    bench_day = latest["day"] + timedelta(days=1) if latest else today()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    published = await publish(bench_day, today=bench_day)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    row = (
        await Disclosure.select(Disclosure.institutions_count, Disclosure.json_body, Disclosure.csv_body)
        .where(Disclosure.day == bench_day)
        .first()
        .run()
    )
    count = row["institutions_count"]
    print(
        f"published {count:,} institutions in {seconds:.2f} s ({count / seconds:,.0f} institutions/s); "
        f"JSON {len(row['json_body'].encode()) / 2**20:.1f} MiB, CSV {len(row['csv_body'].encode()) / 2**20:.1f} MiB; "
        f"peak RSS {peak / 1024:.0f} MiB (before publishing {before / 1024:.0f} MiB); digest {published.digest[:16]}"
    )
    await Disclosure.delete().where(Disclosure.day == bench_day).run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    os.environ.setdefault("SIGNING_KEY_PATH", str(Path(tempfile.mkdtemp()) / "bench-key.pem"))
    asyncio.run(run(args.database_url))


if __name__ == "__main__":
    main()
