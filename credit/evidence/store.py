"""Where the bytes of evidence files live: a folder (EVIDENCE_DIR) or an S3-compatible bucket (EVIDENCE_S3_*).

Both keep a file under the same name, `<first two characters of its key>/<key>` (in the bucket after
EVIDENCE_S3_PREFIX), so a folder copied into a bucket as it is (`aws s3 sync`, `mc mirror`) is a valid store.
Objects are private: nothing here sets an ACL or makes a presigned URL, and the bytes reach a reader only through
credit.evidence.service.read. The store is chosen from the settings (`store_for`); the bucket's store is
credit.evidence.s3, imported only when one is configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from credit.settings import EvidenceS3

T = TypeVar("T")


class FileMissing(Exception):
    """A stored file's bytes are not in the store (restored database without its files)."""


class StoreUnavailable(Exception):
    """The store cannot be reached or refused the request (S3 down, wrong credentials, no such bucket, a disk
    that fails): nothing was stored or read; try again later."""


@dataclass(frozen=True, slots=True)
class StoredObject:
    name: str  # relative to the store: `<key[:2]>/<key>` for what the store writes
    modified: float  # seconds since the epoch
    size: int


@dataclass(frozen=True, slots=True)
class Listing:
    objects: list[StoredObject]
    skipped: int  # not plain files (symlinks, sockets): never followed, never listed, never removed


class EvidenceStore(Protocol):
    async def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key` (replacing nothing: keys are random). Raises StoreUnavailable."""

    async def get(self, key: str) -> bytes:
        """The bytes under `key`. Raises FileMissing (none there), StoreUnavailable."""

    async def delete(self, keys: Iterable[str]) -> None:
        """Remove what is under each key; a key with nothing under it is no error. Raises StoreUnavailable."""

    async def listing(self) -> Listing:
        """Everything the store holds, with its last-modified time and size (for the orphan sweep)."""


def name_of(key: str) -> str:
    return f"{key[:2]}/{key}"


class DirectoryStore:
    """Files under `root` at `<key[:2]>/<key>`, written as `<key>.partial`, fsynced, mode 0600, then renamed."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / name_of(key)

    def _write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, path)

    def _remove(self, keys: Iterable[str]) -> None:
        for key in keys:
            with contextlib.suppress(FileNotFoundError):
                self._path(key).unlink()

    def _scan(self) -> Listing:
        found: list[StoredObject] = []
        skipped = 0
        if not self.root.is_dir():
            return Listing(found, skipped)
        for path in self.root.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                continue
            if path.is_symlink() or not path.is_file():
                skipped += 1
                continue
            with contextlib.suppress(FileNotFoundError):  # removed meanwhile (a refused upload cleaning up)
                status = path.stat()
                found.append(StoredObject(path.relative_to(self.root).as_posix(), status.st_mtime, status.st_size))
        return Listing(found, skipped)

    async def put(self, key: str, data: bytes) -> None:
        await _in_thread(self._write, key, data)

    def _read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise FileMissing(key) from None

    async def get(self, key: str) -> bytes:
        return await _in_thread(self._read, key)

    async def delete(self, keys: Iterable[str]) -> None:
        await _in_thread(self._remove, list(keys))

    async def listing(self) -> Listing:
        return await _in_thread(self._scan)


async def _in_thread(call: Callable[..., T], *args: object) -> T:
    try:
        return await asyncio.to_thread(call, *args)
    except OSError as error:  # a full disk, a lost mount, no permission
        raise StoreUnavailable(f"the evidence folder failed: {error}") from error


@functools.cache
def store_for(s3: EvidenceS3 | None, directory: Path) -> EvidenceStore:
    """The store of these settings (one per configuration, so one S3 connection pool per process): the bucket
    when EVIDENCE_S3_ENDPOINT is set, the folder EVIDENCE_DIR otherwise."""
    if s3 is None:
        return DirectoryStore(directory)
    from credit.evidence.s3 import S3Store  # the SDK only where a bucket is used

    return S3Store(s3)
