"""The workspace institution form takes what a home offers (issue 17): the sets as checkboxes (nothing ticked is
"not reported", a "none of these" box the reported empty set), the fee range and the website, each error beside
its field."""

from __future__ import annotations

import pytest
from workspace_helpers import PASSWORD, TIANNING, error_beside_id, make_uscc, post, sign_in

from credit.accounts.service import create_user
from credit.registry.tables import Institution
from credit.seeding import ensure_agencies


def form(n: int, **changes) -> dict[str, str | list[str]]:
    return {
        "uscc": make_uscc(n),
        "name": f"测试养老院{n}",
        "district_code": TIANNING,
        "beds": "80",
        "owner_type": "private_nonprofit",
        "status": "active",
        **changes,
    }


@pytest.fixture
async def regulator(db):
    await ensure_agencies()
    await create_user("tianning", "district_regulator", PASSWORD, district_code=TIANNING, actor="test")


async def test_the_form_stores_the_ticked_services_none_of_these_and_leaves_the_rest_not_reported(client, regulator):
    await sign_in(client, "tianning")
    page = await client.get("/workspace/institutions/new")
    assert 'id="f-services-medical_care"' in page.text and 'name="fee_min"' in page.text
    ticked = form(1, services=["hospice", "medical_care"], care_levels=["none"], fee_min="2000", website="")
    response = await post(client, "/workspace/institutions/new", ticked)
    assert response.status_code == 303, response.text
    row = await Institution.select().where(Institution.uscc == make_uscc(1)).first().run()
    assert (row["services"], row["care_levels"], row["fee_min"], row["fee_max"], row["website"]) == (
        "medical_care,hospice",
        "",
        2000,
        None,
        None,
    )
    edit = await client.get(f"/workspace/institutions/{row['id']}/edit")
    assert 'id="f-services-hospice" name="services" type="checkbox" value="hospice" checked' in edit.text
    assert 'id="f-care_levels-none" name="care_levels" type="checkbox" value="none" checked' in edit.text


async def test_a_bad_fee_range_and_website_are_refused_beside_their_fields_and_the_ticks_kept(client, regulator):
    await sign_in(client, "tianning")
    bad = form(2, services=["day_care"], fee_min="5000", fee_max="3000", website="www.kl.cn")
    response = await post(client, "/workspace/institutions/new", bad)
    assert response.status_code == 422
    assert "不能低于月收费下限（5000 元）" in error_beside_id(response.text, "f-fee_max")
    assert "http://" in error_beside_id(response.text, "f-website")
    assert 'value="day_care" checked' in response.text
    assert await Institution.count().run() == 0
