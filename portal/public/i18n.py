"""Languages of the public portal: Babel catalogs in portal/i18n, used through Jinja's i18n extension.

Templates write English message ids (`{{ _("Find a care home") }}`, `{% trans %}`); the page's language
(`lang` in the template context, "zh" by default) picks the catalog, so one Jinja environment serves both.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

I18N_DIR = Path(__file__).resolve().parent.parent / "i18n"
LANGUAGES = {"zh": "zh_CN", "en": "en"}  # our code -> Babel locale
DEFAULT_LANGUAGE = "zh"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


@functools.cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of `lang` (falls back to the message ids when it is missing)."""
    return Translations.load(str(I18N_DIR), [LANGUAGES.get(lang, LANGUAGES[DEFAULT_LANGUAGE])])


def _catalog(context: Context) -> NullTranslations:
    return translations(context.get("lang") or DEFAULT_LANGUAGE)


@functools.lru_cache(maxsize=4096)
def _translated(lang: str, message: str) -> str:
    return str(translations(lang).gettext(message))


# The template functions, each what Jinja's newstyle gettext makes of a plain gettext (jinja2.ext
# _make_new_gettext: the translation marked safe under autoescape, then always `%`-formatted), in one call
# instead of three: a page calls `_()` some sixty times, and the wrapping was a quarter of its rendering.
@functools.lru_cache(maxsize=4096)
def _plain_markup(lang: str, message: str) -> Markup:
    """A translation without variables as autoescaped gettext returns it (formatted once: `%%` is `%`)."""
    return Markup(_translated(lang, message)) % {}


@pass_context
def _gettext(context: Context, message: str, **variables: Any) -> str:
    lang = context.get("lang") or DEFAULT_LANGUAGE
    if context.eval_ctx.autoescape:
        return Markup(_translated(lang, message)) % variables if variables else _plain_markup(lang, message)
    return _translated(lang, message) % variables


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int, **variables: Any) -> str:
    variables.setdefault("num", n)
    rv = _catalog(context).ngettext(singular, plural, n)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


@pass_context
def _pgettext(context: Context, ctx: str, message: str, **variables: Any) -> str:
    variables.setdefault("context", ctx)
    rv = str(_catalog(context).pgettext(ctx, message))
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


def install(environment: Environment) -> None:
    """Add the i18n extension (for `{% trans %}`); gettext reads the language from each template's context.
    `_`, `gettext`, `ngettext` and `pgettext` are the newstyle functions above, called directly."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        _gettext, _ngettext, newstyle=True, pgettext=_pgettext
    )
    environment.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext)


def number(value) -> str:
    """A score or points without trailing zeros: 82.50 -> 82.5, 100.00 -> 100."""
    from decimal import Decimal

    if value is None:
        return "—"
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def configure(environment: Environment) -> None:
    """What the public templates need beyond portal.filters: translations and number formatting."""
    install(environment)
    environment.filters["number"] = number
