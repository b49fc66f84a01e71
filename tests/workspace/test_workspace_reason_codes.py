"""Refusals on workspace pages are worded from their reason codes (credit/reasons.py via portal/i18n): the Chinese
sentence beside the field, with the refusal's numbers and dates filled in, and the service's English beside it."""

from __future__ import annotations

from datetime import timedelta

from test_workspace_forms import error_beside, homes, institution_form, users  # noqa: F401 (fixtures)
from workspace_helpers import TIANNING, make_uscc, post, sign_in

from credit.records.tables import Penalty
from credit.registry.tables import Institution
from credit.timeutil import today


async def test_an_institution_form_says_each_problem_in_chinese_beside_its_field(client, users):
    await sign_in(client, "city")
    bad_uscc = make_uscc(8)[:-1] + ("0" if make_uscc(8)[-1] != "0" else "1")
    form = institution_form(8, uscc=bad_uscc, beds="-3", owner_type="martian", name="院" * 201)
    response = await post(client, "/workspace/institutions/new", form)
    assert response.status_code == 422
    assert "校验位不正确，请核对号码" in error_beside(response.text, "uscc")
    assert "不能小于 0" in error_beside(response.text, "beds")
    assert "请从列出的选项中选择" in error_beside(response.text, "owner_type")
    assert "不能超过 200 个字符" in error_beside(response.text, "name")
    assert "must be at least 0" in error_beside(response.text, "beds")  # the English stays beside it
    assert await Institution.count().run() == 0


async def test_a_duplicate_uscc_is_said_in_chinese_beside_the_field(client, homes):
    await sign_in(client, "city")
    response = await post(client, "/workspace/institutions/new", institution_form(1, name="另一家"))
    assert response.status_code == 409 and "已经登记，不能重复登记" in error_beside(response.text, "uscc")


async def test_a_penalty_form_names_its_dates_and_amounts_in_chinese(client, homes):
    await sign_in(client, "tianning")
    decided = today() - timedelta(days=30)
    penalty = {
        "decision_number": "天民罚字〔2025〕8号",
        "facts": "未按规定配备护理人员",
        "legal_basis": "《养老机构管理办法》第四十六条",
        "penalty_kind": "罚款",
        "content": "罚款五千元",
        "fine_yuan": "5000.505",
        "decision_date": decided.isoformat(),
        "publication_end": (decided - timedelta(days=1)).isoformat(),
        "deciding_agency": "天宁区民政局",
        "subject_kind": "legal_person",
    }
    response = await post(client, f"/workspace/institutions/{homes[TIANNING]}/penalties/new", penalty)
    assert response.status_code == 422
    assert "最多保留到分（两位小数）" in error_beside(response.text, "fine_yuan")
    assert "不能早于处罚决定日期" in error_beside(response.text, "publication_end")
    future = {**penalty, "fine_yuan": "5000", "publication_end": "", "decision_date": "2999-01-01"}
    response = await post(client, f"/workspace/institutions/{homes[TIANNING]}/penalties/new", future)
    assert response.status_code == 422 and "须在 1900-01-01 至 2100-12-31 之间" in error_beside(
        response.text, "decision_date"
    )
    assert await Penalty.count().run() == 0
