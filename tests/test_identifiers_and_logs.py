"""Personal data: ID numbers are hashed and masked; logs never carry them or credentials."""

import json
import logging

import pytest

from credit.identifiers import check_id_number, id_hmac, mask_id, mask_name
from credit.logs import JsonFormatter, ScrubFilter, scrub

ID_NUMBER = "11010519491231002X"


def test_a_valid_id_number_passes_and_a_wrong_check_digit_is_named():
    assert check_id_number(ID_NUMBER) == (ID_NUMBER, None)
    assert check_id_number("110105194912310021")[1] == "check character does not match"


def test_the_masked_id_shows_only_the_first_six_and_last_four():
    assert mask_id(ID_NUMBER) == "110105********002X"


def test_the_id_hash_depends_on_the_server_key_and_not_on_letter_case():
    assert id_hmac(ID_NUMBER, "k1") == id_hmac(ID_NUMBER.lower(), "k1") != id_hmac(ID_NUMBER, "k2")
    assert ID_NUMBER not in id_hmac(ID_NUMBER, "k1")


@pytest.mark.parametrize("name, masked", [("张三", "张*"), ("李建国", "李**"), ("欧阳娜娜", "欧阳**"), ("", "")])
def test_person_names_are_masked_to_the_surname(name, masked):
    assert mask_name(name) == masked


def test_scrub_masks_id_and_phone_numbers_and_drops_secrets():
    line = scrub(f"id={ID_NUMBER} phone 13912345678 password=hunter2 Authorization: Bearer abc.def")
    assert ID_NUMBER not in line and "110105********002X" in line
    assert "13912345678" not in line and "139****5678" in line
    assert "hunter2" not in line and "abc.def" not in line


def test_json_log_lines_are_scrubbed_objects():
    record = logging.LogRecord(
        "t", logging.INFO, __file__, 1, "user %s logged in with password=%s", (ID_NUMBER, "s3cret"), None
    )
    ScrubFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "info" and "s3cret" not in entry["message"] and ID_NUMBER not in entry["message"]
