"""Password hashing with argon2id."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password(username: str = "") -> str:
    """A random password to print once, e.g. for a seeded or newly created user; it passes the password
    policy for `username` (16 random URL-safe characters, drawn again in the rare case one contains it)."""
    from credit.accounts.password_policy import password_problems

    while True:
        password = secrets.token_urlsafe(12)
        if not password_problems(password, username):
            return password
