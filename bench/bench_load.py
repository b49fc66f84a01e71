"""Load test: the portal and the agency API under concurrent load, 2 uvicorn workers, with wrk.

`.venv/bin/python bench/bench_load.py --database-url postgresql://postgres@127.0.0.1:5432/bench_national`
(a database filled by bench/national_db.py). For each scenario wrk runs --duration seconds with
--connections connections; prints requests/s, p50, p99 and errors (non-2xx/3xx answers plus socket errors).
The bar is zero errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def prepare(database_url: str) -> tuple[str, list[str]]:
    from credit.db import engine_for_url, use_engine
    from credit.disclosures.rescoring import rescore_marked
    from credit.registry.tables import Institution
    from credit.seeding import ensure_agencies
    from credit.sharing.keys import issue_key
    from credit.timeutil import today

    use_engine(engine_for_url(database_url))
    await ensure_agencies()
    await rescore_marked(today())
    key = (await issue_key("market_regulation", "load-test")).key
    usccs = [r["uscc"] for r in await Institution.select(Institution.uscc).order_by(Institution.id).limit(50).run()]
    return key, usccs


def wrk(url: str, duration: int, connections: int, headers: dict[str, str] | None = None) -> dict[str, float]:
    command = ["wrk", "--latency", "-t", "2", "-c", str(connections), "-d", f"{duration}s", url]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50%"),
        "p99": latency("99%"),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + (sum(int(g) for g in sockets.groups()) if sockets else 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install -y wrk)")
    key, usccs = asyncio.run(prepare(args.database_url))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "SCHEDULER_ENABLED": "false",
        "RATE_LIMIT_PER_MINUTE": "0",
        "LOG_FORMAT": "json",
        "DB_POOL_SIZE": "10",
        "SIGNING_KEY_PATH": str(Path(tempfile.mkdtemp()) / "key.pem"),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "credit.cli", "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(1)
        scenarios = [
            ("portal: trivial /healthz", f"{base}/healthz", None),
            ("portal: search page", f"{base}/?district={usccs[0][2:8]}&sort=credit", None),
            ("portal: institution page", f"{base}/institutions/{usccs[0]}", None),
            ("api: institution profile", f"{base}/api/v1/institutions/{usccs[1]}", None),
            ("api: search", f"{base}/api/v1/institutions?level=B&page=3", None),
            ("agency: feed page of 500", f"{base}/api/v1/feed?after=0&limit=500", {"Authorization": f"Bearer {key}"}),
        ]
        print(f"{args.workers} uvicorn workers, wrk {args.connections} connections x {args.duration} s each")
        print(f"{'scenario':32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, url, headers in scenarios:
            figures = wrk(url, args.duration, args.connections, headers)
            print(f"{name:32} {figures['rps']:9.0f} {figures['p50']:8.1f} {figures['p99']:8.1f} {figures['errors']:7d}")
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
