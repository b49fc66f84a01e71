"""Fault injection on PostgreSQL: concurrent schedulers, a database restart under load, kill -9 mid-import
and mid-publication, and (e, bench/standby.py) the portal read from a real streaming standby with the primary
stopped. Small data (the demo city); it creates and drops its own databases next to the given one.

`.venv/bin/python bench/faults.py --database-url postgresql://postgres@127.0.0.1:5432/ec_fault_main
[--only a,b,c,d,e] [--keep]`

Prints one line per scenario: PASS/FAIL and the figures. The database of --database-url is dropped and
recreated; the others are named after it (`<name>_import_a`, ...). The PostgreSQL restart (b) restarts the
local cluster with pg_ctlcluster and makes sure it runs again at the end, whatever happened.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import csv
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ELDERCREDIT = [sys.executable, "-m", "credit.cli"]
WORK_DIR = Path(tempfile.mkdtemp(prefix="eldercredit-faults-"))
BASE_ENV = {
    **os.environ,
    "SCHEDULER_ENABLED": "false",
    "RATE_LIMIT_PER_MINUTE": "0",
    "COLUMNS": "200",
    "ELDERCREDIT_DATA_DIR": str(WORK_DIR),
    "SIGNING_KEY_PATH": str(WORK_DIR / "signing-key.pem"),
    "LOG_FORMAT": "text",
}
RESULTS: list[tuple[str, bool, str]] = []


# ---------------------------------------------------------------------------------------------- helpers


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


class Databases:
    """Create and drop the scenario databases through the server's `postgres` database."""

    def __init__(self, main_url: str):
        self.main_url = main_url
        self.admin_url = with_database(main_url, "postgres")
        self.created: list[str] = []

    def url(self, suffix: str = "") -> str:
        name = database_name(self.main_url) + (f"_{suffix}" if suffix else "")
        return with_database(self.main_url, name)

    def fresh(self, suffix: str = "") -> str:
        url = self.url(suffix)
        name = database_name(url)
        asyncio.run(
            admin(self.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
        )
        self.created.append(name)
        return url

    def drop_all(self, keep_main: bool) -> None:
        names = [n for n in self.created if not (keep_main and n == database_name(self.main_url))]
        for name in dict.fromkeys(names):
            try:
                asyncio.run(admin(self.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            except Exception as error:  # noqa: BLE001 - cleaning up; say so and go on
                print(f"  (could not drop {name}: {error})")


async def admin(url: str, *statements: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def fetch(url: str, query: str, *args) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetch(query, *args)
    finally:
        await connection.close()


def scalar(url: str, query: str, *args):
    rows = asyncio.run(fetch(url, query, *args))
    return rows[0][0] if rows else None


def cli(url: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*ELDERCREDIT, *args], env={**BASE_ENV, "DATABASE_URL": url}, capture_output=True, text=True, timeout=timeout
    )


def must(result: subprocess.CompletedProcess, what: str) -> subprocess.CompletedProcess:
    if result.returncode != 0:
        raise RuntimeError(f"{what} exited {result.returncode}: {(result.stdout + result.stderr)[-800:]}")
    return result


def demo_city(url: str) -> int:
    must(cli(url, "migrate"), "migrate")
    must(cli(url, "seed", "--demo"), "seed --demo")
    return scalar(url, "SELECT count(*) FROM institution")


def report(name: str, ok: bool, figures: str) -> None:
    RESULTS.append((name, ok, figures))
    print(f"{'PASS' if ok else 'FAIL'} {name}: {figures}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cluster_version() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def pg_ctl(action: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main", action],
        capture_output=True,
        text=True,
        timeout=120,
    )


def ensure_postgres_running(url: str) -> str:
    """Start the cluster when it is down; wait until it answers. Returns what was done."""
    if pg_ctl("status").returncode != 0:
        started = pg_ctl("start")
        done = f"started it again (pg_ctlcluster start exit {started.returncode})"
    else:
        done = "it was running"
    for _ in range(100):
        try:
            scalar(url, "SELECT 1")
            return done
        except Exception:  # noqa: BLE001 - waiting for the server
            time.sleep(0.2)
    return done + "; but it does not answer"


# ------------------------------------------------------------------- a. two schedulers, a simulated week


def two_schedulers(url: str, week_start: date) -> None:
    outcomes = collections.Counter()
    per_day = {}
    for offset in range(7):
        day = week_start + timedelta(days=offset)
        at = f"{day.isoformat()}T02:00:00+08:00"
        processes = [
            subprocess.Popen(
                [*ELDERCREDIT, "jobs", "run", "publish_disclosure", "--at", at],
                env={**BASE_ENV, "DATABASE_URL": url},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = []
        for process in processes:
            out, err = process.communicate(timeout=300)
            word = next(
                (w for w in ("succeeded", "skipped", "failed") if f"publish_disclosure: {w}" in out),
                f"exit {process.returncode}: {(out + err).strip()[-200:]}",
            )
            results.append(word)
            outcomes[word.split(":")[0]] += 1
        per_day[day] = sorted(results)
    disclosures = scalar(url, "SELECT count(*) FROM disclosure")
    runs = asyncio.run(
        fetch(
            url,
            "SELECT slot, status, count(*) AS n FROM job_run WHERE job = 'publish_disclosure' "
            "GROUP BY slot, status ORDER BY slot",
        )
    )
    days_ok = all(r == ["skipped", "succeeded"] for r in per_day.values())
    rows_ok = (
        len(runs) == 7
        and all(r["status"] == "succeeded" and r["n"] == 1 for r in runs)
        and {r["slot"] for r in runs} == {d.isoformat() for d in per_day}
    )
    verified = cli(url, "disclosures", "verify", "--stored")
    verify_ok = verified.returncode == 0 and "verified" in verified.stdout
    bad_days = {str(d): r for d, r in per_day.items() if r != ["skipped", "succeeded"]}
    report(
        "a. two schedulers x 7 days",
        days_ok and rows_ok and disclosures == 7 and verify_ok,
        f"{disclosures} disclosures; job_run rows {[(r['slot'], r['status'], r['n']) for r in runs]}; "
        f"process outcomes {dict(outcomes)}{f'; odd days {bad_days}' if bad_days else ''}; "
        f"verify --stored {'ok' if verify_ok else 'FAILED: ' + (verified.stdout + verified.stderr)[-400:]}",
    )


# ------------------------------------------------------------------- b. PostgreSQL restarted under load


async def hammer(base: str, seconds: float, restart_at: float, pages: int, concurrency: int = 4):
    """Requests until `seconds` have passed; the restart runs in a thread at `restart_at`."""
    log: list[tuple[float, str, str, float]] = []  # (time since start, path kind, outcome, seconds taken)
    started = time.perf_counter()
    restart: dict[str, float | str] = {}

    async def do_restart():
        await asyncio.sleep(restart_at)
        restart["began"] = time.perf_counter() - started
        result = await asyncio.to_thread(pg_ctl, "restart")
        restart["ended"] = time.perf_counter() - started
        restart["result"] = f"exit {result.returncode} {result.stderr.strip()[-200:]}"

    async def worker(number: int, client: httpx.AsyncClient):
        rng = random.Random(number)
        i = 0
        while time.perf_counter() - started < seconds:
            i += 1
            kind = "readyz" if i % 3 == 0 else "institutions"
            path = "/readyz" if kind == "readyz" else f"/api/v1/institutions?page={rng.randint(1, pages)}"
            at = time.perf_counter() - started
            try:
                response = await client.get(path)
                status = response.status_code
                content_type = response.headers.get("content-type", "")
                if status == 200:
                    outcome = "200"
                elif kind == "readyz" and status == 503:
                    outcome = "503 readyz (clean)"
                elif status >= 500 and content_type.startswith("application/problem+json"):
                    outcome = f"{status} problem+json (clean)"
                else:
                    outcome = f"{status} {content_type or 'no content-type'} UNCLEAN: {response.text[:120]!r}"
            except httpx.TimeoutException as error:
                outcome = f"timeout/hang UNCLEAN ({type(error).__name__})"
            except httpx.TransportError as error:
                outcome = f"connection error ({type(error).__name__})"
            log.append((at, kind, outcome, time.perf_counter() - started - at))
            await asyncio.sleep(0.01)

    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        await asyncio.gather(do_restart(), *(worker(n, client) for n in range(concurrency)))
    return log, restart


def restart_under_load(url: str) -> None:
    port = free_port()
    homes = scalar(url, "SELECT count(*) FROM institution")
    pages = max(1, (homes + 19) // 20)
    server = subprocess.Popen(
        [*ELDERCREDIT, "serve", "--workers", "2", "--port", str(port)],
        env={**BASE_ENV, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=open(WORK_DIR / "serve.log", "w"),  # noqa: SIM115 (the server writes it until stopped)
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            report("b. PostgreSQL restart under load", False, "the app did not become ready within 60 s")
            return
        log, restart = asyncio.run(hammer(base, seconds=20, restart_at=7, pages=pages))
        app_alive = server.poll() is None
    finally:
        state = ensure_postgres_running(url)
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    counts = collections.Counter(outcome for _, _, outcome, _ in log)
    by_kind = collections.Counter((kind, outcome) for _, kind, outcome, _ in log if outcome != "200")
    slowest = max(log, key=lambda entry: entry[3]) if log else None
    unclean = {o: n for o, n in counts.items() if "UNCLEAN" in o}
    connection_errors = sum(n for o, n in counts.items() if o.startswith("connection error"))
    tail = log[-40:]
    recovered = bool(tail) and all(o == "200" for _, _, o, _ in tail) and tail[0][0] > restart.get("ended", 1e9)
    failures = [(at, o) for at, _, o, _ in log if o != "200"]
    first_failure = f"{failures[0][0]:.1f}" if failures else "-"
    last_failure = failures[-1][0] if failures else None
    first_ok_after = next((at for at, _, o, _ in log if o == "200" and at > restart.get("ended", 1e9)), None)
    report(
        "b. PostgreSQL restart under load",
        not unclean and recovered and app_alive,
        f"{len(log)} requests in 20 s; outcomes {dict(counts)}; failures by path {dict(by_kind)}; "
        f"restart {restart.get('began', 0):.1f}-{restart.get('ended', 0):.1f} s ({restart.get('result')}); "
        f"failures from {first_failure} s to {f'{last_failure:.1f}' if last_failure is not None else '-'} s; "
        f"slowest request {slowest[3]:.2f} s ({slowest[1]} sent at {slowest[0]:.1f} s: {slowest[2]}); "
        f"first 200 after restart at {f'{first_ok_after:.1f}' if first_ok_after else 'never'} s; "
        f"last {len(tail)} requests all 200: {recovered}; connection errors {connection_errors}; "
        f"app process alive: {app_alive}; PostgreSQL afterwards: {state}; server log {WORK_DIR / 'serve.log'}",
    )


# ------------------------------------------------------------------------ c. kill -9 during an import


def write_institutions_csv(path: Path, count: int) -> None:
    from stdnum.cn import uscc

    from credit.registry.districts import DISTRICTS

    districts = sorted(DISTRICTS)
    rng = random.Random(3000)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "机构名称",
                "统一社会信用代码",
                "区县代码",
                "地址",
                "床位数",
                "机构性质",
                "法定代表人",
                "联系电话",
                "成立日期",
            ]
        )
        for n in range(1, count + 1):
            district = districts[n % len(districts)]
            body = f"52{district}{n:09d}"
            writer.writerow(
                [
                    f"故障测试第{n}号养老院",
                    body + uscc.calc_check_digit(body),
                    district,
                    f"测试路{n}号",
                    rng.randint(20, 400),
                    rng.choice(["公办", "民办非企业", "企业", "公建民营"]),
                    f"法人{n}",
                    f"0519-{8000000 + n}",
                    (date(2000, 1, 1) + timedelta(days=n)).isoformat(),
                ]
            )


async def watch_import(url: str, path: Path, kill_after: float | None) -> dict:
    """Run the import; poll the institution count and the import's open transaction every 50 ms; kill -9
    the process `kill_after` seconds after it started, but not before it has been seen writing."""
    env = {**BASE_ENV, "DATABASE_URL": url}
    watcher = await asyncpg.connect(url)
    seen_counts: collections.Counter = collections.Counter()
    first_writing = None
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *ELDERCREDIT, "import", str(path), env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    killed_at = None
    writing_at_kill = False
    try:
        while process.returncode is None:
            seen_counts[await watcher.fetchval("SELECT count(*) FROM institution")] += 1
            writing = await watcher.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND backend_xid IS NOT NULL"
            )
            elapsed = time.perf_counter() - started
            if writing and first_writing is None:
                first_writing = elapsed
            if kill_after is not None and killed_at is None and first_writing is not None and elapsed >= kill_after:
                writing_at_kill = bool(writing)
                process.send_signal(signal.SIGKILL)
                killed_at = elapsed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 0.05)
        out, err = await process.communicate()
        duration = time.perf_counter() - started
        # The server notices the dead client and rolls its transaction back; wait for the backend to go.
        for _ in range(100):
            if not await watcher.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ):
                break
            await asyncio.sleep(0.1)
        seen_counts[await watcher.fetchval("SELECT count(*) FROM institution")] += 1
        final = await watcher.fetchval("SELECT count(*) FROM institution")
        audit = await watcher.fetchval("SELECT count(*) FROM audit_entry")
    finally:
        await watcher.close()
    return {
        "returncode": process.returncode,
        "duration": duration,
        "first_writing": first_writing,
        "killed_at": killed_at,
        "writing_at_kill": writing_at_kill,
        "seen": dict(seen_counts),
        "final": final,
        "audit": audit,
        "output": (out.decode() + err.decode()).strip()[-300:],
    }


def kill_during_import(dbs: Databases, rows: int = 3000) -> None:
    path = WORK_DIR / "institutions-3000.csv"
    write_institutions_csv(path, rows)
    measured_url = dbs.fresh("import_a")
    must(cli(measured_url, "migrate"), "migrate")
    normal = asyncio.run(watch_import(measured_url, path, None))
    if normal["returncode"] != 0 or normal["final"] != rows:
        report("c. kill -9 during an import", False, f"the normal import failed: {normal}")
        return
    url = dbs.fresh("import_b")
    must(cli(url, "migrate"), "migrate")
    # Kill at 70% of the normal duration, or once it is seen writing if that is later.
    killed = asyncio.run(watch_import(url, path, kill_after=0.7 * normal["duration"]))
    counts_seen = sorted(killed["seen"])
    never_between = all(c in (0, rows) for c in counts_seen)
    outcome = (
        "rolled back (0)"
        if killed["final"] == 0
        else "had already committed (3000)"
        if killed["final"] == rows
        else f"PARTIAL ({killed['final']})"
    )
    rerun = cli(url, "import", str(path))
    after = scalar(url, "SELECT count(*) FROM institution")
    audit_ok = cli(url, "audit", "verify")
    ok = (
        killed["returncode"] == -signal.SIGKILL
        and never_between
        and killed["final"] in (0, rows)
        and (rerun.returncode == 0 and after == rows if killed["final"] == 0 else after == rows)
        and audit_ok.returncode == 0
    )
    report(
        "c. kill -9 during an import",
        ok,
        f"normal run {normal['duration']:.2f} s (writing from {normal['first_writing']:.2f} s, "
        f"{normal['audit']} audit entries); killed at {killed['killed_at']:.2f} s (writing from "
        f"{killed['first_writing']:.2f} s, transaction open at kill: {killed['writing_at_kill']}, "
        f"exit {killed['returncode']}); institution counts seen while it ran {counts_seen} -> {outcome}; "
        f"audit entries after kill {killed['audit']}; rerun exit {rerun.returncode} -> {after} institutions; "
        f"audit verify: {audit_ok.stdout.strip() or audit_ok.stderr.strip()}",
    )


# -------------------------------------------------------------------- d. kill -9 during a publication


def kill_during_publication(dbs: Databases) -> None:
    from credit.timeutil import today

    url = dbs.fresh("publish")
    homes = demo_city(url)
    day = today()
    # Measure a run on a copy, so the kill target is untouched.
    measured_url = dbs.url("publish_measure")
    asyncio.run(
        admin(
            dbs.admin_url,
            f'DROP DATABASE IF EXISTS "{database_name(measured_url)}" WITH (FORCE)',
            f'CREATE DATABASE "{database_name(measured_url)}" TEMPLATE "{database_name(url)}"',
        )
    )
    dbs.created.append(database_name(measured_url))
    # `eldercredit jobs run publish_disclosure` (a manual run) is what is killed; if it cannot run at all on
    # PostgreSQL, say so and kill the same publication started directly (the job's work, without the claim).
    command = [*ELDERCREDIT, "jobs", "run", "publish_disclosure"]
    measured = cli(measured_url, "jobs", "run", "publish_disclosure")
    if measured.returncode != 0:
        report(
            "d0. manual `eldercredit jobs run publish_disclosure` on PostgreSQL",
            False,
            f"exit {measured.returncode}: {' '.join((measured.stdout + measured.stderr).split())[-300:]}",
        )
        command = [
            sys.executable,
            "-c",
            "import asyncio\n"
            "from credit.disclosures.jobs import publish_disclosure\n"
            "from credit.timeutil import today\n"
            "print('publish_disclosure:', asyncio.run(publish_disclosure(today())))\n",
        ]
    # A fresh copy again for the timed run (the day is now published on the first one).
    asyncio.run(
        admin(
            dbs.admin_url,
            f'DROP DATABASE "{database_name(measured_url)}" WITH (FORCE)',
            f'CREATE DATABASE "{database_name(measured_url)}" TEMPLATE "{database_name(url)}"',
        )
    )
    measure = asyncio.run(run_watched(measured_url, command, None, None))
    if measure["returncode"] != 0 or measure["connected"] is None:
        raise RuntimeError(f"the measured publication failed: {measure}")
    work = measure["duration"] - measure["connected"]

    attempts = []
    for fraction in (0.3, 0.6, 0.9):
        attempt = asyncio.run(run_watched(url, command, fraction * work, day))
        attempts.append(attempt)
        if attempt["returncode"] == -signal.SIGKILL and attempt["rows"] == 0:
            break  # killed before its commit: the rerun below publishes the day
        if attempt["rows"]:
            break  # it committed before the kill: nothing left to kill on this database
    before_commit = [a for a in attempts if a["returncode"] == -signal.SIGKILL and a["rows"] == 0]
    partial = [a for a in attempts if a["rows"] not in (0, 1)]
    stale_claims = scalar(url, "SELECT count(*) FROM job_run WHERE job = 'publish_disclosure' AND status = 'running'")
    rerun = subprocess.run(command, env={**BASE_ENV, "DATABASE_URL": url}, capture_output=True, text=True, timeout=600)
    # The rerun must have published the day itself (not found it already published by a killed run).
    rerun_created = "already published" not in rerun.stdout
    published = scalar(url, "SELECT count(*) FROM disclosure WHERE day = $1", day)
    verified = cli(url, "disclosures", "verify", "--stored")
    ok = (
        bool(before_commit)
        and not partial
        and rerun.returncode == 0
        and rerun_created
        and published == 1
        and verified.returncode == 0
    )
    report(
        "d. kill -9 during a publication",
        ok,
        f"{homes} institutions; killed and rerun: "
        f"{'eldercredit jobs run' if command[1] == '-m' else 'the job work directly (python -c)'}; "
        f"measured run {measure['duration']:.2f} s "
        f"(connected at {measure['connected']:.2f} s, so {work:.2f} s of work); kills (s after connecting, exit, "
        f"disclosure rows for {day}) {[(round(a['kill_after'], 2), a['returncode'], a['rows']) for a in attempts]}; "
        f"{len(before_commit)} landed before the commit; claims left 'running' by the killed runs "
        f"{stale_claims}; rerun: {rerun.stdout.strip()[-120:]}; rows for the day {published}; "
        f"verify --stored: {'ok' if verified.returncode == 0 else (verified.stdout + verified.stderr)[-300:]}",
    )

    # The same kill on a scheduled run (--at): its claim stays 'running'. While the claim is fresh nobody can tell a
    # killed process from a slow one, so the same slot is skipped; once it is older than STALE_AFTER (aged here
    # instead of waiting an hour) the next claimant takes it over and publishes the day.
    next_day = day + timedelta(days=1)
    at = f"{next_day.isoformat()}T02:00:00+08:00"
    process = subprocess.Popen(
        [*ELDERCREDIT, "jobs", "run", "publish_disclosure", "--at", at],
        env={**BASE_ENV, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(measure["connected"] + 0.1 * work)
    process.send_signal(signal.SIGKILL)
    process.wait()
    published_by_killed = scalar(url, "SELECT count(*) FROM disclosure WHERE day = $1", next_day)
    fresh = cli(url, "jobs", "run", "publish_disclosure", "--at", at)
    asyncio.run(
        admin(
            url,
            "UPDATE job_run SET started_at = started_at - interval '2 hours' "
            f"WHERE job = 'publish_disclosure' AND slot = '{next_day.isoformat()}' AND status = 'running'",
        )
    )
    aged = cli(url, "jobs", "run", "publish_disclosure", "--at", at)
    rows = scalar(url, "SELECT count(*) FROM disclosure WHERE day = $1", next_day)
    ok = "skipped" in fresh.stdout and aged.returncode == 0 and rows == 1
    report(
        "d2. scheduled run (--at) killed half-way",
        ok,
        f"killed run published {published_by_killed}; rerun while its claim is fresh: {fresh.stdout.strip()[-60:]!r}; "
        f"after the claim aged past STALE_AFTER: {aged.stdout.strip()[-80:]!r}; disclosures for {next_day}: {rows}",
    )


async def run_watched(url: str, command: list[str], kill_after: float | None, day: date | None) -> dict:
    """Run `command`; note when it first has a connection to the database; kill -9 it `kill_after` seconds
    after that. Returns its exit code, timings and (with `day`) the disclosure rows for the day afterwards."""
    watcher = await asyncpg.connect(url)
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command,
        env={**BASE_ENV, "DATABASE_URL": url},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    connected = None
    try:
        while process.returncode is None:
            elapsed = time.perf_counter() - started
            if connected is None and await watcher.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ):
                connected = elapsed
            if kill_after is not None and connected is not None and elapsed >= connected + kill_after:
                process.send_signal(signal.SIGKILL)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 0.01)
        duration = time.perf_counter() - started
        for _ in range(100):  # until the server has dropped the dead client's session
            if not await watcher.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ):
                break
            await asyncio.sleep(0.1)
        rows = await watcher.fetchval("SELECT count(*) FROM disclosure WHERE day = $1", day) if day else None
    finally:
        await watcher.close()
    return {
        "returncode": process.returncode,
        "duration": duration,
        "connected": connected,
        "kill_after": kill_after or 0.0,
        "rows": rows,
    }


# --------------------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="postgresql://.../ec_fault_main (dropped, recreated)")
    parser.add_argument("--only", default="a,b,c,d,e", help="comma-separated scenarios to run")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgresql://", "postgres://")):
        parser.error("PostgreSQL only")
    only = set(args.only.split(","))
    dbs = Databases(args.database_url)
    os.environ.update({k: v for k, v in BASE_ENV.items() if k not in os.environ})
    try:
        if only & {"a", "b"}:
            url = dbs.fresh()
            started = time.perf_counter()
            homes = demo_city(url)
            print(f"     demo city: {homes} institutions in {time.perf_counter() - started:.1f} s", flush=True)
            if "a" in only:
                from credit.timeutil import today

                # The last seven days: a disclosure is never published ahead of its day.
                two_schedulers(url, today() - timedelta(days=7))
            if "b" in only:
                restart_under_load(url)
        if "c" in only:
            kill_during_import(dbs)
        if "d" in only:
            kill_during_publication(dbs)
        if "e" in only:
            import standby  # bench/standby.py: its own primary and standby clusters, not the server of --database-url

            standby.run(report)
    except Exception as error:  # noqa: BLE001 - a scenario that could not run is a FAIL line, not a traceback
        report("scenario setup", False, f"{type(error).__name__}: {error}")
    finally:
        print(f"     PostgreSQL at the end: {ensure_postgres_running(dbs.admin_url)}", flush=True)
        if not args.keep:
            dbs.drop_all(keep_main=False)
    return 0 if RESULTS and all(ok for _, ok, _ in RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
