"""The list procedure's states, transitions and dates (民发〔2019〕103号), as plain rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scoring import policy_for
from scoring.dates import add_months

from credit.listings.calendar import WorkingCalendar

PROPOSED, NOTIFIED, OBJECTED, LISTED, REMOVED, WITHDRAWN = (
    "proposed", "notified", "objected", "listed", "removed", "withdrawn")
STATES = (PROPOSED, NOTIFIED, OBJECTED, LISTED, REMOVED, WITHDRAWN)
ACTIVE_STATES = (PROPOSED, NOTIFIED, OBJECTED, LISTED)
BEHAVIOURS = {
    "1": ("超出章程规定的宗旨和业务范围开展活动", "acting beyond charter or business scope"),
    "2": ("在养老服务活动中侵害老年人合法权益", "infringing older people's rights in service"),
    "3": ("向老年人非法集资或欺骗销售保健品等", "illegal fund-raising or deceptive product sales to older people"),
    "4": ("存在重大火灾隐患，经消防救援机构通知后逾期未整改", "major fire hazard unrectified past its deadline"),
    "5": ("对安全事故负有主要责任或直接责任", "main or direct responsibility for a safety accident"),
    "6": ("骗取、冒领补贴或挪用、侵占资金", "subsidies obtained by false claims or misuse of public funds"),
    "7": ("拒绝、阻挠监督检查或弄虚作假", "refusing or obstructing inspection, or falsifying in it"),
    "8": ("未按规定报送年度报告或履行信息公开义务", "annual report not filed or disclosure duties not met"),
    "9": ("其他严重违法或失信行为", "other serious illegal or dishonest conduct"),
    "court_debtor": ("被人民法院依法认定为失信被执行人", "designated a dishonest judgment debtor by a court"),
}
SUBJECT_KINDS = ("institution", "practitioner")

# state -> the states it may move to
TRANSITIONS = {
    PROPOSED: (NOTIFIED, WITHDRAWN),
    NOTIFIED: (OBJECTED, LISTED, WITHDRAWN),
    OBJECTED: (LISTED, WITHDRAWN),
    LISTED: (REMOVED,),
    REMOVED: (),
    WITHDRAWN: (),
}


@dataclass(frozen=True, slots=True)
class Deadline:
    day: date
    confirmed: bool


def objection_deadline(notified_on: date, calendar: WorkingCalendar) -> Deadline:
    """The last day to object: the policy's number of working days after notification."""
    days = policy_for(notified_on).listing.objection_working_days
    result = calendar.add_working_days(notified_on, days)
    return Deadline(result.day, result.confirmed)


def listing_dates(listed_on: date) -> dict[str, date]:
    """When a listing expires, and from when early removal (credit repair) may be applied for."""
    rules = policy_for(listed_on).listing
    return {"listed_on": listed_on, "expires_on": add_months(listed_on, 12 * rules.duration_years),
            "early_removal_from": add_months(listed_on, 12 * rules.early_removal_after_years)}
