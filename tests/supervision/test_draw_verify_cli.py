"""`eldercredit draw verify MONTH` (issue 19): a stored draw recomputed from its seed and the registry snapshot it
names says match; a draw whose stored homes were changed says mismatch and names the differing homes."""

import json
import os
import sqlite3
import subprocess
import sys

from credit.timeutil import today


def test_draw_verify_says_match_then_names_the_homes_of_a_changed_draw(tmp_path):
    database = tmp_path / "cli.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "ELDERCREDIT_DATA_DIR": str(tmp_path),
        "COLUMNS": "200",
    }

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "credit.cli", *args], env=env, capture_output=True, text=True, timeout=180
        )

    assert cli("migrate").returncode == 0
    assert cli("seed", "--demo", "--count", "40", "--seed", "7").returncode == 0
    drawn = cli("jobs", "run", "inspection_draw")
    assert drawn.returncode == 0, drawn.stdout + drawn.stderr
    month = today().strftime("%Y-%m")
    verified = cli("draw", "verify", month)
    assert verified.returncode == 0 and f"{month}: match" in verified.stdout, verified.stdout + verified.stderr

    with sqlite3.connect(database) as connection:
        homes = json.loads(connection.execute("SELECT institutions FROM inspection_draw").fetchone()[0])
        removed = homes.pop(0)["uscc"]
        connection.execute("UPDATE inspection_draw SET institutions = ?", (json.dumps(homes),))
    changed = cli("draw", "verify", month)
    assert changed.returncode == 1 and "mismatch" in changed.stdout
    assert f"drawn now, not then: {removed}" in changed.stdout
    assert cli("draw", "verify", "1999-01").returncode == 1
