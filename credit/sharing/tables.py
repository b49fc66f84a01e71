"""Sharing tables: the seven agencies, their hashed API keys and the change feed."""

from piccolo.columns import JSON, BigInt, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.table import Table


class Agency(Table):
    """One of the seven agencies that share the list (民政 住建 卫健 消防 市场监管 公安 发改)."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    code = Varchar(length=32, unique=True)
    name_zh = Varchar(length=100)
    name_en = Varchar(length=100)


class AgencyKey(Table):
    """An agency API key: only its SHA-256 hash and a short prefix are stored."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    agency = ForeignKey(references=Agency, index=True)
    prefix = Varchar(length=16)
    key_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)


class ChangeEvent(Table):
    """The change feed: one row per change, `seq` increasing in commit order."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    seq = BigInt(unique=True, index=True)
    type = Varchar(length=32)  # institution | penalty | rating | listing | measure
    op = Varchar(length=16)  # created | updated | removed | ...
    entity_id = BigInt()
    data = JSON()
    at = Timestamptz()
