"""Removing orphaned evidence files: bytes in the evidence store (the folder EVIDENCE_DIR or the S3 bucket) that no
evidence row references.

A file is written before the transaction that records its row commits (credit.evidence.service.kept): a crash in
between (the process killed, the machine down) leaves the bytes without a row, and so does a row removed with its
record, or a refused action whose clean-up found the store down. Such a file serves no one and nothing can reach
it. The job removes it once it is older than the grace period (`settings.evidence_orphan_grace_hours`,
EVIDENCE_ORPHAN_GRACE_HOURS, 24 h by default), so that an upload whose transaction is still running is never
touched. It never removes a referenced file, and it touches only the store's own names (`ab/ab…` of 48 hex
characters, and in the folder their `.partial` while being written): anything else in the folder, or in the
bucket under EVIDENCE_S3_PREFIX, is left where it is and counted. Run daily by the scheduler (`eldercredit jobs
run evidence_cleanup`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date

from credit.evidence import service as evidence
from credit.evidence.store import Listing
from credit.evidence.tables import EvidenceFile

STORED_NAME = re.compile(r"^(?P<folder>[0-9a-f]{2})/(?P<name>(?P<key>[0-9a-f]{48})(?P<partial>\.partial)?)$")
QUERY_CHUNK = 500  # storage keys per query (parameter limits)


@dataclass(frozen=True, slots=True)
class StoredFile:
    name: str  # what the store's delete takes: the key, or `<key>.partial`
    key: str
    partial: bool
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


def _own(listing: Listing) -> tuple[list[StoredFile], int]:
    """The files of the listing that carry the store's own names, and the count of everything else."""
    found: list[StoredFile] = []
    foreign = listing.skipped
    for item in listing.objects:
        match = STORED_NAME.match(item.name)
        if match is None or match["folder"] != match["key"][:2]:
            foreign += 1
            continue
        found.append(StoredFile(match["name"], match["key"], bool(match["partial"]), item.modified, item.size))
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


async def sweep(grace_hours: float | None = None, now: float | None = None) -> Sweep:
    """Remove every stored file that no evidence row references and that was last written more than `grace_hours`
    (default: the setting) before `now` (default: the clock). The listing comes before the query, so a file
    written after it is not looked at, and a file a row references at query time is kept. Raises
    StoreUnavailable when the store cannot be listed or refuses the removal."""
    grace = evidence.settings.evidence_orphan_grace_hours if grace_hours is None else grace_hours
    store = evidence.store()
    files, foreign = _own(await store.listing())
    held = await _referenced({f.key for f in files})
    cutoff = (time.time() if now is None else now) - grace * 3600
    referenced = sum(1 for f in files if f.key in held and not f.partial)
    orphans = [f for f in files if not (f.key in held and not f.partial)]
    recent = sum(1 for f in orphans if f.modified > cutoff)
    gone = [f for f in orphans if f.modified <= cutoff]
    await store.delete(f.name for f in gone)
    return Sweep(len(gone), sum(f.size for f in gone), referenced, recent, foreign)


async def remove_orphaned_evidence(on: date) -> str:
    """The scheduled job: one sweep with the configured grace period; its summary line."""
    return (await sweep()).summary()
