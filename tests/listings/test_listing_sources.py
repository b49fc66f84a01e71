"""Where a proposal may come from: an agency only through its own serious penalty report, the detection
job alone marks entries auto-detected, and the scheduled advance never lists on a guess."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from credit.accounts.roles import Principal
from credit.errors import ValidationFailed
from credit.listings import service
from credit.listings.jobs import advance_list, detect_unrectified_fire_hazards
from credit.listings.schemas import ProposalIn, ReportProposal, StepIn, WithdrawalIn
from credit.listings.tables import ListingBasis, ListingEntry
from credit.records import service as records
from credit.records.schemas import PenaltyIn
from credit.registry.schemas import InstitutionIn, PractitionerIn
from credit.sharing.reports import report_penalty
from credit.sharing.schemas import PenaltyReport
from credit.validation import typed_from_text
from tests.factories import fire_inspection_in
from tests.listings.test_listing_procedure import ADMIN, home, proposal  # noqa: F401 (fixture)

HEALTH = Principal(user_id=0, username="agency:health", role="agency", agency_code="health", via="key")
FIRE = Principal(user_id=0, username="agency:fire_rescue", role="agency", agency_code="fire_rescue", via="key")


def serious_report(home: dict, number: str, **changes: str) -> PenaltyReport:
    """A health-commission report of a serious penalty naming behaviour 3, as its text is posted."""
    body = {
        "subject_name": home["name"],
        "uscc": home["uscc"],
        "decision_number": number,
        "facts": "向老年人欺骗销售保健品",
        "legal_basis": "《老年人权益保障法》第七十八条",
        "penalty_kind": "罚款",
        "content": "罚款十万元",
        "fine_yuan": "100000",
        "decision_date": "2025-05-06",
        "deciding_agency": "常州市卫生健康委员会",
        "severity": "serious",
        "listing_behaviour": "3",
        **changes,
    }
    return typed_from_text(PenaltyReport, body)


async def test_a_serious_report_with_a_listing_behaviour_proposes_on_the_agencys_own_penalty(home):
    result = await report_penalty(serious_report(home, "常卫罚〔2025〕7号"), HEALTH)
    entry = await service.entry_detail(result.proposed_entry)
    assert entry["status"] == "proposed" and entry["penalty_ids"] == [result.penalty["id"]]
    assert entry["auto_detected"] is False


async def test_an_agency_proposal_may_not_rest_on_another_agencys_penalty(home):
    other = await report_penalty(serious_report(home, "常卫罚〔2025〕8号", listing_behaviour=""), HEALTH)
    with pytest.raises(ValidationFailed, match="not reported by your agency"):
        await service.propose_from_report(
            ReportProposal(
                institution_id=home["id"], behaviour="3", facts="f", basis="b", penalty_ids=[other.penalty["id"]]
            ),
            FIRE,
        )
    assert await ListingEntry.count().run() == 0


async def test_a_basis_penalty_must_be_against_the_subject_also_for_a_practitioner_entry(home):
    from credit.registry import service as registry
    from tests.listings.test_listing_procedure import code

    person = await registry.add_practitioner(
        home["id"], PractitionerIn(**{"name": "王芳", "role": "manager", "id_number": "11010519491231002X"}), ADMIN
    )
    other = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(99),
                "name": "别家养老院",
                "district_code": "320402",
                "beds": 10,
                "owner_type": "private_nonprofit",
            }
        ),
        ADMIN,
    )
    foreign = await records.create_penalty(
        other["id"],
        typed_from_text(
            PenaltyIn,
            {
                "decision_number": "天民罚字〔2025〕99号",
                "facts": "f",
                "legal_basis": "b",
                "penalty_kind": "罚款",
                "content": "罚款",
                "decision_date": "2025-01-06",
                "deciding_agency": "天宁区民政局",
                "severity": "serious",
            },
        ),
        ADMIN,
    )
    with pytest.raises(ValidationFailed, match="is not against this institution"):
        await service.propose(
            ProposalIn(
                uscc=home["uscc"],
                practitioner_id=person["id"],
                behaviour="2",
                facts="f",
                basis="b",
                penalty_ids=[foreign["id"]],
            ),
            ADMIN,
        )
    assert await ListingEntry.count().run() == 0 and await ListingBasis.count().run() == 0


async def test_auto_detected_in_a_request_is_ignored_only_the_detection_job_sets_it(home):
    # a proposal has no auto_detected field (the API refuses one as an unknown field, the form's is not read)
    typed = await service.propose(ProposalIn(uscc=home["uscc"], behaviour="4", facts="f", basis="b"), ADMIN)
    assert typed["auto_detected"] is False
    await service.withdraw(typed["id"], WithdrawalIn(reasons="测试"), ADMIN)
    await records.create_fire_inspection(
        home["id"],
        fire_inspection_in(
            {
                "inspected_on": "2025-06-01",
                "checklist": {
                    a: "pass"
                    for a in (
                        "fire_resistance",
                        "resident_floors",
                        "fire_separation",
                        "evacuation",
                        "fire_facilities",
                        "fire_management",
                        "micro_fire_station",
                    )
                },
                "hazards": [{"category": "fire", "description": "自动喷水灭火系统瘫痪", "rectify_by": "2025-07-01"}],
            }
        ),
        ADMIN,
    )
    proposed = await detect_unrectified_fire_hazards(date(2025, 7, 2))
    assert len(proposed) == 1 and (await service.entry_detail(proposed[0]))["auto_detected"] is True


ALL_PASS = {
    a: "pass"
    for a in (
        "fire_resistance",
        "resident_floors",
        "fire_separation",
        "evacuation",
        "fire_facilities",
        "fire_management",
        "micro_fire_station",
    )
}


async def test_only_an_overdue_major_fire_hazard_proposes_behaviour_4_citing_its_item(home):
    # 民发〔2019〕103号 art. 6(1)(4): "存在重大火灾隐患，无故拖延，逾期不改的" — a fire hazard, not any major
    # accident hazard of the MCA 2023 criteria (a missing medical licence is not behaviour 4).
    await records.create_fire_inspection(
        home["id"],
        fire_inspection_in(
            {
                "inspected_on": "2025-06-01",
                "checklist": ALL_PASS,
                "hazards": [
                    {
                        "category": "safety_licence",
                        "description": "未取得医疗机构执业许可证",
                        "rectify_by": "2025-07-01",
                    },
                    {"category": "management_failure", "description": "夜间无值班人员", "rectify_by": "2025-07-01"},
                ],
            }
        ),
        ADMIN,
    )
    assert await detect_unrectified_fire_hazards(date(2025, 7, 2)) == []
    await records.create_fire_inspection(
        home["id"],
        fire_inspection_in(
            {
                "inspected_on": "2025-06-10",
                "checklist": ALL_PASS,
                "hazards": [{"category": "fire", "description": "疏散楼梯间防火门损坏", "rectify_by": "2025-07-01"}],
            }
        ),
        ADMIN,
    )
    [entry_id] = await detect_unrectified_fire_hazards(date(2025, 7, 2))
    entry = await service.entry_detail(entry_id)
    assert entry["behaviour"] == "4" and "疏散楼梯间防火门损坏" in entry["facts"]
    assert "未取得医疗机构执业许可证" not in entry["facts"]
    assert (
        entry["basis"]
        == "《养老服务市场失信联合惩戒对象名单管理办法（试行）》（民发〔2019〕103号）第六条第一款第（四）项"
    )
    assert entry["behaviour_label"] == "存在重大火灾隐患，无故拖延，逾期不改的"


async def test_the_advance_job_never_lists_on_an_unconfirmed_deadline(home, monkeypatch):
    from credit.listings.calendar import WorkingCalendar

    entry = await service.notify(
        (await proposal(home))["id"], StepIn(on=date(2025, 9, 26), backdate_reason="补录"), ADMIN
    )
    # notified in a year without official calendar data: the deadline was counted Monday-Friday, a guess
    await (
        ListingEntry.update(
            {
                ListingEntry.notified_on: date(2031, 1, 2),
                ListingEntry.objection_deadline: date(2031, 1, 9),
                ListingEntry.objection_deadline_confirmed: False,
            }
        )
        .where(ListingEntry.id == entry["id"])
        .run()
    )
    monkeypatch.setattr(service, "_calendar", WorkingCalendar(extra_years={}))
    # Policy 2026.1 [listing] confirmation_margin_working_days = 3: after the guessed deadline (Thu 9 Jan
    # 2031) the list waits three more working days (10, 13, 14 Jan) and says so.
    waiting = await advance_list(date(2031, 1, 14))
    assert waiting.listed == [] and [(w.id, w.deadline, w.lists_from) for w in waiting.waiting] == [
        (entry["id"], date(2031, 1, 9), date(2031, 1, 15))
    ]
    assert (await service.entry_detail(entry["id"]))["status"] == "notified"
    listed = await advance_list(date(2031, 1, 15))
    after = await service.entry_detail(entry["id"])
    assert listed.listed == [entry["id"]] and after["listed_on"] == date(2031, 1, 15)
    assert after["objection_deadline_confirmed"] is False  # still a guess: recomputed when the data arrives


async def test_the_cli_explains_an_entry_waiting_for_the_official_calendar(home, monkeypatch, capsys):
    from credit.listings.calendar import WorkingCalendar
    from credit.listings.commands import _explain

    entry = await service.notify(
        (await proposal(home))["id"], StepIn(on=date(2025, 9, 26), backdate_reason="补录"), ADMIN
    )
    await (
        ListingEntry.update(
            {
                ListingEntry.notified_on: date(2031, 1, 2),
                ListingEntry.objection_deadline: date(2031, 1, 9),
                ListingEntry.objection_deadline_confirmed: False,
            }
        )
        .where(ListingEntry.id == entry["id"])
        .run()
    )
    monkeypatch.setattr(service, "_calendar", WorkingCalendar(extra_years={}))
    _explain(await advance_list(date(2031, 1, 12)))
    out = capsys.readouterr().out
    assert f"entry {entry['id']}: objection deadline 2031-01-09 is unconfirmed" in out
    assert "not listed" in out and "it lists on 2031-01-15" in out


@pytest.fixture
def cli(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "ELDERCREDIT_DATA_DIR": str(tmp_path)}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "credit.cli", *args], env=env, capture_output=True, text=True, timeout=120
        )

    return run


def test_the_cli_never_advances_the_list_ahead_of_time_and_steps_only_as_a_named_regulator(cli):
    assert cli("migrate").returncode == 0
    ahead = cli("listings", "advance", "--on", "2099-01-01")
    assert ahead.returncode == 2 and "after today" in ahead.stderr
    nobody = cli("listings", "step", "1", "notify", "--actor", "nobody")
    assert nobody.returncode == 1 and "not an active account" in nobody.stderr


def test_the_cli_recompute_command_reports_confirmed_and_flagged(cli):
    assert cli("migrate").returncode == 0
    done = cli("listings", "recompute")
    assert done.returncode == 0 and "0 deadlines confirmed, 0 flagged for review." in done.stdout
    advanced = cli("listings", "advance")
    assert advanced.returncode == 0 and "0 waiting for the official calendar, 0 flagged for review" in advanced.stdout
