"""The assessment committee's decided grading level is recorded as given, within the policy's rules.

Source: GB/T 37276-2018 养老机构等级划分与评定 (the committee decides the level; the part scores are its record) and the
2026 policy (issue 15: "record the decided level as given by the assessment committee, and per-part minimums
when the policy names them; first grading capped" is a local variant, policy data).
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

from credit.records import service as records
from credit.records.tables import Grading
from scoring import policy_for
from tests.test_api_records import GRADING, TIANNING, homes, tokens  # noqa: F401 (fixtures)

EARNS_3 = {**GRADING, "services": 300}  # 110 + 120 + 140 + 300 = 670: level 3 by the totals


def local_variant(monkeypatch, *, minimums=None, first_cap=0):
    """The records service decides under a local policy variant (part minimums, a first-grading cap)."""
    national = policy_for(records.today())
    grading = dataclasses.replace(
        national.grading,
        part_minimums=MappingProxyType(minimums or {}),
        eligibility=dataclasses.replace(national.grading.eligibility, first_grading_max_level=first_cap),
    )
    monkeypatch.setattr(records, "policy_for", lambda on: dataclasses.replace(national, grading=grading))


async def post_grading(client, tokens, homes, body):
    return await client.post(f"/api/v1/institutions/{homes[TIANNING]}/gradings", json=body, headers=tokens["city"])


async def test_the_committees_level_is_recorded_as_given(client, tokens, homes):
    response = await post_grading(client, tokens, homes, {**EARNS_3, "level": 4})
    assert response.status_code == 201, response.text
    assert response.json()["level"] == 4
    assert (await Grading.select(Grading.level).first().run())["level"] == 4


async def test_without_a_decided_level_the_part_scores_decide_it(client, tokens, homes):
    response = await post_grading(client, tokens, homes, EARNS_3)
    assert response.status_code == 201 and response.json()["level"] == 3


async def test_a_decided_level_outside_one_to_five_is_refused_naming_the_field(client, tokens, homes):
    response = await post_grading(client, tokens, homes, {**EARNS_3, "level": 6})
    assert response.status_code == 400
    assert "level" in response.text
    assert await Grading.count().run() == 0


async def test_a_level_whose_part_minimum_is_not_reached_is_refused_naming_the_part(client, tokens, homes, monkeypatch):
    local_variant(monkeypatch, minimums={5: {"services": 540}})
    response = await post_grading(client, tokens, homes, {**EARNS_3, "level": 5})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "services",
            "reason": "level 5 needs at least 540 for services, got 300",
            "code": "grading_part_minimum",
        }
    ]
    assert await Grading.count().run() == 0
    assert (await post_grading(client, tokens, homes, {**EARNS_3, "level": 4})).status_code == 201


async def test_a_first_grading_above_the_local_cap_is_refused_and_a_later_one_may_reach_higher(
    client, tokens, homes, monkeypatch
):
    local_variant(monkeypatch, first_cap=3)
    refused = await post_grading(client, tokens, homes, {**GRADING, "level": 5})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "level", "reason": "a first grading may reach level 3 at most, got 5", "code": "grading_first_cap"}
    ]
    assert (await post_grading(client, tokens, homes, {**GRADING, "level": 3})).status_code == 201
    later = await post_grading(client, tokens, homes, {**GRADING, "decided_on": "2025-09-01", "level": 5})
    assert later.status_code == 201 and later.json()["level"] == 5
