"""Moved to credit.identifiers (used by every domain and the write hook); kept so older imports work."""

from credit.identifiers import *  # noqa: F401,F403
from credit.identifiers import FREE_TEXT_FIELDS  # noqa: F401
