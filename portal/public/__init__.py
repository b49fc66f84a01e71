"""The public portal (HTML): pages, preferences (language, elderly mode), caching and translations."""

from portal.public.pages import PublicController

__all__ = ["PublicController"]
