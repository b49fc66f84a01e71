"""The audit log: append-only, each entry hashing the previous one."""

from piccolo.columns import JSON, BigInt, Serial, Timestamptz, Varchar
from piccolo.table import Table


class AuditEntry(Table):
    """Who changed what and when; `hash` covers this entry and the previous entry's hash."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    seq = BigInt(unique=True)
    at = Timestamptz()
    actor = Varchar(length=100)
    action = Varchar(length=64)
    entity_type = Varchar(length=32)
    entity_id = BigInt()
    changes = JSON()
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)
