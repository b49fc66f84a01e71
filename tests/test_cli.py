"""The command line as an operator uses it: migrate, seed, import, with readable errors."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def cli(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "ELDERCREDIT_DATA_DIR": str(tmp_path),
        "COLUMNS": "200",
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "credit.cli", *args], env=env, capture_output=True, text=True, timeout=120
        )

    return run


def test_migrate_then_seed_prints_users_once_and_a_second_seed_adds_nothing(cli):
    assert cli("migrate").returncode == 0
    first = cli("seed", "--demo", "--count", "20", "--seed", "5")
    assert first.returncode == 0, first.stderr
    assert "20 institutions added" in first.stdout and "user admin" in first.stdout
    second = cli("seed", "--demo", "--count", "20", "--seed", "5")
    assert "0 institutions added (20 already there)" in second.stdout and "password" not in second.stdout
    assert "not loaded" in cli("seed", "--demo", "--if-empty").stdout


def test_a_bad_import_prints_a_row_by_row_report_and_exits_non_zero(cli, tmp_path: Path):
    cli("migrate")
    path = tmp_path / "homes.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["机构名称", "统一社会信用代码", "区县代码", "床位数", "机构性质"])
        writer.writerow(["一号养老院", "BAD", "320412", "10", "企业"])
    result = cli("import", str(path))
    assert result.returncode == 1
    assert "nothing was imported" in result.stderr and "统一社会信用代码" in result.stderr
    assert "must be 18 characters" in result.stderr


def test_an_unreadable_file_is_named_with_the_reason(cli, tmp_path: Path):
    cli("migrate")
    result = cli("import", str(tmp_path / "missing.xlsx"))
    assert result.returncode == 2 and "does not exist" in " ".join(result.stderr.split())  # rich wraps long paths


def test_seed_without_a_data_set_says_what_to_choose(cli):
    result = cli("seed")
    assert result.returncode == 2 and "--demo" in result.stderr


def test_listings_commands_show_the_demo_entries_and_refuse_an_illegal_step(cli):
    cli("migrate")
    cli("seed", "--demo", "--count", "120", "--seed", "2020", "--as-of", "2026-06-30")
    listed = cli("listings", "list", "--status", "proposed")
    assert listed.returncode == 0 and "proposed" in listed.stdout
    entry = next(
        line.split("│")[1].strip() for line in listed.stdout.splitlines() if "proposed" in line and "│" in line
    )
    refused = cli("listings", "step", entry, "decide", "--outcome", "upheld", "--reasons", "x", "--actor", "admin")
    assert refused.returncode == 1 and "is proposed" in refused.stderr
    done = cli("listings", "step", entry, "notify", "--actor", "admin")
    assert done.returncode == 0 and "is now notified" in done.stdout
    assert "listed" in cli("listings", "advance").stdout


def test_seed_prints_the_level_mix_that_rescoring_then_stores(cli, tmp_path: Path):
    # Issue 15 "Done when": the demo city is re-seeded under the 2026 policy and `seed --demo` prints its mix.
    import re
    import sqlite3
    from collections import Counter

    cli("migrate")
    seeded = cli("seed", "--demo", "--count", "80", "--seed", "2020", "--as-of", "2026-12-02")
    line = next(line for line in seeded.stdout.splitlines() if line.startswith("Level mix"))
    assert "policy 2026.1" in line
    printed = {level: int(n) for level, n in re.findall(r"\b([ABCD]) (\d+) \(", line)}
    assert set(printed) == set("ABCD") and sum(printed.values()) == 80
    ran = cli("jobs", "run", "rescore_all", "--at", "2026-12-02T02:00:00+08:00")
    assert ran.returncode == 0, ran.stderr
    with sqlite3.connect(tmp_path / "cli.sqlite3") as connection:
        stored = Counter(level for (level,) in connection.execute("SELECT level FROM public_profile"))
    assert dict(stored) == {level: n for level, n in printed.items() if n}


def test_a_command_on_a_database_without_tables_says_to_migrate(cli):
    for command in (("jobs", "list"), ("disclosures", "publish-first")):
        result = cli(*command)
        assert result.returncode == 2, result.stderr
        assert "run `eldercredit migrate` first" in result.stderr and "Traceback" not in result.stderr


def test_the_first_disclosure_is_published_once_so_a_new_install_has_one(cli):
    assert cli("migrate").returncode == 0
    assert cli("seed", "--demo", "--count", "12", "--seed", "3").returncode == 0
    first = cli("disclosures", "publish-first")
    assert first.returncode == 0, first.stderr
    assert "published" in first.stdout
    again = cli("disclosures", "publish-first")
    assert again.returncode == 0 and "already published; nothing to do" in again.stdout
    assert cli("disclosures", "verify", "--stored").returncode == 0
