"""The portal's Jinja environment: Jinja's own, tuned for pages rendered on every cache miss (issue 14).

Templates ship with a release (portal.public.caching.BUILD_ID digests them at start-up), so they are compiled
once and never checked for changes on disk. A template's `x.name` on a plain dict goes straight to the key:
Jinja tries the attribute first, and for a dict that raises AttributeError (costly) for every key that is not
one of dict's own attributes; those (`.items()`, `.get()`) still resolve as attributes, exactly as before.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

_DICT_ATTRIBUTES = frozenset(dir(dict))


class PortalEnvironment(Environment):
    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


TEMPLATES = Path(__file__).resolve().parent / "templates"


def portal_environment(directory: Path = TEMPLATES) -> Environment:
    """The environment of the templates under `directory`: autoescaped, compiled once."""
    return PortalEnvironment(loader=FileSystemLoader(directory), autoescape=True, auto_reload=False)


def configure(environment: Environment) -> None:
    """The filters and translations every page needs (the app's engine and public_environment alike)."""
    from portal.filters import register_filters
    from portal.public.i18n import configure as configure_public_templates

    register_filters(environment)
    configure_public_templates(environment)


@functools.cache
def public_environment() -> Environment:
    """An environment configured as the app's, for rendering public pages outside a request (the stored pages
    of portal.public.stored_pages); one per process, as the app's."""
    environment = portal_environment()
    configure(environment)
    return environment
