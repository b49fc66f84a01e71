"""The translation catalogs: every message of the public templates has a Chinese translation, and the
compiled .mo files are current with their .po sources (run `make i18n` after changing a template)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "portal" / "i18n"


def template_messages() -> set:
    found = set()
    for folder in ("_base", "public"):
        for _, _, message, _, _ in extract_from_dir(
            ROOT / "portal" / "templates" / folder,
            method_map=[("**.html", "jinja2")],
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_template_message_has_a_chinese_translation():
    with open(I18N / "zh_CN" / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else all(m.string))
    }
    missing = template_messages() - translated
    assert not missing, f"untranslated (run make i18n and translate): {sorted(missing)[:5]}"


def plain(value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def test_compiled_catalogs_match_their_sources():
    for locale in ("zh_CN", "en"):
        folder = I18N / locale / "LC_MESSAGES"
        with open(folder / "messages.po", "rb") as f:
            source = {plain(m.id): plain(m.string) for m in read_po(f) if m.id}
        with open(folder / "messages.mo", "rb") as f:
            compiled = {plain(m.id): plain(m.string) for m in read_mo(f) if m.id}
        assert source == compiled, f"{locale}: messages.mo is stale, run make i18n"
