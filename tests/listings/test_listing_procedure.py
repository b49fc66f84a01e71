"""The joint-punishment list procedure, step by step, with every refusal a regulator could meet."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from stdnum.cn import uscc as uscc_rules

from credit.accounts.roles import Principal
from credit.accounts.system import system_principal
from credit.errors import Forbidden, IllegalTransition, ProcedureRefused, ValidationFailed
from credit.listings import service
from credit.listings.jobs import advance_list, detect_unrectified_fire_hazards
from credit.listings.schemas import (
    DecisionIn,
    EarlyRemovalDecisionIn,
    EarlyRemovalIn,
    ObjectionIn,
    ProposalIn,
    RemovalIn,
    StepIn,
    WithdrawalIn,
)
from credit.public.facts import load_facts
from credit.public.listed import current_list
from credit.records import service as records
from credit.records.schemas import GradingIn, PenaltyIn, PenaltyUpdate
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies
from credit.sharing.tables import ChangeEvent
from credit.validation import typed_from_text
from scoring import evaluate, policy_for
from tests.factories import fire_inspection_in

ADMIN = system_principal("regulator")
REVIEWER = system_principal("reviewer")  # decides reviews of entries ADMIN proposed (separation of duties)
TIANNING_OFFICER = Principal(user_id=7, username="tn", role="district_regulator", district_code="320402")
WUJIN_OFFICER = Principal(user_id=8, username="wj", role="district_regulator", district_code="320412")
FIRE_OFFICER = Principal(user_id=9, username="fire", role="agency_officer", agency_code="fire_rescue")


def code(n: int) -> str:
    body = f"52320402MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


@pytest.fixture
async def home(db) -> dict:
    await ensure_agencies()
    institution = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(1),
                "name": "常州市天宁区康乐养老院",
                "district_code": "320402",
                "beds": 100,
                "owner_type": "private_nonprofit",
                "legal_representative": "张建国",
            }
        ),
        ADMIN,
    )
    penalty = await records.create_penalty(
        institution["id"],
        typed_from_text(
            PenaltyIn,
            {
                "decision_number": "天民罚字〔2025〕9号",
                "facts": "护理员殴打老年人",
                "legal_basis": "《老年人权益保障法》第七十八条",
                "penalty_kind": "罚款",
                "content": "罚款五万元",
                "decision_date": "2025-01-06",
                "deciding_agency": "天宁区民政局",
                "severity": "serious",
                "fine_yuan": "50000",
            },
        ),
        ADMIN,
    )
    return {**institution, "penalty_id": penalty["id"]}


async def proposal(home, on=date(2025, 9, 20), behaviour="2", by=ADMIN) -> dict:
    return await service.propose(
        ProposalIn(
            uscc=home["uscc"],
            behaviour=behaviour,
            facts="护理员殴打老年人",
            basis="第六条第二项",
            penalty_ids=[home["penalty_id"]],
            on=on,
            backdate_reason="补录",
        ),
        by,
    )


async def test_a_proposal_starts_proposed_with_its_basis_and_a_feed_event(home):
    entry = await proposal(home)
    assert entry["status"] == "proposed" and entry["penalty_numbers"] == ["天民罚字〔2025〕9号"]
    assert entry["behaviour_label"] == "因养老服务行为侵害老年人合法权益的"  # 民发〔2019〕103号 art. 6(1)(2)
    events = await ChangeEvent.select().where(ChangeEvent.type == "listing").run()
    assert [e["op"] for e in events] == ["proposed"]


async def test_notice_across_national_day_2025_gives_the_working_day_deadline(home):
    entry = await service.notify(
        (await proposal(home))["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN
    )
    # Sunday 28 Sep is a make-up working day; 1-8 Oct are holidays.
    assert entry["status"] == "notified" and entry["objection_deadline"] == date(2025, 10, 10)
    assert entry["objection_deadline_confirmed"] is True


async def test_notice_across_spring_festival_2026_gives_the_working_day_deadline(home):
    entry = await service.notify(
        (await proposal(home, on=date(2026, 2, 10)))["id"], StepIn(backdate_reason="补录", on=date(2026, 2, 12)), ADMIN
    )
    assert entry["objection_deadline"] == date(2026, 2, 26)


async def test_without_objection_the_entry_is_listed_the_day_after_the_window_for_three_years(home):
    entry = await service.notify(
        (await proposal(home))["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN
    )
    result = await advance_list(date(2025, 10, 11))
    listed = await service.entry_detail(entry["id"])
    assert result.listed == [entry["id"]] and listed["status"] == "listed"
    assert listed["listed_on"] == date(2025, 10, 11) and listed["expires_on"] == date(2028, 10, 11)
    assert listed["early_removal_from"] == date(2027, 10, 11)
    assert (await advance_list(date(2025, 10, 10))).listed == []


async def test_an_objection_inside_the_window_then_upheld_lists_the_entry(home):
    entry = await service.notify(
        (await proposal(home))["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN
    )
    objected = await service.object_to(
        entry["id"], ObjectionIn(**{"backdate_reason": "补录", "on": "2025-10-10", "text": "事实有误"}), ADMIN
    )
    assert objected["status"] == "objected"
    decided = await service.decide(
        entry["id"],
        DecisionIn(outcome="upheld", reasons="复核属实", backdate_reason="补录", on=date(2025, 10, 20)),
        REVIEWER,
    )
    assert decided["status"] == "listed" and decided["listed_on"] == date(2025, 10, 20)
    assert [s["to_status"] for s in decided["steps"]] == ["proposed", "notified", "objected", "listed"]


async def test_an_objection_upheld_for_the_subject_withdraws_the_entry(home):
    entry = await service.notify(
        (await proposal(home))["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN
    )
    await service.object_to(
        entry["id"], ObjectionIn(**{"backdate_reason": "补录", "on": "2025-09-29", "text": "已整改"}), ADMIN
    )
    decided = await service.decide(
        entry["id"],
        DecisionIn(outcome="withdrawn", reasons="证据不足", backdate_reason="补录", on=date(2025, 10, 9)),
        REVIEWER,
    )
    assert decided["status"] == "withdrawn" and (await current_list()).total == 0


async def test_an_objection_after_the_window_is_refused_with_the_closing_date(home):
    entry = await service.notify(
        (await proposal(home))["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN
    )
    with pytest.raises(ProcedureRefused, match="closed on 2025-10-10"):
        await service.object_to(
            entry["id"], ObjectionIn(**{"backdate_reason": "补录", "on": "2025-10-11", "text": "迟到的异议"}), ADMIN
        )
    assert (await service.entry_detail(entry["id"]))["status"] == "notified"


@pytest.mark.parametrize("step", ["object", "decide", "remove", "apply"])
async def test_a_step_out_of_order_is_refused_naming_the_current_state(home, step):
    entry = await proposal(home)
    calls = {
        "object": lambda: service.object_to(entry["id"], ObjectionIn(**{"text": "x"}), ADMIN),
        "decide": lambda: service.decide(entry["id"], DecisionIn(outcome="upheld", reasons="x"), REVIEWER),
        "remove": lambda: service.remove(entry["id"], RemovalIn(reason="error"), ADMIN),
        "apply": lambda: service.apply_early_removal(entry["id"], EarlyRemovalIn(**{"statement": "x"}), ADMIN),
    }
    with pytest.raises(IllegalTransition) as refused:
        await calls[step]()
    assert refused.value.current == "proposed" and "is proposed" in str(refused.value)


async def test_notifying_twice_is_refused(home):
    entry = await service.notify(
        (await proposal(home))["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN
    )
    with pytest.raises(IllegalTransition, match="is notified"):
        await service.notify(entry["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 27)), ADMIN)


async def test_listing_ends_after_three_years_as_expired_and_leaves_the_public_list(home):
    entry = await service.notify(
        (await proposal(home))["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN
    )
    await advance_list(date(2025, 10, 11))
    assert (await current_list()).total == 1
    with pytest.raises(ProcedureRefused, match="runs until 2028-10-11"):
        await service.remove(
            entry["id"], RemovalIn(reason="expired", backdate_reason="补录", on=date(2026, 1, 1)), ADMIN
        )
    result = await advance_list(date(2028, 10, 11))
    removed = await service.entry_detail(entry["id"])
    assert result.expired == [entry["id"]] and removed["status"] == "removed"
    assert removed["removal_reason"] == "expired" and removed["removed_on"] == date(2028, 10, 11)
    assert (await current_list()).total == 0


async def test_early_removal_only_after_two_full_years_then_approved_as_repaired(home):
    entry = await service.notify(
        (await proposal(home, on=date(2023, 9, 1)))["id"], StepIn(backdate_reason="补录", on=date(2023, 9, 4)), ADMIN
    )
    await advance_list(date(2023, 9, 20))
    listed = await service.entry_detail(entry["id"])
    assert listed["listed_on"] == date(2023, 9, 12)
    with pytest.raises(ProcedureRefused, match="from 2025-09-12"):
        await service.apply_early_removal(
            entry["id"], EarlyRemovalIn(**{"statement": "已整改", "backdate_reason": "补录", "on": "2025-09-11"}), ADMIN
        )
    await service.apply_early_removal(
        entry["id"], EarlyRemovalIn(**{"statement": "已整改", "backdate_reason": "补录", "on": "2025-09-12"}), ADMIN
    )
    rejected = await service.decide_early_removal(
        entry["id"], EarlyRemovalDecisionIn(**{"decision": "rejected", "reasons": "整改不到位"}), REVIEWER
    )
    assert rejected["status"] == "listed" and rejected["applications"][0]["decision"] == "rejected"
    await service.apply_early_removal(
        entry["id"], EarlyRemovalIn(**{"statement": "再次申请", "backdate_reason": "补录", "on": "2025-10-12"}), ADMIN
    )
    approved = await service.decide_early_removal(
        entry["id"],
        EarlyRemovalDecisionIn(
            **{"decision": "approved", "reasons": "整改到位", "backdate_reason": "补录", "on": "2025-10-20"}
        ),
        REVIEWER,
    )
    assert approved["status"] == "removed" and approved["removal_reason"] == "repaired"


async def test_revoking_the_basis_penalty_removes_the_listed_entry(home):
    entry = await service.notify(
        (await proposal(home))["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN
    )
    await advance_list(date(2025, 10, 11))
    penalty = await records.get_penalty(home["penalty_id"])
    await records.update_penalty(
        home["penalty_id"],
        typed_from_text(
            PenaltyUpdate,
            {
                **penalty,
                "revoked": True,
                "revoked_on": "2025-11-01",
                "fine_yuan": str(penalty["fine_yuan"]),
                "version": penalty["version"],
            },
        ),
        ADMIN,
    )
    removed = await service.entry_detail(entry["id"])
    assert removed["status"] == "removed" and removed["removal_reason"] == "revoked_basis"


async def test_a_listed_institution_is_level_d_and_may_not_be_graded(home):
    entry = await service.notify(
        (await proposal(home))["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN
    )
    await advance_list(date(2025, 10, 11))
    facts = (await load_facts([home["id"]]))[home["id"]]
    assert evaluate(facts, policy_for(date(2025, 11, 1)), date(2025, 11, 1)).level == "D"
    with pytest.raises(ValidationFailed, match="not eligible"):
        await records.create_grading(
            home["id"],
            typed_from_text(
                GradingIn,
                {"decided_on": "2025-11-01", "environment": 110, "facilities": 120, "operations": 140, "services": 560},
            ),
            ADMIN,
        )
    assert entry["id"]


async def test_a_court_dishonest_debtor_designation_goes_straight_to_notified(home):
    entry = await service.propose(
        ProposalIn(
            uscc=home["uscc"],
            behaviour="court_debtor",
            facts="被（2025）苏0402执123号认定为失信被执行人",
            basis="法院决定书",
            backdate_reason="补录",
            on=date(2025, 9, 26),
        ),
        ADMIN,
    )
    assert entry["status"] == "notified" and entry["objection_deadline"] == date(2025, 10, 10)


async def test_a_second_active_entry_for_the_same_behaviour_is_refused(home):
    await proposal(home)
    with pytest.raises(ProcedureRefused, match="already has an active"):
        await proposal(home)


async def test_a_basis_penalty_of_another_institution_is_refused(home):
    with pytest.raises(ValidationFailed, match="penalty 999 does not exist"):
        await service.propose(
            ProposalIn(uscc=home["uscc"], behaviour="2", facts="x", basis="y", penalty_ids=[999]), ADMIN
        )


async def test_only_regulators_of_the_district_decide(home):
    entry = await proposal(home)
    with pytest.raises(Forbidden):
        await service.notify(entry["id"], StepIn(), WUJIN_OFFICER)
    with pytest.raises(Forbidden):
        await service.notify(entry["id"], StepIn(), FIRE_OFFICER)
    assert (await service.notify(entry["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), TIANNING_OFFICER))[
        "status"
    ] == "notified"


async def test_an_unrectified_major_fire_hazard_is_proposed_once_as_behaviour_4(home):
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
    assert await detect_unrectified_fire_hazards(date(2025, 7, 1)) == []
    proposed = await detect_unrectified_fire_hazards(date(2025, 7, 2))
    entry = await service.entry_detail(proposed[0])
    assert entry["behaviour"] == "4" and entry["auto_detected"] and entry["status"] == "proposed"
    assert await detect_unrectified_fire_hazards(date(2025, 7, 3)) == []


async def test_concurrent_transitions_on_one_entry_let_exactly_one_win(home):
    entry = await proposal(home)
    results = await asyncio.gather(
        service.notify(entry["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN),
        service.notify(entry["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 29)), TIANNING_OFFICER),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, IllegalTransition)]
    won = [r for r in results if isinstance(r, dict)]
    assert len(won) == 1 and len(refused) == 1, results
    assert (await service.entry_detail(entry["id"]))["status"] == won[0]["status"]


async def test_a_notified_entry_may_still_be_withdrawn_but_not_once_listed(home):
    entry = await service.notify(
        (await proposal(home))["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN
    )
    assert (await service.withdraw(entry["id"], WithdrawalIn(reasons="撤回"), ADMIN))["status"] == "withdrawn"
    other = await service.notify(
        (await proposal(home))["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN
    )
    await advance_list(date(2025, 10, 11))
    with pytest.raises(IllegalTransition, match="is listed"):
        await service.withdraw(other["id"], WithdrawalIn(reasons="撤回"), ADMIN)


async def test_an_unconfirmed_deadline_is_recomputed_when_the_years_calendar_arrives(home, monkeypatch):
    from credit.listings.calendar import WorkingCalendar, YearData
    from credit.listings.tables import ListingEntry

    entry = await service.notify(
        (await proposal(home))["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN
    )
    # As if the entry had been notified in a year without data: Monday-Friday counted, flagged unconfirmed.
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
    assert (await advance_list(date(2031, 1, 5))).confirmed == []
    year = YearData(holidays=frozenset({date(2031, 1, 3)}), workdays=frozenset())
    monkeypatch.setattr(service, "_calendar", WorkingCalendar(extra_years={2031: year}))
    result = await advance_list(date(2031, 1, 5))
    updated = await service.entry_detail(entry["id"])
    assert result.confirmed == [entry["id"]]
    assert updated["objection_deadline"] == date(2031, 1, 10) and updated["objection_deadline_confirmed"]
