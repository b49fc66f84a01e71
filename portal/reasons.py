"""A refusal in the reader's language: its reason code (credit/reasons.py) looked up in the catalogs of portal/i18n
(context "reason"), its parameters formatted in. A code without a translation, or a reason without a code, is
shown as the service's English sentence."""

from __future__ import annotations

import functools
from pathlib import Path

from babel.support import NullTranslations, Translations

from credit.errors import FieldError, ProcedureRefused

CONTEXT = "reason"
I18N_DIR = Path(__file__).resolve().parent / "i18n"
LOCALES = {"zh": "zh_CN", "en": "en"}


@functools.cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of `lang` (the public pages' catalogs; portal.public.i18n reads the same files)."""
    return Translations.load(str(I18N_DIR), [LOCALES.get(lang, LOCALES["zh"])])


def reason_in(lang: str, error: FieldError | ProcedureRefused) -> str:
    """What is wrong, without the field's name, in `lang` ("zh" or "en")."""
    if error.code:
        text = str(translations(lang).pgettext(CONTEXT, error.code))
        if text and text != error.code:
            try:
                return text.format(**error.params)
            except (KeyError, IndexError, ValueError):  # a catalog naming a parameter the code does not carry
                pass
    return error.reason


def reason_zh(error: FieldError | ProcedureRefused) -> str:
    return reason_in("zh", error)
