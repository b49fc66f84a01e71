"""Joint-punishment list tables (失信联合惩戒对象名单, MCA 民发〔2019〕103号)."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from credit.records.tables import Penalty
from credit.registry.tables import Institution, Practitioner
from credit.sharing.tables import Agency

PROPOSED, NOTIFIED, OBJECTED, LISTED, REMOVED, WITHDRAWN = (
    "proposed", "notified", "objected", "listed", "removed", "withdrawn")
STATES = (PROPOSED, NOTIFIED, OBJECTED, LISTED, REMOVED, WITHDRAWN)
ACTIVE_STATES = (PROPOSED, NOTIFIED, OBJECTED, LISTED)
REMOVAL_REASONS = ("expired", "repaired", "revoked_basis", "error")
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


class ListingEntry(Table):
    """An entry of the joint-punishment list (失信联合惩戒对象名单) and the dates of its procedure."""

    subject_kind = Varchar(length=16)  # institution | practitioner
    institution = ForeignKey(references=Institution, index=True)
    practitioner = ForeignKey(references=Practitioner, null=True)
    behaviour = Varchar(length=16)  # "1".."9" or court_debtor
    status = Varchar(length=16, index=True)  # proposed notified objected listed removed withdrawn
    facts = Text(default="")
    basis = Text(default="")
    proposing_agency = ForeignKey(references=Agency, null=True)
    proposed_on = Date()
    notified_on = Date(null=True, default=None)
    objection_deadline = Date(null=True, default=None)
    objection_deadline_confirmed = Boolean(default=True)
    objected_on = Date(null=True, default=None)
    objection_text = Text(default="")
    reviewed_on = Date(null=True, default=None)
    review_outcome = Varchar(length=16, default="")  # upheld | withdrawn
    listed_on = Date(null=True, default=None)
    expires_on = Date(null=True, default=None)
    early_removal_from = Date(null=True, default=None)
    removed_on = Date(null=True, default=None)
    removal_reason = Varchar(length=16, default="")  # expired | repaired | revoked_basis | error
    auto_detected = Boolean(default=False)
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ListingBasis(Table):
    """A penalty record behind a list entry."""

    entry = ForeignKey(references=ListingEntry, index=True)
    penalty = ForeignKey(references=Penalty, index=True)


class ListingTransition(Table):
    """One step of an entry's procedure: from which state to which, when, by whom and why."""

    entry = ForeignKey(references=ListingEntry, index=True)
    from_status = Varchar(length=16)
    to_status = Varchar(length=16)
    on = Date()
    actor = Varchar(length=100)
    reason = Text(default="")
    backdate_reason = Text(default="")  # why a step dated before the day it was recorded
    at = Timestamptz()


class RemovalApplication(Table):
    """An application for early removal (信用修复) after two full years on the list."""

    entry = ForeignKey(references=ListingEntry, index=True)
    applied_on = Date()
    statement = Text(default="")
    decision = Varchar(length=16, default="pending")  # pending | approved | rejected
    decided_on = Date(null=True, default=None)
    decided_by = Varchar(length=100, default="")
    reasons = Text(default="")


class PunishmentMeasure(Table):
    """A punishment measure an agency applied to a listed subject (联合惩戒措施)."""

    entry = ForeignKey(references=ListingEntry, index=True)
    agency = ForeignKey(references=Agency, index=True)
    measure = Varchar(length=32)  # restrict_subsidies | restrict_procurement | more_inspections | no_honours | other
    text = Text(default="")
    applied_on = Date()
    recorded_at = Timestamptz()
