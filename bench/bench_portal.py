"""Benchmark: the public read side as a visitor population meets it, measured with wrk against uvicorn.

`.venv/bin/python bench/bench_portal.py [--database-url URL] [--workers N]`

In one run against one server (one uvicorn worker by default; `--workers 2` for PostgreSQL) wrk measures:
- `/healthz`, the trivial endpoint of the same app, the yardstick every ratio is taken against;
- an institution page, a different home for every request, drawn at random over ALL homes of the data set
  (a wrk Lua script reads the list of USCCs); the pages are rendered ahead by the render_pages job first, as the
  scheduler does (`--live-pages`: every page rendered per request instead);
- the same through the API profile (`GET /api/v1/institutions/{uscc}`);
- at least 300 varied searches (name fragments, pinyin and initials, districts, levels, grades, sorts, pages) on
  the portal, and the same searches through the API.
It prints req/s, p50 and p99 latency, non-2xx answers, the ratio to /healthz with the targets of issue 14, and
each worker's resident memory after the run.

Data: without `--database-url` the national data set (bench/national_db.py, ~41,000 homes) is generated once into
/tmp/eldercredit_national.sqlite3, rescored and indexed for search; later runs reuse the file. A database given with
`--database-url` must already be loaded (bench/national_db.py) — the script rescores it and reindexes it for
search only if its levels are missing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = Path("/tmp/eldercredit_national.sqlite3")
TARGETS = {"institution page": 0.5, "API profile": 0.5, "search page": 0.3}  # ratios to /healthz (issue 14)
SEARCHES = 320
LEVELS = ("A", "B", "C", "D")
SORTS = ("credit", "grade", "beds", "name")

# Each thread picks its own random sequence; `paths` is read from the file named in the script.
LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  math.randomseed(os.time() * 1000 + (id or 0))
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args: list[str], env: dict[str, str]) -> None:
    print("$", " ".join(args), flush=True)
    subprocess.run(args, check=True, cwd=ROOT, env=env)


def prepare(database_url: str, env: dict[str, str], render_ahead: bool = True) -> None:
    """Generate the national data set if the default file is missing; rescore and index it when needed; render
    the pages ahead of visitors (the scheduled render_pages job), unless `render_ahead` is off."""
    if database_url == f"sqlite:///{DEFAULT_DB}" and not DEFAULT_DB.exists():
        run([sys.executable, "bench/national_db.py", "--database-url", database_url], env)
    run([sys.executable, "-m", "credit.cli", "migrate"], env)  # a file made by older code gains the new tables
    unrated, indexed = asyncio.run(_state(database_url))
    if unrated:
        run([sys.executable, "-m", "credit.cli", "jobs", "run", "rescore_all"], env)
    if indexed is not None and not indexed:
        run([sys.executable, "-m", "credit.cli", "jobs", "run", "reindex"], env)
    if render_ahead:  # renders only the pages whose stored copy is not current (all of them the first time)
        run([sys.executable, "-m", "credit.cli", "jobs", "run", "render_pages"], env)


async def _state(database_url: str) -> tuple[int, int | None]:
    """(institutions without a public row, rows in the search index or None when the code has none)."""
    from credit.db import engine_for_url, use_engine
    from credit.registry.tables import Institution

    use_engine(engine_for_url(database_url))
    rows = await Institution.raw(
        "SELECT count(*) AS n FROM institution i LEFT JOIN public_profile p ON p.institution = i.id "
        "WHERE p.institution IS NULL"
    ).run()
    unrated = rows[0]["n"]
    try:
        from credit.search.tables import InstitutionSearch
    except ImportError:  # code from before the search index
        return unrated, None
    return unrated, await InstitutionSearch.count().run()


async def _homes(database_url: str) -> list[dict]:
    from credit.db import engine_for_url, use_engine
    from credit.registry.tables import Institution

    use_engine(engine_for_url(database_url))
    return await Institution.select(Institution.uscc, Institution.name, Institution.district_code).run()


def search_params(homes: list[dict], count: int, rng: random.Random) -> list[dict[str, str]]:
    """`count` varied searches a visitor population would type: a fragment of a name (2-4 characters), its
    pinyin or initials, a USCC prefix, a district, a level, a grade, a sort and a page, in varied combinations."""
    from pypinyin import Style, lazy_pinyin

    searches: list[dict[str, str]] = []
    districts = sorted({h["district_code"] for h in homes})
    while len(searches) < count:
        home = rng.choice(homes)
        name = home["name"]
        kind = len(searches) % 8
        params: dict[str, str] = {}
        if kind in (0, 1):  # a fragment of a name
            size = rng.randint(2, 4)
            start = rng.randrange(max(len(name) - size, 0) + 1)
            params["q"] = name[start : start + size]
        elif kind == 2:  # full pinyin of a fragment
            start = rng.randrange(max(len(name) - 2, 0) + 1)
            params["q"] = "".join(lazy_pinyin(name[start : start + 2]))
        elif kind == 3:  # initials of the whole name
            params["q"] = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))[: rng.randint(2, 4)]
        elif kind == 4:  # a USCC prefix
            params["q"] = home["uscc"][: rng.randint(6, 12)]
        elif kind == 5:  # a district, maybe with a level
            params["district"] = rng.choice(districts)
            if rng.random() < 0.5:
                params["level"] = rng.choice(LEVELS)
        elif kind == 6:  # a level and a grade, no text
            params["level"] = rng.choice(LEVELS)
            params["min_grade"] = str(rng.randint(1, 5))
        else:  # a fragment with a filter
            params["q"] = name[:2]
            params["level"] = rng.choice(LEVELS)
        if rng.random() < 0.4:
            params["page"] = str(rng.randint(2, 5))
        if rng.random() < 0.3:
            params["sort"] = rng.choice(SORTS)
        searches.append(params)
    return searches


def write_paths(folder: Path, name: str, paths: list[str]) -> Path:
    (folder / f"{name}.txt").write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = folder / f"{name}.lua"
    script.write_text(LUA % (folder / f"{name}.txt"), encoding="utf-8")
    return script


def latency_ms(output: str, percent: str) -> float:
    found = re.search(rf"\b{percent}%\s+([\d.]+)(us|ms|s)\b", output)
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]


def wrk(base: str, seconds: int, connections: int, threads: int, script: Path | None) -> dict[str, float]:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, base], capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency_ms(output, "50"),
        "p99": latency_ms(output, "99"),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + (sum(int(g) for g in errors.groups()) if errors else 0),
    }


def worker_rss_mib(server_pid: int, workers: int) -> list[float]:
    """Resident memory of each process serving requests: the server itself (one worker) or its children."""
    pids = [server_pid]
    if workers > 1:
        children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
        pids = [
            int(p)
            for p in children
            if "resource_tracker" not in Path(f"/proc/{p}/cmdline").read_bytes().decode(errors="replace")
        ]
    sizes = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


def check(base: str, path: str) -> None:
    """One request of each kind before measuring: a broken path would only show up as non-2xx later."""
    with urllib.request.urlopen(base + path, timeout=120) as answer:
        answer.read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=f"sqlite:///{DEFAULT_DB}")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--live-pages",
        action="store_true",
        help="do not render pages ahead: every institution page rendered per request",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "SCHEDULER_ENABLED": "false",
        "SIGNING_KEY_PATH": str(folder / "key.pem"),
        "RATE_LIMIT_PER_MINUTE": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    if args.live_pages:
        env["STORED_PAGE_VARIANTS"] = ""  # the handler does not look for stored pages either
    prepare(args.database_url, env, render_ahead=not args.live_pages)
    homes = asyncio.run(_homes(args.database_url))
    rng = random.Random(args.seed)
    searches = search_params(homes, SEARCHES, rng)
    scripts = {
        "institution page": write_paths(folder, "pages", [f"/institutions/{h['uscc']}" for h in homes]),
        "API profile": write_paths(folder, "profiles", [f"/api/v1/institutions/{h['uscc']}" for h in homes]),
        "search page": write_paths(folder, "searches", [f"/?{urlencode(s)}" for s in searches]),
        "API search": write_paths(
            folder,
            "api_searches",
            [f"/api/v1/institutions?{urlencode({k: v for k, v in s.items() if k != 'sort'})}" for s in searches],
        ),
    }
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "credit.asgi:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    if args.workers > 1:
        command += ["--workers", str(args.workers)]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    results: dict[str, dict[str, float]] = {}
    try:
        for _ in range(600):
            try:
                check(base, "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        for path in (
            f"/institutions/{homes[0]['uscc']}",
            f"/api/v1/institutions/{homes[0]['uscc']}",
            f"/?{urlencode(searches[0])}",
            f"/api/v1/institutions?{urlencode(searches[0])}",
        ):
            check(base, path)
        results["/healthz"] = wrk(base + "/healthz", args.seconds, args.connections, args.threads, None)
        for name, script in scripts.items():
            results[name] = wrk(base + "/", args.seconds, args.connections, args.threads, script)
        rss = worker_rss_mib(server.pid, args.workers)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    trivial = results["/healthz"]["rps"]
    engine = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(
        f"\n{len(homes):,} homes, {engine}, {args.workers} uvicorn worker(s), wrk -t{args.threads} "
        f"-c{args.connections} -d{args.seconds}s; every request a random home / one of {len(searches)} searches"
    )
    print(f"{'workload':28} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'errors':>7} {'ratio':>7}")
    missed = False
    for name, r in results.items():
        ratio = r["rps"] / trivial
        target = TARGETS.get(name)
        verdict = f"  target {target}: {'ok' if ratio >= target else 'MISSED'}" if target else ""
        missed |= bool(target) and ratio < target
        print(f"{name:28} {r['rps']:9.0f} {r['p50']:9.2f} {r['p99']:9.2f} {int(r['errors']):7d} {ratio:7.3f}{verdict}")
    print("worker RSS after the run: " + ", ".join(f"{m:.0f} MiB" for m in rss) + " (target < 300 MiB)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
