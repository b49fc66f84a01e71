"""A real S3-compatible server for the evidence-store tests: s3rver from npm (`node_modules/.bin/s3rver`, a
devDependency in package.json), on 127.0.0.1 at a free port with a temporary folder and one bucket, stopped at the end.

Importing this module skips the importing test module, with the reason, when node_modules lacks s3rver (`npm ci`).
Test modules import the `s3_server` and `s3` fixtures from here."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from minio import Minio

from credit.evidence import service as evidence
from credit.settings import EvidenceS3, settings
from tests.live_server import free_port

ROOT = Path(__file__).resolve().parents[1]
S3RVER = ROOT / "node_modules" / ".bin" / "s3rver"
BUCKET = "evidence"
CREDENTIALS = "S3RVER"  # s3rver's own access key and secret key

if not S3RVER.exists() or shutil.which("node") is None:
    pytest.skip("s3rver is not installed (node_modules/.bin/s3rver): run npm ci", allow_module_level=True)


@dataclasses.dataclass
class S3Server:
    """One running s3rver: its endpoint, its data folder and a client of its bucket."""

    endpoint: str
    folder: Path
    process: subprocess.Popen[bytes]

    def client(self) -> Minio:
        return Minio(self.endpoint.removeprefix("http://"), CREDENTIALS, CREDENTIALS, secure=False)

    def config(self, prefix: str = "", access_key: str = CREDENTIALS) -> EvidenceS3:
        return EvidenceS3(self.endpoint, BUCKET, access_key, CREDENTIALS, prefix=prefix)

    def names(self, prefix: str = "") -> list[str]:
        """Every object name in the bucket under `prefix`."""
        return sorted(o.object_name or "" for o in self.client().list_objects(BUCKET, prefix=prefix, recursive=True))

    def read(self, name: str) -> bytes:
        response = self.client().get_object(BUCKET, name)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def write(self, name: str, data: bytes) -> None:
        self.client().put_object(BUCKET, name, io.BytesIO(data), len(data))

    def age(self, name: str, seconds: float) -> None:
        """Make the object's Last-Modified `seconds` older: s3rver keeps an object's bytes in
        `<folder>/<bucket>/<name>._S3rver_object` and answers that file's mtime."""
        path = self.folder / BUCKET / f"{name}._S3rver_object"
        then = time.time() - seconds
        os.utime(path, (then, then))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@contextlib.contextmanager
def running_s3rver(folder: Path) -> Iterator[S3Server]:
    """Start s3rver with the bucket, wait until it answers (30 s at most), and stop it when the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = open(folder.parent / f"s3rver-{port}.log", "wb")  # noqa: SIM115 (closed below, after the process)
    command = [str(S3RVER), "-d", str(folder), "-a", "127.0.0.1", "-p", str(port), "--silent"]
    process = subprocess.Popen([*command, "--configure-bucket", BUCKET], stdout=log, stderr=subprocess.STDOUT)
    server = S3Server(f"http://127.0.0.1:{port}", folder, process)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"s3rver exited with {process.returncode}")
            with contextlib.suppress(Exception):
                if server.client().bucket_exists(BUCKET):
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("s3rver did not answer within 30 s")
            time.sleep(0.2)
        yield server
    finally:
        server.stop()
        log.close()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[S3Server]:
    """One s3rver for the session (per xdist worker); each test keeps its objects under a prefix of its own."""
    with running_s3rver(tmp_path_factory.mktemp("s3rver") / "data") as server:
        yield server


@pytest.fixture
def s3(s3_server, monkeypatch) -> Iterator[tuple[S3Server, str]]:
    """The evidence store is the bucket for this test, under a fresh prefix: (the server, the prefix)."""
    prefix = f"t{uuid.uuid4().hex[:12]}/"
    monkeypatch.setattr(evidence, "settings", dataclasses.replace(settings, evidence_s3=s3_server.config(prefix)))
    yield s3_server, prefix
