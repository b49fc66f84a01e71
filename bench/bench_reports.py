"""Benchmark: 10,000 penalty reports posted by the 7 agencies at once, against uvicorn.

`.venv/bin/python bench/bench_reports.py --database-url postgresql://postgres@127.0.0.1:5432/bench_reports`
(an empty database; SQLite URLs work too). Loads the demo city, issues a key per agency, starts uvicorn,
then each agency posts its share concurrently, every report twice (a retry after a lost answer), and
checks that each is stored exactly once. Prints reports per second and the status counts.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

AGENCY_CODES = (
    "civil_affairs",
    "housing",
    "health",
    "fire_rescue",
    "market_regulation",
    "public_security",
    "development_reform",
)
CONCURRENCY_PER_AGENCY = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def prepare(database_url: str) -> tuple[dict[str, str], list[dict]]:
    from datetime import date

    from credit.db import engine_for_url, use_engine
    from credit.demo import build_demo_city
    from credit.migrate import migrate
    from credit.registry.tables import Institution
    from credit.seeding import load_city
    from credit.sharing.keys import issue_key

    use_engine(engine_for_url(database_url))
    await migrate()
    await load_city(build_demo_city(1, date(2026, 6, 30)), date(2026, 6, 30))
    keys = {code: (await issue_key(code, "bench")).key for code in AGENCY_CODES}
    homes = await Institution.select(Institution.uscc, Institution.name).run()
    return keys, homes


def reports_for(agency: str, count: int, homes: list[dict]) -> list[dict]:
    return [
        {
            "subject_name": homes[n % len(homes)]["name"],
            "uscc": homes[n % len(homes)]["uscc"],
            "decision_number": f"{agency}-bench-{n}",
            "facts": "抽查发现问题",
            "legal_basis": "相关条例",
            "penalty_kind": "警告",
            "content": "警告",
            "decision_date": "2026-01-05",
            "deciding_agency": agency,
        }
        for n in range(count)
    ]


async def post_all(base: str, keys: dict[str, str], homes: list[dict], total: int) -> collections.Counter:
    import httpx

    statuses: collections.Counter = collections.Counter()
    share = total // len(keys)

    async def agency_worker(client, agency: str, queue: asyncio.Queue) -> None:
        headers = {"Authorization": f"Bearer {keys[agency]}"}
        while not queue.empty():
            body = queue.get_nowait()
            for _ in range(2):  # the retry must come back 200 with the same record
                response = await client.post("/api/v1/penalties", json=body, headers=headers)
                statuses[response.status_code] += 1

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        tasks = []
        for index, agency in enumerate(keys):
            count = share + (total - share * len(keys) if index == 0 else 0)
            queue: asyncio.Queue = asyncio.Queue()
            for body in reports_for(agency, count, homes):
                queue.put_nowait(body)
            tasks += [agency_worker(client, agency, queue) for _ in range(CONCURRENCY_PER_AGENCY)]
        await asyncio.gather(*tasks)
    return statuses


async def stored_count(database_url: str) -> int:
    from credit.records.tables import Penalty

    return await Penalty.count().where(Penalty.decision_number.like("%-bench-%")).run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--reports", type=int, default=10_000)
    args = parser.parse_args()
    keys, homes = asyncio.run(prepare(args.database_url))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "SCHEDULER_ENABLED": "false",
        "RATE_LIMIT_PER_MINUTE": "0",
        "LOG_FORMAT": "json",
        "SIGNING_KEY_PATH": str(Path(tempfile.mkdtemp()) / "key.pem"),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "credit.asgi:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        started = time.perf_counter()
        statuses = asyncio.run(post_all(f"http://127.0.0.1:{port}", keys, homes, args.reports))
        seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    stored = asyncio.run(stored_count(args.database_url))
    print(
        f"{args.reports:,} reports (each sent twice) by {len(keys)} agencies in {seconds:.1f} s: "
        f"{args.reports / seconds:,.0f} reports/s, {2 * args.reports / seconds:,.0f} requests/s; "
        f"statuses {dict(statuses)}; stored {stored:,} ({'exactly once' if stored == args.reports else 'MISMATCH'})"
    )


if __name__ == "__main__":
    main()
