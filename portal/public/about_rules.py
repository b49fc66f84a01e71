"""The rules of a policy in plain words, zh and en, for the about page (generated from the policy, never
written by hand): level caps, the clamp, the yearly inspection, the random draw and the supervision loop, who may
be graded.

Each function returns a list of {"zh": ..., "en": ...} sentences; a rule the policy does not have gives none.
"""

from __future__ import annotations

from decimal import Decimal

from scoring import Policy
from scoring.labels import LABELS

LEVEL_WORDS = {"A": ("优秀", "excellent"), "B": ("良好", "good"), "C": ("一般", "fair"), "D": ("较差", "poor")}


def _n(value: Decimal | int) -> str:
    return format(Decimal(value).normalize(), "f")


def _say(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def score_rules(policy: Policy) -> list[dict[str, str]]:
    """How the base, the grading bonus and the range fit together."""
    s, top = policy.score, max(policy.grading.points.values())
    out = []
    if s.base + top <= s.maximum:
        out.append(
            _say(
                f"基础分为{_n(s.base)}分，有效等级评定另加最多{_n(top)}分，"
                f"一家没有扣分的五级机构正好得到{_n(s.base + top)}分；"
                "等级越高得分越高，高等级的加分不会被上限抹掉。",
                f"The base is {_n(s.base)} points and a valid grading adds up to {_n(top)}, so a home with nothing "
                f"deducted and a level-5 grading reaches {_n(s.base + top)}: a higher grade always shows in the score.",
            )
        )
    if s.clamp_is_note:
        out.append(
            _say(
                f"分数保持在{_n(s.minimum)}至{_n(s.maximum)}分之间；超出的部分只作为说明（“最高{_n(s.maximum)}分”）列出，"
                "不算作扣分理由。",
                f"The score stays between {_n(s.minimum)} and {_n(s.maximum)}; keeping it there is shown as a note "
                f'("capped at {_n(s.maximum)}"), never as a reason for a deduction.',
            )
        )
    return out


def cap_rules(policy: Policy) -> list[dict[str, str]]:
    """The level caps: the best level a home can have whatever its score."""
    caps, out = policy.caps, []
    for name, level in (
        ("open_major_hazard", caps.open_major_hazard),
        ("fire_non_compliant", caps.fire_non_compliant),
        ("new_institution", caps.new_institution),
    ):
        if level is None:
            continue
        zh, en = LABELS[f"cap.{name}"]
        values = {"level": level, "months": caps.new_institution_months}
        words = LEVEL_WORDS[level]
        out.append(
            _say(
                f"{zh.format(**values)}（{words[0]}），无论分数多高。",
                f"{en.format(**values)} ({words[1]}), whatever the score.",
            )
        )
    return out


def inspection_rules(policy: Policy) -> list[dict[str, str]]:
    """The yearly inspection: whether a missing one costs the home points."""
    months, points = policy.fire.recent_inspection_months, policy.fire.points.no_recent_inspection
    if points == 0:
        return [
            _say(
                f"民政部门每{months}个月至少检查每家机构一次（《养老机构管理办法》）。超过{months}个月未检查的机构显示为“待检查”，"
                "这是监管部门的责任，不扣机构的分。",
                f"Civil affairs inspects every home at least once in {months} months (Measures for eldercare "
                f'institutions, MCA Order 66). A home not inspected for {months} months is shown as "due for '
                "inspection\": that is the regulator's duty and costs the home nothing.",
            )
        ]
    return [
        _say(
            f"近{months}个月无消防安全检查的机构扣{_n(-points)}分。",
            f"A home without a fire-safety inspection in the last {months} months loses {_n(-points)} points.",
        )
    ]


def draw_rules(policy: Policy) -> list[dict[str, str]]:
    """The monthly random inspection (双随机) and how much likelier each level is drawn."""
    draw = policy.inspection_draw
    if draw is None:
        return []
    share = _n(draw.share * 100)
    weights_zh = "、".join(f"{level}级{_n(draw.weight(level))}" for level in policy.levels)
    weights_en = ", ".join(f"{level} {_n(draw.weight(level))}" for level in policy.levels)
    unrated = _n(draw.weight(""))
    return [
        _say(
            f"每月在每个区县随机抽取{share}%的机构检查（“双随机、一公开”），按信用等级加权：{weights_zh}，未评级{unrated}"
            "（信用风险分类监管，国市监信发〔2022〕6号）。抽查是在每年的例行检查之外进行的。",
            f"Each month {share} % of the homes of every district are drawn at random for an inspection, weighted by "
            f"credit level: {weights_en}, not yet rated {unrated} "
            "(supervision by credit risk, SAMR 国市监信发〔2022〕6号). "
            "The draw comes on top of every home's yearly inspection.",
        )
    ]


def supervision_rules(policy: Policy) -> list[dict[str, str]]:
    """The supervision loop (双随机、一公开): the monthly share and weights, the inspectors per task, the publication
    window in working days, the checklist of a general inspection and the separation of duties."""
    draw, loop = policy.inspection_draw, policy.supervision
    if draw is None or loop is None:
        return []
    share = _n(draw.share * 100)
    weights_zh = "、".join(f"{level}级{_n(draw.weight(level))}" for level in policy.levels)
    weights_en = ", ".join(f"level {level} {_n(draw.weight(level))}" for level in policy.levels)
    unrated = _n(draw.weight(""))
    due_zh = "当月月底前" if loop.due == "end_of_month" else f"抽取后{loop.due_days}日内"
    due_en = "by the end of the month" if loop.due == "end_of_month" else f"within {loop.due_days} days of the draw"
    items_zh = "、".join(i.label_zh for i in loop.checklist)
    items_en = ", ".join(i.label_en.lower() for i in loop.checklist)
    n, days = loop.inspectors_per_task, loop.publication_working_days
    out = [
        _say(
            f"每月在每个区县随机抽取{share}%的机构（至少一家），抽中的机会按信用等级加权：{weights_zh}，未评级{unrated}；"
            "抽取所用的随机种子和名录快照随结果公布，任何人都可以复核。",
            f"Each month {share} % of the homes of every district (at least one) are drawn at random, the chance "
            f"weighted by credit level: {weights_en}, not yet rated {unrated}. The seed and the registry snapshot "
            "of each draw are published with it, so anyone can redo the draw.",
        ),
        _say(
            f"每家抽中的机构从执法人员名录中随机选派至少{n}名执法人员（第二个“随机”），{due_zh}完成检查；"
            "上次抽查检查过该机构的人员和登记了回避情形的人员不会被选派，停用的人员不参与抽取。",
            f"Each drawn home gets at least {n} law-enforcement officers drawn from the roster (the second "
            f"random), and is inspected {due_en}. Officers who inspected the home in the last draw, officers "
            "recorded as in conflict with it, and officers taken off the roster are never drawn for it.",
        ),
        _say(
            f"综合检查按民政部门的检查清单逐项检查：{items_zh}。",
            f"A general inspection goes through the civil-affairs checklist: {items_en}.",
        ),
        _say(
            f"检查结果在检查之日起{days}个工作日内公开（国发〔2019〕5号），按国务院公布的节假日安排计算；"
            "当年安排尚未公布时，期限暂按周一至周五扣除法定节假日计算并注明“未确认”。",
            f"Each result is published within {days} working days of the inspection (国发〔2019〕5号), counted on "
            "the official holiday calendar; where that year's calendar is not published yet, the deadline is "
            'counted Monday to Friday less the statutory holidays and marked "unconfirmed".',
        ),
        _say(
            "已公开的结果如有错误，由监管部门说明理由后更正，页面注明“已更正”及日期，原结果留档备查。",
            "A published result found wrong is corrected by the regulator with a reason; the page marks it "
            '"corrected" with the date, and the original stays on file.',
        ),
    ]
    if not loop.allow_self_publication:
        out.append(
            _say(
                "登记检查结果的人员不能同时公开该结果或确认整改，须由另一名监管人员办理（职责分离）。",
                "The officer who records a result does not also publish it or confirm its rectification: another "
                "regulator does (separation of duties).",
            )
        )
    return out


def eligibility_rules(policy: Policy) -> list[dict[str, str]]:
    """Who may be graded, including the local variants the policy switches on."""
    g, out = policy.grading, []
    e = g.eligibility
    if e.any_penalty_years:
        out.append(
            _say(
                f"近{e.any_penalty_years}年内受到任何行政处罚的机构不得参加等级评定。",
                f"A home with any penalty in the last {e.any_penalty_years} years may not be graded.",
            )
        )
    if e.first_grading_max_level:
        out.append(
            _say(
                f"机构首次参加等级评定最高评为{e.first_grading_max_level}级。",
                f"A home's first grading is level {e.first_grading_max_level} at most.",
            )
        )
    for level, minimums in sorted(g.part_minimums.items(), reverse=True):
        if minimums:
            parts_zh = "、".join(f"{PART_NAMES[p][0]}不低于{m}分" for p, m in minimums.items())
            parts_en = ", ".join(f"{PART_NAMES[p][1]} at least {m}" for p, m in minimums.items())
            out.append(_say(f"评为{level}级还须{parts_zh}。", f"Level {level} also needs {parts_en}."))
    return out


PART_NAMES = {
    "environment": ("环境", "environment"),
    "facilities": ("设施设备", "facilities and equipment"),
    "operations": ("运营管理", "operations management"),
    "services": ("服务", "services"),
}


def about_rules(policy: Policy) -> dict[str, list[dict[str, str]]]:
    """Every generated section of the about page, keyed by section."""
    return {
        "score": score_rules(policy),
        "caps": cap_rules(policy),
        "inspection": inspection_rules(policy),
        "draw": draw_rules(policy),
        "supervision": supervision_rules(policy),
        "eligibility": eligibility_rules(policy),
    }
