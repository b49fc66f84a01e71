"""Evidence files (证明材料): checked on upload, kept under a random name, read back only by those allowed.

A file is accepted when its bytes are a PDF, a JPEG or a PNG (the magic numbers at its start): the declared
content type and the file name are not trusted, so a text file named `.pdf` or a PNG named `.pdf` is judged
by what it is. Empty files, files over EVIDENCE_MAX_BYTES and more than EVIDENCE_MAX_FILES files for one
objection or application are refused, naming the field, before anything is written.

The bytes are kept in the evidence store (credit.evidence.store: the folder EVIDENCE_DIR, under the data dir by
default, or an S3-compatible bucket when EVIDENCE_S3_ENDPOINT is set) under a random name, never one derived from
the upload's name or the record id, and never served as a static file nor by a URL of the store: a download goes
through `read`, whose caller states who may read (credit.accounts.roles.require_evidence_reader: the home's own
users and civil-affairs regulators whose scope holds the home).
The sha256 of each file is stored beside it (and named in the audit entry of the action it came with).

Writing is in two steps so that a refused or failed action leaves no row and no file: `kept(...)` writes the
files and removes them again if the block it guards raises; `record(...)` inserts the rows inside the
caller's transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from credit.errors import FieldError, NotFound, ValidationFailed
from credit.evidence.store import EvidenceStore, FileMissing, StoreUnavailable, store_for
from credit.evidence.tables import OWNER_KINDS, EvidenceFile
from credit.reasons import Reason
from credit.settings import settings
from credit.timeutil import now_utc

FIELD = "evidence_files"
# (magic number at the start of the bytes, the type it proves)
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
KINDS = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
NAME_MAX_LENGTH = 200
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Upload:
    """An uploaded file as the portal received it: the name it came with and (at most limit + 1 of) its bytes."""

    file_name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Checked:
    """An upload that passed the checks, with its sniffed type and digest."""

    file_name: str
    content_type: str
    data: bytes
    sha256: str


def sniff(data: bytes) -> str | None:
    """The content type the bytes prove (application/pdf, image/png, image/jpeg), or None."""
    for magic, content_type in SIGNATURES:
        if data.startswith(magic):
            return content_type
    return None


def clean_name(name: str) -> str:
    """The upload's name for display only: its last path part, without control characters, at most 200 chars."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:NAME_MAX_LENGTH] or "evidence"


def check(uploads: Sequence[Upload], *, field: str = FIELD) -> list[Checked]:
    """Check every upload: not empty, not over EVIDENCE_MAX_BYTES, a PDF/JPEG/PNG by its bytes, and at most
    EVIDENCE_MAX_FILES of them. Returns them checked. Raises ValidationFailed naming `field`, one reason a file."""
    limit, most = settings.evidence_max_bytes, settings.evidence_max_files
    problems: list[FieldError] = []
    if len(uploads) > most:
        problems.append(FieldError(field, Reason("too_many_files", most=most, count=len(uploads))))
    checked = []
    for upload in uploads:
        name = clean_name(upload.file_name)
        if not upload.data:
            problems.append(FieldError(field, Reason("file_empty", name=name), name))
        elif len(upload.data) > limit:
            problems.append(FieldError(field, Reason("file_too_large", name=name, limit=_size(limit)), name))
        elif (content_type := sniff(upload.data)) is None:
            problems.append(FieldError(field, Reason("file_not_document", name=name), name))
        else:
            checked.append(Checked(name, content_type, upload.data, hashlib.sha256(upload.data).hexdigest()))
    if problems:
        raise ValidationFailed(problems)
    return checked


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n} bytes"


def store() -> EvidenceStore:
    """The store of the settings: the S3 bucket when EVIDENCE_S3_ENDPOINT is set, the folder EVIDENCE_DIR otherwise."""
    return store_for(settings.evidence_s3, settings.evidence_dir)


@contextlib.asynccontextmanager
async def kept(files: Sequence[Checked]) -> AsyncIterator[list[str]]:
    """Write the files to the store under new random names (yielded, in order); if the guarded block raises
    (the action was refused or its transaction failed), remove them again. Raises StoreUnavailable (before the
    block runs) when the store cannot take them; what was written of them is removed."""
    target = store()
    keys: list[str] = []
    try:
        for item in files:
            key = secrets.token_hex(24)
            await target.put(key, item.data)
            keys.append(key)
        yield keys
    except BaseException:
        try:
            await target.delete(keys)
        except StoreUnavailable:  # down since the write: the orphan sweep removes them later
            log.warning("could not remove %d evidence files of a refused action; the sweep will", len(keys))
        raise


async def record(
    files: Sequence[Checked], keys: Sequence[str], owner_kind: str, owner_id: int, institution_id: int, actor: str
) -> list[dict[str, Any]]:
    """Inside the caller's transaction: one row per kept file, evidence for (owner_kind, owner_id) of the home.
    Returns [{id, file_name, content_type, size_bytes, sha256}] for the caller's audit entry."""
    if owner_kind not in OWNER_KINDS:
        raise ValueError(f"unknown evidence owner {owner_kind!r}")
    stored = []
    for item, key in zip(files, keys, strict=True):
        row = EvidenceFile(
            institution=institution_id,
            owner_kind=owner_kind,
            owner_id=owner_id,
            storage_key=key,
            file_name=item.file_name,
            content_type=item.content_type,
            size_bytes=len(item.data),
            sha256=item.sha256,
            uploaded_by=actor,
            uploaded_at=now_utc(),
        )
        await row.save().run()
        stored.append(
            {
                "id": row.id,
                "file_name": item.file_name,
                "content_type": item.content_type,
                "size_bytes": len(item.data),
                "sha256": item.sha256,
            }
        )
    return stored


PUBLIC_COLUMNS = (
    EvidenceFile.id,
    EvidenceFile.owner_kind,
    EvidenceFile.owner_id,
    EvidenceFile.file_name,
    EvidenceFile.content_type,
    EvidenceFile.size_bytes,
    EvidenceFile.sha256,
    EvidenceFile.uploaded_by,
    EvidenceFile.uploaded_at,
)


async def files_of(owner_kind: str, owner_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """owner id -> its files (oldest first, without the storage key), for each of `owner_ids` that has any.
    The caller has already checked that its reader may see the owners."""
    ids = sorted(set(owner_ids))
    if not ids:
        return {}
    rows = (
        await EvidenceFile.select(*PUBLIC_COLUMNS)
        .where((EvidenceFile.owner_kind == owner_kind) & EvidenceFile.owner_id.is_in(ids))
        .order_by(EvidenceFile.id)
        .run()
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["owner_id"], []).append(row)
    return found


async def read(file_id: int, authorise: Callable[[Mapping[str, Any]], None]) -> tuple[dict[str, Any], bytes]:
    """The file's metadata and bytes. `authorise(row)` sees the file's home (`uscc`, `district_code`) first and
    raises when the reader may not have it (credit.accounts.roles.require_evidence_reader).

    Raises NotFound (no such file), what `authorise` raises, FileMissing (the row is there, the bytes are not),
    StoreUnavailable (the store cannot be reached)."""
    row = (
        await EvidenceFile.select(
            *PUBLIC_COLUMNS,
            EvidenceFile.storage_key,
            EvidenceFile.institution.uscc.as_alias("uscc"),
            EvidenceFile.institution.district_code.as_alias("district_code"),
        )
        .where(EvidenceFile.id == file_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFound(f"evidence file {file_id}")
    authorise(row)
    try:
        data = await store().get(row["storage_key"])
    except FileMissing:
        raise FileMissing(f"evidence file {file_id}") from None
    return {k: v for k, v in row.items() if k != "storage_key"}, data
