"""Moved to credit.money (the public view converts fines too); kept so older imports work."""

from credit.money import *  # noqa: F401,F403
