"""Settings are read from the environment in one place, credit/settings.py (issue 16, item 3; STYLE.md:
"settings are plain dataclasses read from the environment once"), so the README's list of settings is complete
and a test can give the app other settings without touching the environment."""

from __future__ import annotations

import ast
from pathlib import Path

from credit.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("credit", "portal", "scoring")
# Writes Piccolo's own configuration variable (which module holds the engine); reads no setting.
ALLOWED = {("credit/__init__.py", 'os.environ.setdefault("PICCOLO_CONF", "credit.piccolo_conf")')}


def environment_reads(path: Path) -> list[str]:
    """Every `os.environ...`, `os.getenv(...)`, `os.putenv` or `from os import environ/getenv` in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and node.attr in {"environ", "getenv", "environb", "getenvb"}
            or isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(a.name in {"environ", "getenv", "environb", "getenvb"} for a in node.names)
        ):
            found.append(node)
    relative = path.relative_to(ROOT).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        f"{relative}:{n.lineno}: {lines[n.lineno - 1].strip()}"
        for n in found
        if (relative, lines[n.lineno - 1].strip()) not in ALLOWED
    ]


def test_no_module_but_settings_reads_the_environment():
    offenders = [
        hit
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.relative_to(ROOT).as_posix() != "credit/settings.py"
        for hit in environment_reads(path)
    ]
    assert offenders == [], "read the environment in credit/settings.py only:\n" + "\n".join(offenders)


def test_the_check_finds_a_module_that_reads_the_environment(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.test_settings_in_one_place.ROOT", tmp_path)
    module = tmp_path / "credit" / "sneaky.py"
    module.parent.mkdir()
    module.write_text("import os\nfrom os import getenv\nLIMIT = int(os.environ.get('LIMIT', '3'))\n")
    assert [hit.split(":")[1] for hit in environment_reads(module)] == ["2", "3"]


def test_the_settings_that_moved_here_are_read_from_the_environment(monkeypatch, tmp_path):
    for name, value in {
        "RATE_LIMIT_PER_MINUTE": "7",
        "RESCORE_MINUTES": "5",
        "PUBLISH_CRON": "30 1 * * *",
        "DISTRICTS_FILE": str(tmp_path / "d.toml"),
        "PORTAL_VERSION_TTL_SECONDS": "0.5",
    }.items():
        monkeypatch.setenv(name, value)
    loaded = load_settings()
    assert (
        loaded.rate_limit_per_minute,
        loaded.rescore_minutes,
        loaded.publish_cron,
        loaded.districts_file,
        loaded.portal_version_ttl_seconds,
    ) == (7, 5, "30 1 * * *", tmp_path / "d.toml", 0.5)
    for name in (
        "RATE_LIMIT_PER_MINUTE",
        "RESCORE_MINUTES",
        "PUBLISH_CRON",
        "DISTRICTS_FILE",
        "PORTAL_VERSION_TTL_SECONDS",
    ):
        monkeypatch.delenv(name)
    defaults = load_settings()
    assert (
        defaults.rate_limit_per_minute,
        defaults.rescore_minutes,
        defaults.publish_cron,
        defaults.districts_file,
        defaults.portal_version_ttl_seconds,
    ) == (600, 3, "0 2 * * *", None, 1.0)
