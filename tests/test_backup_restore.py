"""scripts/backup.sh and scripts/restore.sh: a backup restored into an empty database is the same database.

SQLite always; PostgreSQL when TEST_POSTGRES_URL is set (two throw-away databases are created next to it on
the same server with psql, and dropped afterwards).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
BACKUP = ROOT / "scripts" / "backup.sh"
RESTORE = ROOT / "scripts" / "restore.sh"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), env=env, capture_output=True, text=True, timeout=300)


def eldercredit(url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ELDERCREDIT_DATA_DIR": str(data_dir),
        "COLUMNS": "200",
        "SCHEDULER_ENABLED": "false",
    }
    return run(sys.executable, "-m", "credit.cli", *args, env=env)


def institution_count(url: str, data_dir: Path) -> int:
    code = (
        "import asyncio, sys\n"
        "from credit.db import engine_for_url, use_engine\n"
        "from credit.registry.tables import Institution\n"
        "use_engine(engine_for_url(sys.argv[1]))\n"
        "print(asyncio.run(Institution.count().run()))\n"
    )
    result = run(sys.executable, "-c", code, url, env={**os.environ, "ELDERCREDIT_DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def audit_entries(result: subprocess.CompletedProcess) -> int:
    assert result.returncode == 0, result.stdout + result.stderr
    found = re.search(r"(\d+) entries verified, chain intact", result.stdout)
    assert found, result.stdout
    return int(found.group(1))


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def postgres_pair():
    """(source URL, target URL): two empty throw-away databases beside TEST_POSTGRES_URL."""
    if not POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL is not set")
    for tool in ("psql", "pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    base = urlsplit(POSTGRES_URL).path.lstrip("/") or "eldercredit"
    suffix = uuid.uuid4().hex[:8]
    names = [f"{base}_bk_src_{suffix}", f"{base}_bk_dst_{suffix}"]
    for name in names:
        created = run("psql", "-v", "ON_ERROR_STOP=1", "-d", POSTGRES_URL, "-c", f'CREATE DATABASE "{name}"')
        assert created.returncode == 0, created.stderr
    try:
        yield tuple(with_database(POSTGRES_URL, name) for name in names)
    finally:
        for name in names:
            run("psql", "-d", POSTGRES_URL, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backup_then_restore(source: str, target: str, backup_file: Path, data_dir: Path) -> None:
    assert eldercredit(source, data_dir, "migrate").returncode == 0
    seeded = eldercredit(source, data_dir, "seed", "--demo", "--count", "20", "--seed", "7")
    assert seeded.returncode == 0 and "20 institutions added" in seeded.stdout, seeded.stdout + seeded.stderr
    source_entries = audit_entries(eldercredit(source, data_dir, "audit", "verify"))
    assert source_entries > 0

    backed_up = run("bash", str(BACKUP), source, str(backup_file))
    assert backed_up.returncode == 0, backed_up.stderr
    assert backup_file.stat().st_size > 0 and not Path(f"{backup_file}.partial").exists()

    restored = run("bash", str(RESTORE), str(backup_file), target)
    assert restored.returncode == 0, restored.stdout + restored.stderr

    assert institution_count(target, data_dir) == 20
    assert audit_entries(eldercredit(target, data_dir, "audit", "verify")) == source_entries
    # The restored copy is usable as it stands: migrations are recorded, and new writes (sequences) go on
    # the chain after the restored entries.
    assert "up to date" in eldercredit(target, data_dir, "migrate").stdout
    created = eldercredit(target, data_dir, "users", "create", "restore-check", "--role", "admin")
    assert created.returncode == 0, created.stdout + created.stderr
    assert audit_entries(eldercredit(target, data_dir, "audit", "verify")) > source_entries


def test_sqlite_backup_restores_into_an_empty_file(tmp_path: Path):
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    target_path = tmp_path / "restored" / "target.sqlite3"
    backup_then_restore(source, f"sqlite:///{target_path}", tmp_path / "backup.sqlite3", tmp_path)
    assert target_path.exists()


def test_postgres_backup_restores_into_an_empty_database(tmp_path: Path, postgres_pair):
    source, target = postgres_pair
    backup_then_restore(source, target, tmp_path / "backup.dump", tmp_path)


def test_the_scripts_explain_their_usage_and_refuse_unknown_urls(tmp_path: Path):
    for script in (BACKUP, RESTORE):
        result = run("bash", str(script))
        assert result.returncode == 2 and "usage:" in result.stderr
    refused = run("bash", str(BACKUP), "mysql://somewhere/db", str(tmp_path / "x"))
    assert refused.returncode != 0 and "unsupported DATABASE_URL" in refused.stderr
    missing = run("bash", str(RESTORE), str(tmp_path / "missing.dump"), "sqlite:///x.sqlite3")
    assert missing.returncode != 0 and "no backup file" in missing.stderr
    not_a_database = tmp_path / "junk.sqlite3"
    not_a_database.write_text("not a database")
    target = tmp_path / "keep.sqlite3"
    target.write_bytes(b"")
    refused = run("bash", str(RESTORE), str(not_a_database), f"sqlite:///{target}")
    assert refused.returncode == 1 and "not a sound SQLite database" in refused.stderr
