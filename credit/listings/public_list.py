"""Moved to credit.public.listed (the public list is part of the public read side)."""

from credit.public.listed import ListPage, current_list, listed_entries  # noqa: F401
