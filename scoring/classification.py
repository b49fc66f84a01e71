"""The class of failure information (失信信息分类) of a penalty, from the policy's classification table.

NDRC Order No. 36 sorts penalty information into minor, general and serious. A penalty's 处罚类别 may name
several kinds ("警告、罚款"): each is classified and the most severe class wins. Pure: no I/O.
"""

from __future__ import annotations

import re
from decimal import Decimal

from scoring.facts import SEVERITIES, Severity
from scoring.policy import Classification

#: Separators of several kinds in one 处罚类别 cell: ；; 、 , and their full-width forms.
_SEPARATORS = re.compile(r"[；;、,，]")
_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


def split_kinds(penalty_kind: str) -> list[str]:
    """The kinds named in a 处罚类别 cell, stripped, empty parts dropped."""
    return [k.strip() for k in _SEPARATORS.split(penalty_kind or "") if k.strip()]


def class_of_fine(fine_yuan: Decimal | None, table: Classification) -> Severity:
    """The class of a fine of `fine_yuan` (None: amount not given) under the fine thresholds."""
    if fine_yuan is None:
        return table.fine_without_amount
    for up_to, severity in table.fine_thresholds:
        if fine_yuan <= up_to:
            return severity
    return table.fine_above_thresholds


def classify(penalty_kind: str, fine_yuan: Decimal | None, table: Classification) -> Severity:
    """The most severe class among the kinds of `penalty_kind` (no kind at all: `table.unknown`)."""
    found = []
    for kind in split_kinds(penalty_kind):
        if kind in table.fine_kinds:
            found.append(class_of_fine(fine_yuan, table))
        else:
            found.append(table.kinds.get(kind, table.unknown))
    return max(found or [table.unknown], key=_RANK.__getitem__)
