"""Benchmark: one feed page of 500 events from a log of 1,000,000 events, then from a 10x longer log.

`.venv/bin/python bench/bench_feed.py --database-url sqlite:////tmp/feed.sqlite3 [--events N] [--growth 10]`
(or a postgresql:// URL to an empty database). Prints the server time of GET /api/v1/feed (the app in
process, through its ASGI interface) at three cursors (start, middle, tail) for both log lengths, and the
ratio long/short: the target is under 20 ms, and no slower with the longer log.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SCHEDULER_ENABLED", "false")
os.environ.setdefault("RATE_LIMIT_PER_MINUTE", "0")

PAGE = 500
REQUESTS = 100
CHUNK = 50_000


async def append_events(database_url: str, start: int, count: int) -> None:
    """Bulk-append `count` synthetic events after seq `start` (bench only: straight to the table)."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    data = json.dumps({"institution": 1, "level": "B", "score": "80.00"})
    if database_url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        with connection:
            for offset in range(0, count, CHUNK):
                connection.executemany(
                    "INSERT INTO change_event (seq, type, op, entity_id, data, at) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (start + offset + n + 1, "rating", "rescored", n, data, at.isoformat())
                        for n in range(min(CHUNK, count - offset))
                    ],
                )
        connection.close()
        return
    import asyncpg

    connection = await asyncpg.connect(database_url)
    try:
        for offset in range(0, count, CHUNK):
            await connection.copy_records_to_table(
                "change_event",
                columns=["seq", "type", "op", "entity_id", "data", "at"],
                records=[
                    (start + offset + n + 1, "rating", "rescored", n, data, at)
                    for n in range(min(CHUNK, count - offset))
                ],
            )
    finally:
        await connection.close()


async def measure(app, key: str, total: int) -> dict[str, float]:
    import httpx

    results = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for name, cursor in (("start", 0), ("middle", total // 2), ("tail", total - PAGE)):
            times = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                response = await client.get(
                    "/api/v1/feed", params={"after": cursor, "limit": PAGE}, headers={"Authorization": f"Bearer {key}"}
                )
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200 and len(response.json()["events"]) == PAGE
            times.sort()
            results[name] = statistics.median(times)
            results[name + "_p99"] = times[int(len(times) * 0.99) - 1]
    return results


async def run(database_url: str, events: int, growth: int) -> None:
    from credit.app import create_app
    from credit.db import engine_for_url, use_engine
    from credit.migrate import migrate
    from credit.seeding import ensure_agencies
    from credit.sharing.keys import issue_key
    from credit.sharing.tables import ChangeEvent

    use_engine(engine_for_url(database_url))
    await migrate()
    await ensure_agencies()
    key = (await issue_key("health", "bench")).key
    existing = await ChangeEvent.count().run()
    if existing < events:
        started = time.perf_counter()
        await append_events(database_url, existing, events - existing)
        print(f"log filled to {events:,} events in {time.perf_counter() - started:.1f} s")
    app = create_app()
    figures = []
    for total in (events, events * growth):
        current = await ChangeEvent.count().run()
        if current < total:
            started = time.perf_counter()
            await append_events(database_url, current, total - current)
            print(f"log grown to {total:,} events in {time.perf_counter() - started:.1f} s")
        async with app.lifespan():
            result = await measure(app, key, total)
        figures.append(result)
        print(f"{total:>12,} events: " + ", ".join(f"{k} {v:.1f} ms" for k, v in result.items()))
    short, long = figures
    print(
        "ratio long/short (median): " + ", ".join(f"{k} {long[k] / short[k]:.2f}" for k in ("start", "middle", "tail"))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--growth", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(run(args.database_url, args.events, args.growth))


if __name__ == "__main__":
    main()
