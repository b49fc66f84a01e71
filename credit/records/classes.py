"""Which classification table (NDRC Order No. 36 失信信息分类) applies to a penalty, and its class.

The table lives in the policy (`[order36.classification]`). A decision is classified by the table of the policy
of its date; a decision older than every policy with a table (before 2026-04-01) by the earliest table, so that
an imported old record without a stated severity still gets a class from policy data, never from code.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from scoring import available_policies, classify, policy_for
from scoring.policy import Classification, PolicyNotFound


def table_for(decision_date: date) -> Classification:
    """The classification table that judges a decision of `decision_date`. Raises LookupError when no
    bundled policy has one."""
    try:
        policy = policy_for(decision_date)
    except PolicyNotFound:
        policy = None
    if policy is not None and policy.order36 is not None:
        return policy.order36.classification
    with_table = [p.order36 for p in available_policies() if p.order36 is not None]
    if not with_table:
        raise LookupError("no scoring policy has an [order36.classification] table")
    return with_table[0].classification


def severity_of(penalty_kind: str, fine_yuan: Decimal | None, decision_date: date) -> str:
    """The class (minor | general | serious) of a penalty of these kinds and fine decided on that date."""
    return classify(penalty_kind, fine_yuan, table_for(decision_date))
