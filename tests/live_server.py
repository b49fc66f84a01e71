"""The app under a real uvicorn process, for the tests that need a socket: browsers, generated clients, fuzzing.

`live_server(env)` starts `credit.asgi:app` on a free port, waits for /healthz, yields the base URL and stops the
process at the end; a traceback in the server's log fails the test that used it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(folder: Path, **overrides: str) -> dict[str, str]:
    """The environment of a test server: a SQLite file in `folder`, no scheduler, no rate limit, no shared Redis."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}",
            "PYTHONPATH": str(ROOT),
            "SCHEDULER_ENABLED": "false",
            "RATE_LIMIT_PER_MINUTE": "0",
            "SIGNING_KEY_PATH": str(folder / "key.pem"),
        }
    )
    env.update(overrides)
    return env


def run_cli(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    """`eldercredit ARGS` in that environment; its standard output."""
    return subprocess.run(
        [sys.executable, "-m", "credit.cli", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    ).stdout


def run_python(env: dict[str, str], script: str, timeout: int = 300) -> None:
    """A seeding script run in that environment (its own process, as the server will be)."""
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True, timeout=timeout)


@contextmanager
def live_server(env: dict[str, Any]) -> Iterator[str]:
    port = free_port()
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "credit.asgi:app", "--host", "127.0.0.1", "--port", str(port)]
            + ["--log-level", "warning"],
            env=env,
            cwd=ROOT,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(base, process, log)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)
        log.seek(0)
        errors = log.read()
        assert "Traceback" not in errors, errors


def _wait_until_healthy(base: str, process: subprocess.Popen, log: Any) -> None:
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                return
        except OSError as error:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"uvicorn exited: {log.read()[-2000:]}") from error
            time.sleep(0.1)
    raise RuntimeError(f"uvicorn did not answer /healthz at {base}")
