"""The supervision loop in the workspace (issue 19): a district regulator keeps its roster, records a task's
result with the policy's checklist, sees a mistake beside its field, publishes, and the dashboard shows overdue
items."""

from __future__ import annotations

from datetime import timedelta

from credit.accounts.service import create_user
from credit.supervision import service as supervision
from credit.supervision.tables import SupervisionTask
from credit.timeutil import today
from tests.supervision.world import TIANNING, first_of_month, small_city
from tests.workspace.workspace_helpers import PASSWORD, error_beside_id, post, sign_in

CHECKLIST = {f"checklist.{k}": "pass" for k in ("licences", "service_quality", "safety", "fees", "contracts")}


async def test_a_district_regulator_records_publishes_and_keeps_its_roster_in_the_workspace(client):
    await small_city(homes=1)
    await supervision.draw_month(first_of_month())
    await create_user("tianning", password=PASSWORD, actor="test", role="district_regulator", district_code=TIANNING)
    await sign_in(client, "tianning")
    task = await SupervisionTask.select().where(SupervisionTask.district_code == TIANNING).first().run()

    listing = await client.get("/workspace/supervision")
    assert listing.status_code == 200 and listing.text.count('data-testid="task"') == 1  # its district only
    form = await client.get(f"/workspace/supervision/tasks/{task['id']}")
    assert "服务合同" in form.text and "收费管理" in form.text  # the checklist comes from the policy

    wrong = await post(
        client,
        f"/workspace/supervision/tasks/{task['id']}/result",
        {"kind": "general", "inspected_on": today().isoformat(), "outcome": "rectify", **CHECKLIST},
    )
    assert wrong.status_code == 422 and "整改期限" in error_beside_id(wrong.text, "f-rectify_by")
    done = await post(
        client,
        f"/workspace/supervision/tasks/{task['id']}/result",
        {
            "kind": "general",
            "inspected_on": today().isoformat(),
            "outcome": "rectify",
            **CHECKLIST,
            "checklist.fees": "fail",
            "rectify_by": (today() + timedelta(days=10)).isoformat(),
        },
    )
    assert done.status_code == 303
    own = await post(client, f"/workspace/supervision/tasks/{task['id']}/publication", {})
    assert own.status_code == 409 and "职责分离" in own.text and "separation of duties" in own.text
    await create_user("tianning.li", password=PASSWORD, actor="test", role="district_regulator", district_code=TIANNING)
    await post(client, "/logout", {})
    await sign_in(client, "tianning.li")  # a colleague of the district publishes what the first one recorded
    published = await post(client, f"/workspace/supervision/tasks/{task['id']}/publication", {})
    assert published.status_code == 303
    assert (await SupervisionTask.select(SupervisionTask.status).where(SupervisionTask.id == task["id"]).first().run())[
        "status"
    ] == "published"

    added = await post(
        client,
        "/workspace/supervision/inspectors",
        {
            "name": "李建国",
            "certificate_number": "32040299001",
            "agency_code": "civil_affairs",
            "district_code": TIANNING,
        },
    )
    assert added.status_code == 303
    again = await post(
        client,
        "/workspace/supervision/inspectors",
        {
            "name": "李建国",
            "certificate_number": "32040299001",
            "agency_code": "civil_affairs",
            "district_code": TIANNING,
        },
    )
    assert again.status_code == 409 and "不能重复登记" in again.text
    assert "李建国" in (await client.get("/workspace/supervision/inspectors")).text


async def test_the_dashboard_counts_a_result_not_published_in_time_and_an_overdue_rectification(client):
    await small_city(homes=1)
    await supervision.draw_month(first_of_month())
    await create_user("city", password=PASSWORD, actor="test", role="city_regulator")
    await sign_in(client, "city")
    late = today() - timedelta(days=1)
    await (
        SupervisionTask.update(
            {
                SupervisionTask.status: "recorded",
                SupervisionTask.outcome: "rectify",
                SupervisionTask.inspected_on: late,
                SupervisionTask.publish_by: late,
                SupervisionTask.rectify_by: late,
            }
        )
        .where(SupervisionTask.district_code == TIANNING)
        .run()
    )
    page = await client.get("/workspace/")
    section = page.text.split('data-testid="supervision-overdue"')[1].split("</ul>")[0]
    assert "results not published in time</span>：1" in section
    assert "rectifications past their deadline</span>：1" in section
