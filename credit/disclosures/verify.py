"""Check a downloaded disclosure: its signature, the CSV beside it, and its link to the previous day."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from credit.disclosures.signing import verify as verify_signature
from credit.disclosures.tables import Disclosure


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_file(body: bytes, signature: str, public_pem: bytes, previous: bytes | None = None,
               csv_body: bytes | None = None) -> list[Check]:
    """The checks a reader of a downloaded disclosure can make without our database."""
    checks = [Check("signature", verify_signature(public_pem, body, signature.strip()),
                    "Ed25519 signature of the JSON bytes")]
    try:
        head = json.loads(body)
    except ValueError:
        return checks + [Check("format", False, "the file is not JSON")]
    digest = hashlib.sha256(body).hexdigest()
    checks.append(Check("digest", True, f"SHA-256 {digest}"))
    if csv_body is not None:
        actual = hashlib.sha256(csv_body).hexdigest()
        checks.append(Check("csv", actual == head.get("csv_sha256"), f"CSV SHA-256 {actual}"))
    if previous is not None:
        actual = hashlib.sha256(previous).hexdigest()
        checks.append(Check("chain", actual == head.get("previous_digest"),
                            f"previous file SHA-256 {actual}, named {head.get('previous_digest') or '(none)'}"))
    return checks


async def check_stored_chain(public_pem: bytes) -> list[Check]:
    """Walk every stored disclosure in day order: digest, signature and link to the one before."""
    checks, previous = [], ""
    for row in await Disclosure.select().order_by(Disclosure.day).run():
        body = row["json_body"].encode()
        ok = (hashlib.sha256(body).hexdigest() == row["digest"] and row["previous_digest"] == previous
              and json.loads(body).get("previous_digest") == previous
              and verify_signature(public_pem, body, row["signature"]))
        checks.append(Check(str(row["day"]), ok, row["digest"]))
        previous = row["digest"]
    return checks
