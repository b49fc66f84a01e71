"""Check a downloaded disclosure: its signature, the CSV beside it, and its link to the previous day."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

from credit.disclosures.signing import verify as verify_signature
from credit.disclosures.tables import Disclosure


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_file(
    body: bytes, signature: str, public_pem: bytes, previous: bytes | None = None, csv_body: bytes | None = None
) -> list[Check]:
    """The checks a reader of a downloaded disclosure can make without our database."""
    checks = [
        Check("signature", verify_signature(public_pem, body, signature.strip()), "Ed25519 signature of the JSON bytes")
    ]
    try:
        head = json.loads(body)
    except ValueError:
        return checks + [Check("format", False, "the file is not JSON")]
    digest = hashlib.sha256(body).hexdigest()
    checks.append(Check("digest", True, f"SHA-256 {digest}"))
    checks.append(
        Check(
            "canonical",
            canonical(head) == body,
            "canonical JSON: sorted keys, no whitespace, UTF-8 (the bytes signed are the bytes served)",
        )
    )
    if csv_body is not None:
        actual = hashlib.sha256(csv_body).hexdigest()
        checks.append(Check("csv", actual == head.get("csv_sha256"), f"CSV SHA-256 {actual}"))
    if previous is not None:
        actual = hashlib.sha256(previous).hexdigest()
        checks.append(
            Check(
                "chain",
                actual == head.get("previous_digest"),
                f"previous file SHA-256 {actual}, named {head.get('previous_digest') or '(none)'}",
            )
        )
    return checks


def canonical(document) -> bytes:
    """The one serialisation the disclosures are signed in (json.dumps with sorted keys, "," and ":")."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


async def check_stored_chain(public_pem: bytes, today: date | None = None) -> list[Check]:
    """Walk every stored disclosure in day order: digest, signature and link to the one before; the days
    are contiguous (no hole) and none is after today."""
    from credit.timeutil import today as local_today

    today = today or local_today()
    checks, previous, previous_day = [], "", None
    for row in await Disclosure.select().order_by(Disclosure.day).run():
        body = row["json_body"].encode()
        ok = (
            hashlib.sha256(body).hexdigest() == row["digest"]
            and row["previous_digest"] == previous
            and json.loads(body).get("previous_digest") == previous
            and verify_signature(public_pem, body, row["signature"])
        )
        checks.append(Check(str(row["day"]), ok, row["digest"]))
        if previous_day is not None and row["day"] != previous_day + timedelta(days=1):
            checks.append(
                Check(
                    f"{previous_day + timedelta(days=1)}..{row['day'] - timedelta(days=1)}",
                    False,
                    "no disclosure for these days (a hole in the chain)",
                )
            )
        if row["day"] > today:
            checks.append(Check(str(row["day"]), False, f"published ahead of its day (today is {today})"))
        previous, previous_day = row["digest"], row["day"]
    return checks
