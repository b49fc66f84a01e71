"""Benchmark: public portal pages against the national data set, measured with wrk against uvicorn.

Load the data first (bench/national_db.py) and rescore it (credit levels must be set), then
`.venv/bin/python bench/bench_portal.py --database-url sqlite:////tmp/portal_national.sqlite3`.

One uvicorn process serves the app; wrk measures, in the same run, a trivial endpoint of the same app
(/healthz), an institution page and search pages. Targets: an institution page at least 0.5x the trivial
endpoint's requests per second, a search page at least 0.3x. Prints requests/s, the ratios and p99 latencies.
Pages are served the way a visitor meets them: the first request renders, later ones within the same data
version come from the page store (see portal.public.caching). `--uncached` adds a run that visits 2,000
different homes, so most requests render (reported, no target).
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
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"institution": 0.5, "search": 0.3}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def sample(database_url: str, count: int) -> tuple[list[str], str, int]:
    """(USCCs of `count` institutions, the name fragment to search for, how many have no credit level)."""
    from credit.db import engine_for_url, use_engine
    from credit.registry.tables import Institution

    use_engine(engine_for_url(database_url))
    rows = await Institution.select(Institution.uscc, Institution.name).order_by(Institution.id).limit(count).run()
    unrated = await Institution.count().where(Institution.credit_level == "").run()
    return [r["uscc"] for r in rows], rows[0]["name"][:2], unrated


def wrk(url: str, seconds: int, connections: int, threads: int, script: Path | None = None,
        headers: list[str] = ()) -> dict[str, float]:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale, "errors": int(non_2xx.group(1)) if non_2xx else 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--gzip", action="store_true", help="send Accept-Encoding: gzip (pages compressed)")
    parser.add_argument("--uncached", action="store_true", help="also visit 2,000 different homes")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    usccs, fragment, unrated = asyncio.run(sample(args.database_url, 2000))
    if unrated:
        print(f"{unrated} institutions have no credit level yet: run credit.disclosures.rescoring.rescore_all "
              "on this database first", file=sys.stderr)
        return 2
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    env = {**os.environ, "DATABASE_URL": args.database_url, "SCHEDULER_ENABLED": "false",
           "SIGNING_KEY_PATH": str(folder / "key.pem"), "RATE_LIMIT_PER_MINUTE": "0", "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "credit.asgi:app", "--host", "127.0.0.1",
                               "--port", str(port), "--log-level", "warning", "--no-access-log"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        headers = ["Accept-Encoding: gzip"] if args.gzip else []
        pages = {
            "trivial /healthz": f"{base}/healthz",
            "institution": f"{base}/institutions/{usccs[0]}",
            "search (default: all homes by credit)": f"{base}/",
            "search (filters: level B, 3+ stars, 50-300 beds, by beds)":
                f"{base}/?level=B&min_grade=3&beds_min=50&beds_max=300&sort=beds",
            "search (name)": f"{base}/?q={quote(fragment)}",
        }
        results = {}
        for name, url in pages.items():
            urllib.request.urlopen(url, timeout=60).read()  # warm: the first request renders
            results[name] = wrk(url, args.seconds, args.connections, args.threads, headers=headers)
        if args.uncached:
            script = folder / "homes.lua"
            script.write_text("local homes = {" + ",".join(f'"{u}"' for u in usccs) + "}\n"
                              "request = function()\n  return wrk.format('GET', '/institutions/' .. "
                              "homes[math.random(#homes)])\nend\n")
            results["institution (2,000 different homes)"] = wrk(base + "/", args.seconds, args.connections,
                                                                 args.threads, script=script, headers=headers)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
    trivial = results["trivial /healthz"]["rps"]
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, one uvicorn worker"
          f"{', gzip' if args.gzip else ''}, {args.database_url}")
    print(f"{'page':58} {'req/s':>9} {'ratio':>7} {'p99 ms':>8} {'non-2xx':>8}")
    failed = False
    for name, r in results.items():
        ratio = r["rps"] / trivial
        target = next((t for key, t in TARGETS.items() if name.startswith(key)), None)
        verdict = ""
        if target is not None and not name.endswith("homes)"):
            verdict = f"  (target {target}x: {'ok' if ratio >= target else 'MISSED'})"
            failed |= ratio < target
        print(f"{name:58} {r['rps']:9.0f} {ratio:7.2f} {r['p99_ms']:8.2f} {r['errors']:8d}{verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
