"""When a year's holiday notice arrives, entries listed on a guessed deadline that the notice moves later
are flagged for review with the objection window reopened; the CLI says what waits and what was flagged."""

from __future__ import annotations

from datetime import date

import pytest

from credit.errors import IllegalTransition, ProcedureRefused
from credit.listings import service
from credit.listings.calendar import WorkingCalendar, YearData, fallback_is_working_day
from credit.listings.jobs import advance_list, recompute_deadlines
from credit.listings.schemas import DecisionIn, ObjectionIn, ProposalIn, RemovalIn, StepIn, WithdrawalIn
from credit.listings.tables import ListingEntry
from tests.listings.test_listing_procedure import ADMIN, REVIEWER, home, proposal  # noqa: F401 (fixture)


class WithoutNotice2025(WorkingCalendar):
    """The calendar as it was before the 2025 notice was loaded (steps cannot be dated in the future, so the
    test replays a past year): 2025 counted by the fallback, unconfirmed."""

    def is_working_day(self, day: date) -> tuple[bool, bool]:
        if day.year == 2025:
            return fallback_is_working_day(day), False
        return super().is_working_day(day)


async def guessed_entry(home: dict) -> dict:
    """An entry notified on Thu 2 Jan 2025 while 2025 had no data: deadline counted as Thu 9 Jan (unconfirmed)."""
    entry = await service.notify(
        (await proposal(home))["id"], StepIn(on=date(2025, 9, 26), backdate_reason="补录"), ADMIN
    )
    await (
        ListingEntry.update(
            {
                ListingEntry.notified_on: date(2025, 1, 2),
                ListingEntry.objection_deadline: date(2025, 1, 9),
                ListingEntry.objection_deadline_confirmed: False,
            }
        )
        .where(ListingEntry.id == entry["id"])
        .run()
    )
    return entry


async def test_a_listing_the_real_calendar_moves_later_is_flagged_and_the_window_reopened(home, monkeypatch):
    # DESIGN (民发〔2019〕103号 objection window of 5 working days): never keep a listing made before the
    # real deadline silently. Here the notice, once loaded, makes 6-10 Jan a holiday week.
    entry = await guessed_entry(home)
    monkeypatch.setattr(service, "_calendar", WithoutNotice2025(extra_years={}))
    assert (await advance_list(date(2025, 1, 15))).listed == [entry["id"]]
    notice = YearData(holidays=frozenset(date(2025, 1, d) for d in (6, 7, 8, 9, 10)), workdays=frozenset())
    monkeypatch.setattr(service, "_calendar", WorkingCalendar(extra_years={2025: notice}))
    result = await recompute_deadlines(date(2025, 1, 16))
    after = await service.entry_detail(entry["id"])
    # real deadline: 3 Jan, 13, 14, 15, 16 Jan -> Thu 16 Jan; listed 15 Jan lost two working days (15, 16)
    assert result.flagged == [entry["id"]] and after["objection_deadline"] == date(2025, 1, 16)
    assert after["objection_deadline_confirmed"] is True and after["status"] == "listed"
    assert after["calendar_review_until"] == date(2025, 1, 20) and "2 working day(s)" in after["calendar_review_note"]
    assert (await recompute_deadlines(date(2025, 1, 16))).flagged == []  # once
    with pytest.raises(ProcedureRefused, match="reopened objection window closed"):
        await service.object_to(
            entry["id"], ObjectionIn(**{"text": "x", "on": "2025-01-21", "backdate_reason": "补录"}), ADMIN
        )


async def test_a_reopened_window_lets_the_subject_object_and_an_entry_without_one_does_not(home, monkeypatch):
    entry = await guessed_entry(home)
    monkeypatch.setattr(service, "_calendar", WithoutNotice2025(extra_years={}))
    await advance_list(date(2025, 1, 15))
    await (
        ListingEntry.update(
            {ListingEntry.calendar_review_until: date(2025, 1, 20), ListingEntry.calendar_review_note: "reopened"}
        )
        .where(ListingEntry.id == entry["id"])
        .run()
    )
    objected = await service.object_to(
        entry["id"], ObjectionIn(**{"text": "异议期不足", "on": "2025-01-17", "backdate_reason": "补录"}), ADMIN
    )
    assert objected["status"] == "objected"
    other = await service.notify(
        (await proposal(home, behaviour="9"))["id"], StepIn(on=date(2025, 9, 26), backdate_reason="补录"), ADMIN
    )
    await advance_list(date(2025, 10, 20))
    with pytest.raises(IllegalTransition):
        await service.object_to(
            other["id"], ObjectionIn(**{"text": "x", "on": "2025-10-21", "backdate_reason": "补录"}), ADMIN
        )


async def court_entry(home: dict) -> dict:
    return await service.propose(
        ProposalIn(
            uscc=home["uscc"],
            behaviour="court_debtor",
            facts="（2025）苏04执12号",
            basis="失信被执行人名单",
            on=date(2025, 9, 26),
            backdate_reason="补录",
        ),
        ADMIN,
    )


async def test_a_court_designation_cannot_be_withdrawn_by_review_and_has_no_fixed_end(home):
    # 民发〔2019〕103号 art. 6 para. 2: a court's 失信被执行人 designation is listed; it follows the court's list.
    entry = await court_entry(home)
    with pytest.raises(ProcedureRefused, match="follows the court's list"):
        await service.withdraw(entry["id"], WithdrawalIn(reasons="复核撤回"), ADMIN)
    await service.object_to(
        entry["id"], ObjectionIn(**{"text": "已履行", "on": "2025-09-29", "backdate_reason": "补录"}), ADMIN
    )
    with pytest.raises(ProcedureRefused, match="follows the court's list") as refused:
        await service.decide(entry["id"], DecisionIn(outcome="withdrawn", reasons="r"), REVIEWER)
    assert refused.value.field == "outcome"
    listed = await service.decide(entry["id"], DecisionIn(outcome="upheld", reasons="r"), REVIEWER)
    assert listed["status"] == "listed" and listed["expires_on"] is None and listed["early_removal_from"] is None
    assert (await advance_list(date(2029, 12, 1))).expired == []  # not after a fixed 3 years
    with pytest.raises(ProcedureRefused, match="follows the court's list"):
        await service.remove(entry["id"], RemovalIn(reason="expired"), REVIEWER)
    removed = await service.remove(entry["id"], RemovalIn(reason="court_removed", reasons="法院已屏蔽"), REVIEWER)
    assert removed["status"] == "removed" and removed["removal_reason"] == "court_removed"


async def test_court_removed_is_only_for_a_court_designation(home):
    entry = await service.notify(
        (await proposal(home))["id"], StepIn(on=date(2025, 9, 26), backdate_reason="补录"), ADMIN
    )
    await advance_list(date(2025, 10, 20))
    with pytest.raises(ProcedureRefused, match="only a court's"):
        await service.remove(entry["id"], RemovalIn(reason="court_removed"), REVIEWER)
