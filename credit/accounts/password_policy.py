"""The password policy: every password a person chooses is checked here (users create, password change).

Rules, each with its own message so the person knows which one failed:
- length: at least MIN_LENGTH characters;
- not blank: not only whitespace;
- not common: not in the shipped list of common passwords (common_passwords.txt, case-insensitive);
- not the username: does not contain the username (case-insensitive).
"""

from __future__ import annotations

import functools
from importlib.resources import files

from credit.reasons import Reason

MIN_LENGTH = 12
COMMON_PASSWORDS_FILE = "common_passwords.txt"


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lowercased; lines starting with '#' are comments."""
    text = files("credit.accounts").joinpath(COMMON_PASSWORDS_FILE).read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problems(password: str, username: str) -> list[Reason]:
    """Every rule `password` breaks for the user `username`, as messages naming the rule; [] when it passes."""
    if not password.strip():
        return [Reason("password_blank")]
    problems: list[Reason] = []
    if len(password) < MIN_LENGTH:
        problems.append(Reason("password_length", minimum=MIN_LENGTH, length=len(password)))
    if password.strip().lower() in common_passwords():
        problems.append(Reason("password_common"))
    name = username.strip().lower()
    if name and name in password.lower():
        problems.append(Reason("password_username"))
    return problems
