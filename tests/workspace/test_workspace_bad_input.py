"""Bad input on workspace forms and lists (issue 13, item 8): NUL bytes and integers beyond any column are shown
beside the field with the form again, nothing is written, never a 500; a list page past the end is empty."""

from __future__ import annotations

import re

from test_workspace_forms import error_beside, homes, institution_form, users  # noqa: F401 (fixtures)
from workspace_helpers import TIANNING, post, sign_in

from credit.records.tables import Grading
from credit.registry.tables import Institution


async def test_a_nul_byte_in_a_form_field_is_refused_beside_the_field_and_nothing_is_written(client, users):
    await sign_in(client, "city")
    response = await post(client, "/workspace/institutions/new", institution_form(31, name="康乐\x00养老院"))
    assert response.status_code == 422
    assert error_beside(response.text, "name")
    assert await Institution.count().run() == 0


async def test_an_integer_beyond_any_column_in_a_form_is_refused_beside_the_field(client, users):
    await sign_in(client, "city")
    response = await post(client, "/workspace/institutions/new", institution_form(32, beds=str(2**40)))
    assert response.status_code == 422
    assert error_beside(response.text, "beds")
    assert f'value="{2**40}"' in response.text  # the typed value is kept for correcting
    assert await Institution.count().run() == 0


async def test_a_workspace_list_page_past_the_end_is_empty_not_an_error(client, homes):
    await sign_in(client, "city")
    first = await client.get("/workspace/institutions", params={"page": 1})
    assert first.status_code == 200 and "测试养老院1" in first.text
    past = await client.get("/workspace/institutions", params={"page": 999})
    assert past.status_code == 200
    assert "测试养老院1" not in past.text and "测试养老院2" not in past.text
    assert re.search(r'data-testid="total">共 2 家', past.text)  # the total still counts every match


async def test_a_decided_grading_level_outside_one_to_five_is_refused_beside_the_level(client, homes):
    # GB/T 37276-2018 has five levels; the committee's level is recorded as given only within them.
    await sign_in(client, "tianning")
    response = await post(
        client,
        f"/workspace/institutions/{homes[TIANNING]}/gradings/new",
        {
            "decided_on": "2025-05-01",
            "environment": "110",
            "facilities": "120",
            "operations": "140",
            "services": "560",
            "level": "9",
        },
    )
    assert response.status_code == 422
    assert "不能大于 5" in error_beside(response.text, "level")
    assert await Grading.count().run() == 0
