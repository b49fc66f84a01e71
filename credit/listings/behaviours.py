"""The listing behaviours of 民发〔2019〕103号 (《养老服务市场失信联合惩戒对象名单管理办法（试行）》), defined once.

`official` is the wording of the measures (article 6, items 1-9; the court designation in its second
paragraph), used on notices, decision documents and the public list; `short` is the portal's label for
tables and filters. English follows the official wording closely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

MEASURES_NAME = "《养老服务市场失信联合惩戒对象名单管理办法（试行）》（民发〔2019〕103号）"


@dataclass(frozen=True, slots=True)
class Behaviour:
    code: str
    official: tuple[str, str]  # (zh, en)
    short: tuple[str, str]  # (zh, en)
    article: str  # where the measures name it

    @property
    def citation(self) -> str:
        return f"{MEASURES_NAME}{self.article}"


def _item(n: int) -> str:
    return f"第六条第一款第（{'一二三四五六七八九'[n - 1]}）项"


_ALL = (
    Behaviour(
        "1",
        (
            "超出章程规定的宗旨和业务范围进行活动的",
            "carrying out activities beyond the purpose and business scope set by its charter",
        ),
        ("超出章程或业务范围活动", "Beyond charter or business scope"),
        _item(1),
    ),
    Behaviour(
        "2",
        (
            "因养老服务行为侵害老年人合法权益的",
            "infringing the lawful rights and interests of older people through its eldercare services",
        ),
        ("服务中侵害老年人权益", "Infringing older people's rights"),
        _item(2),
    ),
    Behaviour(
        "3",
        (
            "以非法集资或者欺骗手段销售“保健”产品等方式诈骗老年人财物的",
            "defrauding older people of money or property by illegal fund-raising, deceptive sales of "
            "“health” products or similar means",
        ),
        ("非法集资或欺骗销售保健品", "Illegal fund-raising or deceptive sales"),
        _item(3),
    ),
    Behaviour(
        "4",
        (
            "存在重大火灾隐患，无故拖延，逾期不改的",
            "having a major fire hazard and, without good reason, failing to rectify it by the deadline",
        ),
        ("重大火灾隐患逾期未整改", "Major fire hazard unrectified past deadline"),
        _item(4),
    ),
    Behaviour(
        "5",
        (
            "对发生的安全事故负有主要或者直接责任的",
            "bearing main or direct responsibility for a safety accident that occurred",
        ),
        ("对安全事故负主要或直接责任", "Responsible for a safety accident"),
        _item(5),
    ),
    Behaviour(
        "6",
        (
            "存在采取虚报冒领等方式骗取政府补贴资金等涉及财政资金违法行为的",
            "breaking the law on public funds, such as obtaining government subsidies by false or fraudulent claims",
        ),
        ("虚报冒领补贴等财政资金违法", "Subsidies obtained by false claims"),
        _item(6),
    ),
    Behaviour(
        "7",
        (
            "拒不接受或者不按照规定接受监督检查，或者在接受监督检查时隐瞒真实情况、弄虚作假的",
            "refusing supervision and inspection or not accepting it as required, or concealing the facts "
            "or falsifying during it",
        ),
        ("拒绝、阻碍检查或弄虚作假", "Obstructing or falsifying inspection"),
        _item(7),
    ),
    Behaviour(
        "8",
        (
            "不按照规定报送年度工作报告、履行信息公开义务的",
            "not filing the annual work report or not meeting information-disclosure duties as required",
        ),
        ("未报送年度报告或未履行公示义务", "Annual report or disclosure duties not met"),
        _item(8),
    ),
    Behaviour(
        "9",
        (
            "其他违反养老服务管理有关规定的严重违法失信情形",
            "other serious illegal or dishonest conduct against the rules on eldercare services",
        ),
        ("其他严重违法失信情形", "Other serious dishonest conduct"),
        _item(9),
    ),
    Behaviour(
        "court_debtor",
        ("被人民法院认定为失信被执行人的", "designated a dishonest judgment debtor by a people's court"),
        ("失信被执行人", "Court dishonest judgment debtor"),
        "第六条第二款",
    ),
)

BEHAVIOURS: Mapping[str, Behaviour] = MappingProxyType({b.code: b for b in _ALL})
CODES: tuple[str, ...] = tuple(BEHAVIOURS)
COURT_DEBTOR = "court_debtor"
FIRE_HAZARD = "4"
