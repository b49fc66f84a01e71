"""Choosing the evidence store (issue 18): EVIDENCE_S3_ENDPOINT switches from the folder EVIDENCE_DIR to an
S3-compatible bucket; an endpoint without its bucket or keys stops the start with one line naming what is missing,
not a traceback; a folder that cannot be written answers 503 like a bucket that is down."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from credit.evidence import service as evidence
from credit.evidence.s3 import S3Store
from credit.evidence.store import DirectoryStore
from credit.evidence.tables import EvidenceFile
from credit.settings import EvidenceS3, SettingsError, load_settings, settings
from tests.institution.test_evidence_and_applications import (
    PDF,
    REPAIR_FORM,
    home_user,  # noqa: F401  (the fixture)
    penalty_of,
    send,
)
from tests.institution.test_home_self_service import homes  # noqa: F401  (the fixture)
from tests.live_server import ROOT, server_env

S3_ENV = {
    "EVIDENCE_S3_ENDPOINT": "https://oss.example.gov.cn:9000",
    "EVIDENCE_S3_BUCKET": "eldercredit-evidence",
    "EVIDENCE_S3_ACCESS_KEY": "AKID",
    "EVIDENCE_S3_SECRET_KEY": "s3cr3t",
    "EVIDENCE_S3_REGION": "cn-east-1",
    "EVIDENCE_S3_PREFIX": "/changzhou/evidence",
}


@pytest.fixture
def s3_env(monkeypatch):
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_without_an_endpoint_the_files_stay_in_the_folder(monkeypatch):
    monkeypatch.delenv("EVIDENCE_S3_ENDPOINT", raising=False)
    loaded = load_settings()
    assert loaded.evidence_s3 is None
    assert isinstance(evidence.store(), DirectoryStore)


def test_the_endpoint_and_its_variables_make_an_s3_store(s3_env, monkeypatch):
    loaded = load_settings()

    assert loaded.evidence_s3 == EvidenceS3(
        "https://oss.example.gov.cn:9000", "eldercredit-evidence", "AKID", "s3cr3t", "cn-east-1", "changzhou/evidence/"
    )
    assert "s3cr3t" not in repr(loaded)
    monkeypatch.setattr(evidence, "settings", loaded)
    assert isinstance(evidence.store(), S3Store) and evidence.store() is evidence.store()  # one client a process


@pytest.mark.parametrize(
    "missing", [("EVIDENCE_S3_BUCKET",), ("EVIDENCE_S3_ACCESS_KEY", "EVIDENCE_S3_SECRET_KEY")], ids=["bucket", "keys"]
)
def test_an_endpoint_without_its_bucket_or_keys_is_refused_naming_them(s3_env, missing):
    for name in missing:
        s3_env.delenv(name)

    with pytest.raises(SettingsError) as refused:
        load_settings()

    assert str(refused.value) == f"EVIDENCE_S3_ENDPOINT is set, so {' and '.join(missing)} must be set too"


@pytest.mark.parametrize("endpoint", ["127.0.0.1:9000", "ftp://host", "http://host:9000/bucket"])
def test_an_endpoint_that_is_not_scheme_host_port_is_refused(s3_env, endpoint):
    s3_env.setenv("EVIDENCE_S3_ENDPOINT", endpoint)
    with pytest.raises(SettingsError, match="EVIDENCE_S3_ENDPOINT must be http://host"):
        load_settings()


def test_the_command_line_stops_with_one_line_naming_the_missing_variable(tmp_path):
    env = server_env(tmp_path, EVIDENCE_S3_ENDPOINT="http://127.0.0.1:9000", EVIDENCE_S3_ACCESS_KEY="a")
    env.pop("EVIDENCE_S3_BUCKET", None)
    env.pop("EVIDENCE_S3_SECRET_KEY", None)

    run = subprocess.run(
        [sys.executable, "-m", "credit.cli", "migrate"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip() == (
        "eldercredit: configuration refused: EVIDENCE_S3_ENDPOINT is set, so EVIDENCE_S3_BUCKET and "
        "EVIDENCE_S3_SECRET_KEY must be set too"
    )
    assert not (tmp_path / "live.sqlite3").exists()  # nothing ran


async def test_a_folder_that_cannot_be_written_answers_503_and_records_nothing(
    client, home_user, tmp_path, monkeypatch
):
    not_a_folder = tmp_path / "evidence"
    not_a_folder.write_text("a file where the folder should be")
    monkeypatch.setattr(evidence, "settings", dataclasses.replace(settings, evidence_dir=not_a_folder))
    penalty = await penalty_of(home_user)

    refused = await send(
        client, f"/my/penalties/{penalty['id']}/repair", REPAIR_FORM, [("缴款凭证.pdf", PDF, "application/pdf")]
    )

    assert refused.status_code == 503 and "文件存储暂时无法访问" in refused.text
    assert await EvidenceFile.count().run() == 0
