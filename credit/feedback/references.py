"""Reference numbers of citizen feedback: unguessable, short enough to read over the phone, self-checking.

Nine random characters from an alphabet without look-alikes (no 0/O, 1/I/L) carry 43 bits of chance, so a
reference cannot be guessed or enumerated; an ISO 7064 MOD 37,36 check character (python-stdnum) catches a
mistyped one before any lookup.
"""

from __future__ import annotations

import re
import secrets

from stdnum.iso7064 import mod_37_36

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RANDOM_LENGTH = 9
LENGTH = RANDOM_LENGTH + 1
_SHAPE = re.compile(rf"[0-9A-Z]{{{LENGTH}}}")


def new_reference() -> str:
    """A fresh reference: nine random characters and their check character."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + mod_37_36.calc_check_digit(body)


def normalise(text: str) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-]", "", text or "").upper()


def is_valid(reference: str) -> bool:
    """True when `reference` (normalised) has the shape and a matching check character."""
    return bool(_SHAPE.fullmatch(reference)) and mod_37_36.is_valid(reference)
