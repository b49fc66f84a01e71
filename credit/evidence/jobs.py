"""Removing orphaned evidence files: bytes in the file store (EVIDENCE_DIR) that no evidence row references.

A file is written before the transaction that records its row commits (credit.evidence.service.kept): a crash in
between (the process killed, the machine down) leaves the bytes without a row, and so does a row removed with its
record. Such a file serves no one and nothing can reach it. The job removes it once it is older than the grace
period (`settings.evidence_orphan_grace_hours`, EVIDENCE_ORPHAN_GRACE_HOURS, 24 h by default), so that an upload
whose transaction is still running is never touched. It never removes a referenced file, and it touches only the
store's own names (`ab/ab…` of 48 hex characters, and their `.partial` while being written): anything else
under EVIDENCE_DIR is left where it is and counted. Run daily by the scheduler (`eldercredit jobs run
evidence_cleanup`).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from credit.evidence import service as evidence
from credit.evidence.tables import EvidenceFile

STORED_NAME = re.compile(r"^(?P<key>[0-9a-f]{48})(\.partial)?$")
QUERY_CHUNK = 500  # storage keys per query (parameter limits)


@dataclass(frozen=True, slots=True)
class StoredFile:
    path: Path
    key: str
    modified: float  # seconds since the epoch
    size: int


@dataclass(frozen=True, slots=True)
class Sweep:
    """What a run found and did."""

    removed: int
    removed_bytes: int
    referenced: int
    recent: int  # unreferenced but younger than the grace period: perhaps an upload in flight
    foreign: int  # not a name the store writes: left alone

    def summary(self) -> str:
        return (
            f"{self.removed} orphaned files removed ({self.removed_bytes} bytes), {self.referenced} referenced kept, "
            f"{self.recent} unreferenced within the grace period kept, {self.foreign} other files left alone"
        )


def _scan(root: Path) -> tuple[list[StoredFile], int]:
    """The files of the store under `root` (its own names only) and the count of any other files."""
    found: list[StoredFile] = []
    foreign = 0
    if not root.is_dir():
        return found, foreign
    for path in root.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            continue
        if path.is_symlink() or not path.is_file():  # never followed, never removed
            foreign += 1
            continue
        match = STORED_NAME.match(path.name)
        if match is None or path.parent.parent != root or path.parent.name != match["key"][:2]:
            foreign += 1
            continue
        with contextlib.suppress(FileNotFoundError):  # removed meanwhile (a refused upload cleaning up)
            status = path.stat()
            found.append(StoredFile(path, match["key"], status.st_mtime, status.st_size))
    return found, foreign


async def _referenced(keys: set[str]) -> set[str]:
    """The keys among `keys` that an evidence row holds (read from the primary, never a replica)."""
    ordered = sorted(keys)
    held: set[str] = set()
    for start in range(0, len(ordered), QUERY_CHUNK):
        chunk = ordered[start : start + QUERY_CHUNK]
        rows = await EvidenceFile.select(EvidenceFile.storage_key).where(EvidenceFile.storage_key.is_in(chunk)).run()
        held.update(r["storage_key"] for r in rows)
    return held


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


async def sweep(grace_hours: float | None = None, now: float | None = None) -> Sweep:
    """Remove every stored file that no evidence row references and that was last written more than `grace_hours`
    (default: the setting) before `now` (default: the clock). The scan comes before the query, so a file written
    after the scan is not looked at, and a file a row references at query time is kept."""
    grace = evidence.settings.evidence_orphan_grace_hours if grace_hours is None else grace_hours
    files, foreign = await asyncio.to_thread(_scan, evidence.store_root())
    held = await _referenced({f.key for f in files})
    cutoff = (time.time() if now is None else now) - grace * 3600
    removed = removed_bytes = recent = referenced = 0
    for item in files:
        if item.key in held and not item.path.name.endswith(".partial"):
            referenced += 1
        elif item.modified > cutoff:
            recent += 1
        elif await asyncio.to_thread(_unlink, item.path):
            removed += 1
            removed_bytes += item.size
    return Sweep(removed, removed_bytes, referenced, recent, foreign)


async def remove_orphaned_evidence(on: date) -> str:
    """The scheduled job: one sweep with the configured grace period; its summary line."""
    return (await sweep()).summary()
