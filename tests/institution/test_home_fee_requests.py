"""The home asks for a change of its monthly fee range from /my/changes and /api/v1/my/changes (issue 18): the lowest
and the highest monthly fee (either "not reported"), checked by the regulator's own rules (credit.registry.offers:
0..MAX_FEE whole yuan, the highest not below the lowest) with the error beside the field; shown in words on both
sides; approval sets both registry columns together, versioned and public; one open request per home and field.
"""

from __future__ import annotations

import json

from credit.audit.tables import AuditEntry
from credit.registry.offers import MAX_FEE
from credit.registry.tables import ChangeRequest, Institution
from tests.institution.test_home_api import home  # noqa: F401  (the fixture: the 天宁 home with a bearer token)
from tests.institution.test_home_requests import as_home, public_profile, sign_in_again, sign_out
from tests.institution.test_home_self_service import homes  # noqa: F401  (the fixture)
from tests.workspace.workspace_helpers import TIANNING, error_beside_id, post, sign_in


async def fees_of(home_id: int) -> dict:
    return (
        await Institution.select(Institution.fee_min, Institution.fee_max, Institution.version)
        .where(Institution.id == home_id)
        .first()
        .run()
    )


async def decide(client, decision: dict[str, str]) -> None:
    """The 天宁 regulator decides the one open request from the review page."""
    await sign_out(client)
    await sign_in(client, "tianning")
    request_id = (await ChangeRequest.select(ChangeRequest.id).first().run())["id"]
    response = await post(client, f"/workspace/registry-changes/{request_id}/decision", decision)
    assert response.status_code == 303, response.text
    await sign_out(client)


async def test_an_approved_fee_request_sets_both_columns_and_the_public_profile(client, homes):  # noqa: F811
    home = homes[TIANNING]
    await as_home(client, homes)
    page = await client.get("/my/changes")
    assert 'data-testid="fees-form"' in page.text and "未报送" in page.text  # nothing on record yet

    filed = await post(client, "/my/changes", {"field": "fees", "fee_min": "1200", "fee_max": "3500"})

    assert filed.status_code == 303
    page = await client.get("/my/changes")
    assert "1200–3500 元/月" in page.text and "1200–3500 yuan a month" in page.text
    assert (await public_profile(client, home["uscc"]))["fee_min"] is None
    await sign_out(client)
    await sign_in(client, "tianning")
    queue = await client.get("/workspace/home-requests")
    assert "月收费标准" in queue.text and "未报送" in queue.text and "1200–3500 元/月" in queue.text
    await decide(client, {"decision": "approved"})

    assert await fees_of(home["id"]) == {"fee_min": 1200, "fee_max": 3500, "version": 2}
    profile = await public_profile(client, home["uscc"])
    assert (profile["fee_min"], profile["fee_max"]) == (1200, 3500)
    update = await AuditEntry.select(AuditEntry.changes).where(AuditEntry.action == "institution.update").first().run()
    assert json.loads(update["changes"])["changes"] == {"fee_min": [None, 1200], "fee_max": [None, 3500]}


async def test_one_end_may_be_not_reported_and_approval_clears_the_other(client, homes):  # noqa: F811
    home = homes[TIANNING]
    await (
        Institution.update({Institution.fee_min: 800, Institution.fee_max: 2000})
        .where(Institution.id == home["id"])
        .run()
    )
    await as_home(client, homes)

    assert (await post(client, "/my/changes", {"field": "fees", "fee_min": "", "fee_max": "3000"})).status_code == 303

    page = await client.get("/my/changes")
    assert "800–2000 元/月" in page.text and "最高 3000 元/月，最低未报送" in page.text
    await decide(client, {"decision": "approved"})
    assert await fees_of(home["id"]) == {"fee_min": None, "fee_max": 3000, "version": 2}


async def test_a_rejected_fee_request_changes_nothing_and_the_home_reads_why(client, homes):  # noqa: F811
    home = homes[TIANNING]
    await as_home(client, homes)
    await post(client, "/my/changes", {"field": "fees", "fee_min": "1500", "fee_max": "4000"})

    await decide(client, {"decision": "rejected", "reasons": "与物价部门备案的收费标准不一致"})

    assert await fees_of(home["id"]) == {"fee_min": None, "fee_max": None, "version": 1}
    await sign_in_again(client)
    page = await client.get("/my/changes")
    assert "未批准" in page.text and "与物价部门备案的收费标准不一致" in page.text
    assert await AuditEntry.count().where(AuditEntry.action == "institution.update").run() == 0


async def test_bad_fee_ranges_are_refused_beside_the_field_and_nothing_is_stored(client, homes):  # noqa: F811
    await as_home(client, homes)
    for form, field, words in (
        ({"fee_min": "3000", "fee_max": "1200"}, "fee_max", "不能低于月收费下限"),
        ({"fee_min": "-1", "fee_max": ""}, "fee_min", "不能小于 0"),
        ({"fee_min": "", "fee_max": str(MAX_FEE + 1)}, "fee_max", f"不能大于 {MAX_FEE}"),
        ({"fee_min": "12.5", "fee_max": ""}, "fee_min", "整数"),
        ({"fee_min": "", "fee_max": ""}, "fee_min", "与现在登记的内容相同"),
    ):
        response = await post(client, "/my/changes", {"field": "fees", **form})
        assert response.status_code == 422, form
        assert words in error_beside_id(response.text, f"f-{field}"), (form, response.text)
        assert f'value="{form["fee_min"]}"' in response.text  # what the home typed is kept
    assert await ChangeRequest.count().run() == 0


async def test_one_open_fee_request_per_home_and_the_api_names_the_range(client, home):  # noqa: F811
    path = "/api/v1/my/changes"
    bad = await client.post(path, json={"field": "fees", "fee_min": 3000, "fee_max": 1200}, headers=home["auth"])
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["fee_max"]
    assert bad.json()["errors"][0]["code"] == "below_fee_min"

    asked = await client.post(path, json={"field": "fees", "fee_min": 1200, "fee_max": None}, headers=home["auth"])

    assert asked.status_code == 201, asked.text
    body = asked.json()
    assert (body["field"], body["current_value"]) == ("fees", "未报送")
    assert body["requested_value"] == "最低 1200 元/月，最高未报送"
    assert (body["requested_fee_min"], body["requested_fee_max"]) == (1200, None)
    again = await client.post(path, json={"field": "fees", "fee_min": 900}, headers=home["auth"])
    assert again.status_code == 409 and [e["field"] for e in again.json()["errors"]] == ["field"]
    listed = (await client.get(path, headers=home["auth"])).json()
    assert [(r["field"], r["requested_fee_min"]) for r in listed] == [("fees", 1200)]
    assert await ChangeRequest.count().run() == 1


async def test_the_openapi_document_names_the_fee_request(client):
    schemas = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]
    filing = schemas["RegistryChangeFiling"]
    assert {"fee_min", "fee_max"} <= set(filing["properties"]) and filing["required"] == ["field"]
    assert "fees" in str(filing["properties"]["field"])
    assert {"requested_fee_min", "requested_fee_max"} <= set(schemas["RegistryChangeOut"]["properties"])


async def test_fee_numbers_sent_with_another_field_or_a_value_sent_with_fees_are_refused(client, home):  # noqa: F811
    path = "/api/v1/my/changes"
    stray = await client.post(
        path, json={"field": "phone", "requested_value": "0519-88886666", "fee_max": 3500}, headers=home["auth"]
    )
    assert stray.status_code == 422
    assert [(e["field"], e["code"]) for e in stray.json()["errors"]] == [("fee_max", "only_for_fees")]
    mixed = await client.post(
        path, json={"field": "fees", "requested_value": "1200-3500", "fee_min": 1200}, headers=home["auth"]
    )
    assert mixed.status_code == 422
    assert [(e["field"], e["code"]) for e in mixed.json()["errors"]] == [("requested_value", "not_for_fees")]
    assert await ChangeRequest.count().run() == 0
