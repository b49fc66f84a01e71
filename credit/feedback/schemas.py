"""What the citizen feedback services take: a filing, and the handling regulator's three answers.

No JSON API decodes these yet: the public form and the workspace's triage pages build them from their text
(credit.validation.typed_from_text), and the services' checks convert and name each field.
"""

from __future__ import annotations

import datetime as dt

import msgspec


class FeedbackIn(msgspec.Struct, forbid_unknown_fields=True):
    """A citizen's filing: what happened, optionally when, who files (name and phone, both optional), and the
    USCC of the home it is about (without one it is general feedback)."""

    what_happened: str
    happened_on: dt.date | None = None
    complainant_name: str = ""
    complainant_phone: str = ""
    uscc: str = ""


class AcceptIn(msgspec.Struct, forbid_unknown_fields=True):
    """Accepting a received feedback for inspection: the reply to the citizen and the version read."""

    reply: str
    version: int


class TransferIn(msgspec.Struct, forbid_unknown_fields=True):
    """Transferring an open feedback: `to` (12345 or an agency's code), the reply and the version read."""

    to: str
    reply: str
    version: int


class CloseIn(msgspec.Struct, forbid_unknown_fields=True):
    """Closing an open feedback: the reply, whether the report was substantiated, and the version read."""

    reply: str
    substantiated: bool
    version: int
