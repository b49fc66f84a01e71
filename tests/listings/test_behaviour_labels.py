"""The nine behaviours of 民发〔2019〕103号 in their official wording, defined once; short labels apart."""

from credit.listings import behaviours, rules
from credit.records.service import LISTING_BEHAVIOURS as PENALTY_BEHAVIOURS
from portal.workspace.labels import LISTING_BEHAVIOURS as PORTAL_LABELS


def test_official_wording_of_the_paraphrased_behaviours():
    # 民发〔2019〕103号 art. 6: items 3, 4, 6, 7 and 9 as the measures word them (MCA's published text).
    official = {code: b.official[0] for code, b in behaviours.BEHAVIOURS.items()}
    assert official["3"] == "以非法集资或者欺骗手段销售“保健”产品等方式诈骗老年人财物的"
    assert official["4"] == "存在重大火灾隐患，无故拖延，逾期不改的"  # no "经消防救援机构通知后"
    assert official["6"] == "存在采取虚报冒领等方式骗取政府补贴资金等涉及财政资金违法行为的"
    assert official["7"] == "拒不接受或者不按照规定接受监督检查，或者在接受监督检查时隐瞒真实情况、弄虚作假的"
    assert official["9"] == "其他违反养老服务管理有关规定的严重违法失信情形"
    assert official["court_debtor"] == "被人民法院认定为失信被执行人的"


def test_every_place_uses_the_one_definition():
    assert tuple(rules.BEHAVIOURS) == tuple(PORTAL_LABELS) == PENALTY_BEHAVIOURS == behaviours.CODES
    assert rules.BEHAVIOURS["4"] == behaviours.BEHAVIOURS["4"].official
    assert PORTAL_LABELS["4"] == behaviours.BEHAVIOURS["4"].short != rules.BEHAVIOURS["4"]
    assert all(len(b.short[0]) <= 16 for b in behaviours.BEHAVIOURS.values())  # short enough for a table cell
