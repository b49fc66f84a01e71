"""Reason codes: every code a service gives is in the catalogue (credit/reasons.py) and has a Chinese translation in
the portal's catalog, so no refusal reaches a Chinese page in English; a code without one falls back to English."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from credit.errors import FieldError, ProcedureRefused, ValidationFailed
from credit.reasons import ENGLISH, MORE_PARAMS, Reason
from credit.validation import Checker
from portal.reasons import CONTEXT, reason_in, reason_zh

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "portal" / "i18n"


def _catalog(locale: str) -> dict[str, str]:
    with open(I18N / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    return {str(m.id): str(m.string) for m in catalog if m.context == CONTEXT}


def _codes_in_source() -> set[str]:
    """The literal codes of every Reason(...) written in credit/ and portal/, and of scoring's LevelProblem(...)
    (scoring has a Reason of its own, the labelled reasons of a rating)."""
    found = set()
    for folder, calls in (("credit", {"Reason": 0}), ("portal", {"Reason": 0}), ("scoring", {"LevelProblem": 1})):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                    continue
                position = calls.get(node.func.id)
                if position is not None and len(node.args) > position:
                    argument = node.args[position]
                    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                        found.add(argument.value)
    return found


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_code_written_in_the_services_is_in_the_catalogue():
    codes = _codes_in_source()
    assert len(codes) > 100  # the scan sees the services' codes
    assert codes - set(ENGLISH) == set()


def test_every_code_has_a_chinese_translation_naming_only_its_own_parameters():
    zh = _catalog("zh_CN")
    missing = [code for code in ENGLISH if not zh.get(code)]
    assert missing == []
    carried = {code: _placeholders(english) | MORE_PARAMS.get(code, set()) for code, english in ENGLISH.items()}
    wrong = {code: zh[code] for code in ENGLISH if not _placeholders(zh[code]) <= carried[code]}
    assert wrong == {}


def test_the_english_catalog_says_what_the_api_says():
    en = _catalog("en")
    assert {code: en.get(code) for code in ENGLISH} == ENGLISH


def test_a_checker_refusal_carries_its_code_and_the_unchanged_english_sentence():
    check = Checker({"beds": "0"})
    check.integer("beds", minimum=1)
    with pytest.raises(ValidationFailed) as refused:
        check.done()
    (error,) = refused.value.errors
    assert (error.reason, error.code, error.params) == ("must be at least 1", "at_least", {"minimum": 1})
    assert reason_zh(error) == "不能小于 1"
    assert reason_in("en", error) == "must be at least 1"


def test_a_refused_step_is_translated_with_its_date():
    refused = ProcedureRefused("on", Reason("objection_window_closed", date="2026-03-02"))
    assert str(refused) == "on: the objection window closed on 2026-03-02"
    assert reason_zh(refused) == "异议期已于 2026-03-02 届满"


def test_a_code_without_a_translation_and_a_reason_without_a_code_are_shown_in_english():
    assert reason_zh(FieldError("beds", "is odd", code="not_in_any_catalog")) == "is odd"
    assert reason_zh(FieldError("beds", "is odd")) == "is odd"
