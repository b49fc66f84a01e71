"""Moved to credit.public.facts (the projection scores from them); kept so older imports work."""

from credit.public.facts import load_facts  # noqa: F401
