"""`make bench`: run every benchmark, print each one's figures, and write bench/out/RESULTS.md.

Needs a PostgreSQL server (BENCH_POSTGRES, default postgresql://postgres@127.0.0.1:5432; the databases
bench_* are created and dropped) and wrk for the HTTP benchmarks. The national data set is generated into
SQLite and PostgreSQL (a few minutes each) unless --reuse finds it from an earlier run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {int(memory) / 2**20:.0f} GiB, Python {platform.python_version()}, "
        f"{postgres}, {platform.system()} {platform.release()}"
    )


def psql(server: str, sql: str) -> None:
    subprocess.run(["psql", f"{server}/postgres", "-q", "-c", sql], check=True)


def run(title: str, args: list[str], rows: list[tuple[str, str]], env: dict[str, str] | None = None) -> None:
    print(f"\n== {title}\n$ {' '.join(args)}", flush=True)
    started = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})})
    output = (result.stdout + ("" if result.returncode == 0 else result.stderr[-2000:])).strip()
    print(output, flush=True)
    figures = "<br>".join(line.strip() for line in output.splitlines() if line.strip()) or "(no output)"
    rows.append((title, f"{figures} ({time.perf_counter() - started:.0f} s wall)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="keep national databases made by an earlier run")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432"))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    national_sqlite = OUT / "national.sqlite3"
    national_pg = f"{args.postgres}/bench_national"
    rows: list[tuple[str, str]] = []
    os.environ.setdefault("SIGNING_KEY_PATH", str(OUT / "bench-key.pem"))

    run("scoring: 41,000 institutions, ~1,000,000 records", [PY, "bench/bench_scoring.py"], rows)
    if not (args.reuse and national_sqlite.exists()):
        for leftover in OUT.glob("national.sqlite3*"):
            leftover.unlink()
        run(
            "national data set into SQLite",
            [PY, "bench/national_db.py", "--database-url", f"sqlite:///{national_sqlite}"],
            rows,
        )
    run(
        "rescore the national data set (SQLite)",
        [PY, "-m", "credit.cli", "jobs", "run", "rescore_all"],
        rows,
        env={"DATABASE_URL": f"sqlite:///{national_sqlite}"},
    )
    run(
        "disclosure of 41,000 institutions (SQLite)",
        [PY, "bench/bench_disclosure.py", "--database-url", f"sqlite:///{national_sqlite}"],
        rows,
    )
    feed_sqlite = OUT / "feed.sqlite3"
    for leftover in OUT.glob("feed.sqlite3*"):
        leftover.unlink()
    run(
        "feed page of 500, 1M then 10M events (SQLite)",
        [PY, "bench/bench_feed.py", "--database-url", f"sqlite:///{feed_sqlite}"],
        rows,
    )
    for leftover in OUT.glob("feed.sqlite3*"):
        leftover.unlink()
    psql(args.postgres, "DROP DATABASE IF EXISTS bench_feed")
    psql(args.postgres, "CREATE DATABASE bench_feed")
    run(
        "feed page of 500, 1M then 10M events (PostgreSQL)",
        [PY, "bench/bench_feed.py", "--database-url", f"{args.postgres}/bench_feed"],
        rows,
    )
    psql(args.postgres, "DROP DATABASE IF EXISTS bench_feed")
    psql(args.postgres, "DROP DATABASE IF EXISTS bench_reports")
    psql(args.postgres, "CREATE DATABASE bench_reports")
    run(
        "10,000 penalty reports by 7 agencies (PostgreSQL)",
        [PY, "bench/bench_reports.py", "--database-url", f"{args.postgres}/bench_reports"],
        rows,
    )
    psql(args.postgres, "DROP DATABASE IF EXISTS bench_reports")
    if not args.reuse:
        psql(args.postgres, "DROP DATABASE IF EXISTS bench_national")
        psql(args.postgres, "CREATE DATABASE bench_national")
        run("national data set into PostgreSQL", [PY, "bench/national_db.py", "--database-url", national_pg], rows)
    run(
        "rescore the national data set (PostgreSQL)",
        [PY, "-m", "credit.cli", "jobs", "run", "rescore_all"],
        rows,
        env={"DATABASE_URL": national_pg},
    )
    run(
        "disclosure of 41,000 institutions (PostgreSQL)",
        [PY, "bench/bench_disclosure.py", "--database-url", national_pg],
        rows,
    )
    if shutil.which("wrk"):
        run(
            "portal pages vs /healthz (wrk, SQLite national)",
            [PY, "bench/bench_portal.py", "--database-url", f"sqlite:///{national_sqlite}"],
            rows,
        )
        run(
            "load: portal and agency API, 2 workers (wrk, PostgreSQL national)",
            [PY, "bench/bench_load.py", "--database-url", national_pg],
            rows,
        )
    else:
        rows.append(("HTTP benchmarks", "skipped: wrk is not installed (apt-get install -y wrk)"))

    table = ["| benchmark | figures |", "|---|---|"] + [f"| {t} | {f.replace('|', '/')} |" for t, f in rows]
    report = (
        f"# Benchmark results\n\nMeasured {datetime.date.today()} on {machine()}.\n"
        f"Reproduce with `make bench` (or `make bench BENCH_ARGS=--reuse`).\n\n" + "\n".join(table) + "\n"
    )
    (OUT / "RESULTS.md").write_text(report, encoding="utf-8")
    print("\n" + report)


if __name__ == "__main__":
    main()
