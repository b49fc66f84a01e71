"""Fault scenario e: the portal read from a real PostgreSQL streaming standby, and the primary stopped under it.

It makes its own two-cluster setup on this machine, so the shared server on 5432 is never touched: `initdb` a
primary in a temporary folder (wal_level replica), load the demo city there, `pg_basebackup -R` a standby from it
into a second folder on another port, and serve the app with DATABASE_URL on the primary and DATABASE_READ_URL on
the standby. Then it checks, and prints with the figures:

1. the public pages and the public API answer from the standby (the standby's own pg_stat_activity shows the
   app's connections, and it is in recovery);
2. a penalty an agency reports to the primary is on the public profile, read from the standby, within a second;
3. with the primary stopped, the profile page, the API profile and a search still answer 200 from the standby,
   and a write answers 503 problem+json (not 500).

Run alone: `.venv/bin/python bench/standby.py`, or as scenario e of `bench/faults.py --only e`. Needs the
PostgreSQL server binaries (`/usr/lib/postgresql/<version>/bin`) and root (the clusters run as `postgres`).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
ELDERCREDIT = [sys.executable, "-m", "credit.cli"]
DECISION = "常卫医罚〔2026〕第0777号"


def server_bin(name: str) -> str:
    version = sorted(os.listdir("/usr/lib/postgresql"), key=int)[-1]
    return f"/usr/lib/postgresql/{version}/bin/{name}"


def as_postgres(*command: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """A server binary run as the `postgres` user (PostgreSQL refuses to run as root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=timeout, cwd="/tmp")


def must(result: subprocess.CompletedProcess, what: str) -> str:
    if result.returncode != 0:
        raise RuntimeError(f"{what} exited {result.returncode}: {(result.stdout + result.stderr)[-800:]}")
    return result.stdout


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One PostgreSQL cluster in its own folder and port, started and stopped with pg_ctl."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def configure(self, **settings: str) -> None:
        with (self.folder / "postgresql.auto.conf").open("a", encoding="utf-8") as conf:
            for key, value in settings.items():
                conf.write(f"{key} = '{value}'\n")

    def start(self) -> None:
        must(
            as_postgres(server_bin("pg_ctl"), "-D", str(self.folder), "-l", f"{self.folder}.log", "-w", "start"),
            f"pg_ctl start {self.folder.name}",
        )

    def stop(self) -> None:
        as_postgres(server_bin("pg_ctl"), "-D", str(self.folder), "-m", "fast", "-w", "stop")


async def _query(url: str, query: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetch(query)
    finally:
        await connection.close()


def query(url: str, text: str) -> list[asyncpg.Record]:
    return asyncio.run(_query(url, text))


@contextmanager
def primary_and_standby(work: Path) -> Iterator[tuple[Cluster, Cluster]]:
    os.chmod(work, 0o777)
    primary = Cluster(work / "primary", free_port())
    standby = Cluster(work / "standby", free_port())
    try:
        must(
            as_postgres(server_bin("initdb"), "-D", str(primary.folder), "-A", "trust", "-U", "postgres", "--no-sync"),
            "initdb",
        )
        primary.configure(
            port=str(primary.port),
            listen_addresses="127.0.0.1",
            unix_socket_directories=str(work),
            wal_level="replica",
            max_wal_senders="5",
            fsync="off",
        )
        primary.start()
        yield primary, standby
    finally:
        standby.stop()
        primary.stop()


def make_standby(primary: Cluster, standby: Cluster) -> float:
    started = time.perf_counter()
    # A fast checkpoint: the default spreads it over checkpoint_timeout (minutes) before the copy starts.
    options = f"-h 127.0.0.1 -p {primary.port} -U postgres -D {standby.folder} -R -X stream -c fast --no-sync"
    must(as_postgres(server_bin("pg_basebackup"), *options.split()), "pg_basebackup")
    standby.configure(port=str(standby.port), hot_standby="on")
    standby.start()
    return time.perf_counter() - started


def eldercredit(env: dict[str, str], *args: str) -> str:
    return must(
        subprocess.run([*ELDERCREDIT, *args], env=env, capture_output=True, text=True, timeout=600, cwd=ROOT),
        " ".join(args[:2]),
    )


@contextmanager
def portal(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
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
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def within(seconds: float, check: Callable[[], bool]) -> float | None:
    """How long until `check()` holds, polling every 20 ms; None when it does not within `seconds`."""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if check():
            return time.perf_counter() - started
        time.sleep(0.02)
    return None


def run(report: Callable[[str, bool, str], None]) -> None:
    work = Path(tempfile.mkdtemp(prefix="eldercredit-standby-"))
    try:
        with primary_and_standby(work) as (primary, standby):
            query(primary.url(), "CREATE DATABASE eldercredit")
            env = {
                **os.environ,
                "DATABASE_URL": primary.url("eldercredit"),
                "SCHEDULER_ENABLED": "false",
                "RATE_LIMIT_PER_MINUTE": "0",
                "ELDERCREDIT_DATA_DIR": str(work),
                "SIGNING_KEY_PATH": str(work / "signing-key.pem"),
                "LOG_FORMAT": "text",
            }
            env.pop("REDIS_URL", None)
            eldercredit(env, "migrate")
            eldercredit(env, "seed", "--demo")
            key = re.findall(r"eca_[\w-]+", eldercredit(env, "agencies", "key", "health"))[-1]
            copied = make_standby(primary, standby)
            env["DATABASE_READ_URL"] = standby.url("eldercredit")
            with portal(env) as base:
                _served_from_standby(report, base, standby, copied)
                _write_visible_on_standby(report, base, key)
                _primary_stopped(report, base, primary, key)
    except Exception as error:  # noqa: BLE001 - a scenario that could not run is a FAIL line, not a traceback
        report("e. streaming standby", False, f"{type(error).__name__}: {error}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _a_home(base: str) -> dict:
    return httpx.get(f"{base}/api/v1/institutions", params={"page_size": 1}, timeout=10).json()["items"][0]


def _served_from_standby(report: Callable, base: str, standby: Cluster, copied: float) -> None:
    home = _a_home(base)
    pages = [
        httpx.get(f"{base}/institutions/{home['uscc']}", timeout=10).status_code,
        httpx.get(f"{base}/api/v1/institutions/{home['uscc']}", timeout=10).status_code,
        httpx.get(f"{base}/", params={"q": home["name"][:2]}, timeout=10).status_code,
    ]
    recovering = query(standby.url(), "SELECT pg_is_in_recovery()")[0][0]
    readers = query(
        standby.url(), "SELECT count(*) FROM pg_stat_activity WHERE datname = 'eldercredit' AND pid <> pg_backend_pid()"
    )[0][0]
    report(
        "e1. portal served from a streaming standby",
        pages == [200, 200, 200] and recovering and readers > 0,
        f"standby made by pg_basebackup in {copied:.1f} s; profile page, API profile, search: {pages}; "
        f"standby in recovery: {recovering}; app connections on the standby: {readers}",
    )


def _penalty(home: dict) -> dict:
    return {
        "decision_number": DECISION,
        "subject_name": home["name"],
        "uscc": home["uscc"],
        "facts": "医疗废物处置不规范",
        "legal_basis": "《医疗废物管理条例》第四十六条",
        "penalty_kind": "罚款",
        "content": "罚款五千元",
        "fine_yuan": "5000",
        "decision_date": time.strftime("%Y-%m-%d"),
        "deciding_agency": "常州市卫生健康委员会",
    }


def _write_visible_on_standby(report: Callable, base: str, key: str) -> None:
    home = _a_home(base)
    written = httpx.post(
        f"{base}/api/v1/penalties", json=_penalty(home), timeout=10, headers={"Authorization": f"Bearer {key}"}
    )
    profile = f"{base}/api/v1/institutions/{home['uscc']}"
    seen = within(5, lambda: DECISION in httpx.get(profile, timeout=5).text) if written.status_code < 300 else None
    report(
        "e2. a write on the primary is public on the standby within 1 s",
        seen is not None and seen < 1,
        f"report answered {written.status_code}; on the standby's public profile after "
        f"{'never (5 s)' if seen is None else f'{seen * 1000:.0f} ms'}",
    )


def _primary_stopped(report: Callable, base: str, primary: Cluster, key: str) -> None:
    home = _a_home(base)
    primary.stop()
    pages = [
        httpx.get(f"{base}/institutions/{home['uscc']}", timeout=10).status_code,
        httpx.get(f"{base}/api/v1/institutions/{home['uscc']}", timeout=10).status_code,
        httpx.get(f"{base}/", params={"q": home["name"][:2]}, timeout=10).status_code,
    ]
    write = httpx.post(
        f"{base}/api/v1/penalties",
        json={**_penalty(home), "decision_number": "常卫医罚〔2026〕第0778号"},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    problem = write.headers.get("content-type", "").startswith("application/problem+json")
    report(
        "e3. the primary stopped: public reads still answer from the standby",
        pages == [200, 200, 200] and write.status_code == 503 and problem,
        f"profile page, API profile, search: {pages}; a write: {write.status_code} "
        f"{write.headers.get('content-type', '')}",
    )


def main() -> int:
    results: list[bool] = []

    def report(name: str, ok: bool, figures: str) -> None:
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'} {name}: {figures}", flush=True)

    run(report)
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
