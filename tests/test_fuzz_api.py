"""Schemathesis against the running app's OpenAPI schema, as an admin and as an agency: no 5xx, and no
response that breaks its own schema (response_schema_conformance checks every body against the typed schemas of
issue 20, not only the status codes). FUZZ_EXAMPLES sets the case count (the README's fuzz run uses 60)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live_server import live_server, run_cli, server_env

# 25 per operation keeps CI near 75 s; a 60-example run (153 s) found nothing more. Raise it for a deep run.
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "25")
ST = Path(sys.executable).with_name("st")
# Domain rules a schema cannot say (a date not in the future, a USCC's check character) make schemathesis'
# "positive data" check expect 2xx for inputs we rightly refuse; Litestar answers OPTIONS with its own Allow.
EXCLUDED = "positive_data_acceptance,allow_header_conformance"
# Reads whose success bodies must have been checked against their schema in every run (the list pages, the feed).
CHECKED_READS = {
    "admin": {"GET /api/v1/institutions", "GET /api/v1/listings", "GET /api/v1/disclosures", "GET /api/v1/me"},
    "agency": {"GET /api/v1/institutions", "GET /api/v1/listings", "GET /api/v1/feed", "GET /api/v1/me"},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not ST.exists() and shutil.which("st") is None:
        pytest.skip("schemathesis is not installed")
    env = server_env(tmp_path_factory.mktemp("fuzz"))
    run_cli(env, "migrate", timeout=120)
    run_cli(env, "seed", "--demo", "--count", "40", "--as-of", "2026-06-30", timeout=120)
    run_cli(env, "jobs", "run", "publish_disclosure", timeout=120)
    admin = re.findall(r"ect_[\w-]+", run_cli(env, "users", "token", "admin"))[-1]
    agency = re.findall(r"eca_[\w-]+", run_cli(env, "agencies", "key", "health"))[-1]
    with live_server(env) as base:
        yield {"url": f"{base}/schema/openapi.json", "admin": admin, "agency": agency, "env": env}


def bodies_checked_against_their_schema(report: Path) -> set[str]:
    """The operations (`GET /path`) of which at least one 2xx body passed response_schema_conformance."""
    checked = set()
    for line in report.read_text(encoding="utf-8").splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished["recorder"]
        for case, checks in recorder.get("checks", {}).items():
            response = (recorder.get("interactions", {}).get(case) or {}).get("response") or {}
            if 200 <= response.get("status_code", 0) < 300 and any(
                c["name"] == "response_schema_conformance" and c["status"] == "success" for c in checks
            ):
                checked.add(recorder["label"])
    return checked


@pytest.mark.parametrize("caller", ["admin", "agency"])
def test_no_operation_answers_5xx_or_breaks_its_own_schema(server, caller, tmp_path):
    report = tmp_path / "events.ndjson"
    result = subprocess.run(
        [
            str(ST) if ST.exists() else "st",
            "run",
            server["url"],
            "-H",
            f"Authorization: Bearer {server[caller]}",
            "--max-examples",
            EXAMPLES,
            "--checks",
            "all",
            "--exclude-checks",
            EXCLUDED,
            "--seed",
            "1",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=server["env"],
    )
    assert result.returncode == 0, result.stdout[-6000:]
    assert CHECKED_READS[caller] <= bodies_checked_against_their_schema(report)
