"""Loading, validating and choosing scoring policies."""

from __future__ import annotations

import copy
import tomllib
from datetime import date
from decimal import Decimal
from importlib import resources

import pytest

from scoring import PolicyError, PolicyNotFound, available_policies, load_policy, parse_policy, policy_for

DEFAULT_TEXT = (resources.files("scoring") / "policies" / "2020.1.toml").read_text(encoding="utf-8")


def default_raw():
    return copy.deepcopy(tomllib.loads(DEFAULT_TEXT))


def edited(path: str, value=None, delete: bool = False):
    raw = default_raw()
    *parents, key = path.split(".")
    table = raw
    for part in parents:
        table = table[part]
    if delete:
        del table[key]
    else:
        table[key] = value
    return raw


def test_default_policy_loads_with_the_documented_numbers():
    policy = load_policy("2020.1")

    assert policy.effective_from == date(2020, 1, 1)
    assert policy.score.base == 100
    assert dict(policy.levels) == {"A": 90, "B": 75, "C": 60, "D": 0}
    assert dict(policy.grading.points) == {5: 10, 4: 8, 3: 6, 2: 3, 1: 1}
    assert dict(policy.grading.level_thresholds) == {5: 901, 4: 801, 3: 601, 2: 451, 1: 301}
    assert policy.grading.part_maxima.total == 1000
    assert policy.penalties.serious.maximum_months == 36
    assert policy.penalties.rectified_factor == Decimal("0.5")
    assert policy.fire.critical_areas == {"fire_resistance", "evacuation", "fire_facilities"}
    assert (
        policy.listing.objection_working_days,
        policy.listing.duration_years,
        policy.listing.early_removal_after_years,
    ) == (5, 3, 2)


def test_parsing_text_and_mapping_give_the_same_policy():
    assert parse_policy(DEFAULT_TEXT) == parse_policy(default_raw()) == load_policy("2020.1")


MALFORMED = [
    pytest.param(edited("levels.E", 10), "levels.E", "unknown key", id="unknown key in a section"),
    pytest.param(edited("colour", "red"), "colour", "unknown key", id="unknown top-level key"),
    pytest.param(
        edited("levels.B", "75"), "levels.B", "expected a number, got string", id="wrong type: string for a number"
    ),
    pytest.param(
        edited("grading.validity_years", True),
        "grading.validity_years",
        "expected an integer",
        id="wrong type: boolean",
    ),
    pytest.param(
        edited("grading.validity_years", 2.5),
        "grading.validity_years",
        "expected an integer",
        id="wrong type: float for an integer",
    ),
    pytest.param(
        edited("effective_from", "2020-01-01"), "effective_from", "expected a date", id="wrong type: date as text"
    ),
    pytest.param(edited("score", 100), "score", "expected a table", id="wrong type: number for a section"),
    pytest.param(edited("levels.B", 95), "levels.B", "must descend", id="level thresholds not descending"),
    pytest.param(
        edited("grading.level_thresholds.3", 850),
        "grading.level_thresholds.3",
        "must descend",
        id="grading thresholds not descending",
    ),
    pytest.param(
        edited("grading.part_maxima.services", -600),
        "grading.part_maxima.services",
        "must be at least 1",
        id="negative maximum",
    ),
    pytest.param(
        edited("penalties.serious.maximum_months", delete=True),
        "penalties.serious.maximum_months",
        "missing key",
        id="missing key",
    ),
    pytest.param(edited("listing", delete=True), "listing", "missing key", id="missing section"),
    pytest.param(
        edited("penalties.minor.points", 1),
        "penalties.minor.points",
        "must not be positive",
        id="penalty that adds points",
    ),
    pytest.param(
        edited("penalties.rectified_factor", 1.5),
        "penalties.rectified_factor",
        "between 0 and 1",
        id="factor above one",
    ),
    pytest.param(
        edited("penalties.general.maximum_months", 2),
        "penalties.general.maximum_months",
        "must not be below",
        id="maximum period below minimum",
    ),
    pytest.param(
        edited("fire.critical_areas", ["evacuation", "kitchen"]),
        "fire.critical_areas[1]",
        "unknown fire area",
        id="unknown fire area",
    ),
    pytest.param(
        edited("grading.points.4", 12), "grading.points.4", "must not earn more", id="lower grading earning more"
    ),
    pytest.param(edited("levels.D", 10), "levels.D", "every score has a level", id="scores without a level"),
    pytest.param("version = ", "", "invalid TOML", id="invalid TOML"),
]


@pytest.mark.parametrize(("data", "path", "reason"), MALFORMED)
def test_malformed_policy_is_refused_naming_the_key(data, path, reason):
    with pytest.raises(PolicyError) as refused:
        parse_policy(data, "test.toml")

    assert refused.value.path == path
    assert reason in refused.value.reason
    assert str(refused.value).startswith(f"test.toml: {path or '<root>'}: ")


def policy_version(version: str, effective_from: date):
    raw = default_raw()
    raw["version"], raw["effective_from"] = version, effective_from
    return parse_policy(raw)


def test_policy_for_picks_the_latest_policy_in_force_on_the_date():
    old, new = policy_version("2020.1", date(2020, 1, 1)), policy_version("2023.1", date(2023, 7, 1))

    assert policy_for(date(2023, 6, 30), [new, old]).version == "2020.1"
    assert policy_for(date(2023, 7, 1), [new, old]).version == "2023.1"
    assert policy_for(date(2030, 1, 1), [new, old]).version == "2023.1"


def test_policy_for_refuses_a_date_before_any_policy():
    with pytest.raises(PolicyNotFound, match="2019-12-31"):
        policy_for(date(2019, 12, 31))


def test_bundled_policies_are_chosen_by_date():
    assert policy_for(date(2024, 6, 30)) == load_policy("2020.1")
    assert "2020.1" in [p.version for p in available_policies()]


def test_unknown_version_is_refused_with_the_known_ones():
    with pytest.raises(PolicyNotFound, match=r"'1999\.9'.*2020\.1"):
        load_policy("1999.9")
