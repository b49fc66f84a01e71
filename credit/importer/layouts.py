"""Column layouts of the files we import: Chinese headers (and common variants) -> field names."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Layout:
    kind: str
    columns: dict[str, tuple[str, ...]]  # field -> accepted header spellings, the first one canonical
    required_headers: tuple[str, ...]  # fields whose column must be present to recognise the layout
    fine_scale: Decimal = Decimal(1)

    def header_of(self, field: str) -> str:
        return self.columns[field][0]


INSTITUTIONS = Layout(
    kind="institutions",
    columns={
        "name": ("机构名称", "养老机构名称", "名称"),
        "uscc": ("统一社会信用代码",),
        "district_code": ("区县代码", "行政区划代码", "所在区县代码"),
        "address": ("地址", "机构地址", "住所"),
        "beds": ("床位数", "核定床位数", "床位"),
        "owner_type": ("机构性质", "举办性质"),
        "legal_representative": ("法定代表人", "法定代表人（负责人）"),
        "phone": ("联系电话", "电话"),
        "established_on": ("成立日期", "设立日期"),
        # What the home offers (credit.registry.offers): optional; an empty cell is "not reported", 无 "none".
        # Items by their Chinese names (or codes), separated by 、 , ; or spaces.
        "services": ("服务项目", "服务内容"),
        "care_levels": ("护理等级", "可接收护理等级", "收住对象"),
        "fee_min": ("月收费下限(元)", "月收费下限（元）", "收费下限"),
        "fee_max": ("月收费上限(元)", "月收费上限（元）", "收费上限"),
        "website": ("网站", "网址", "机构网站"),
    },
    required_headers=("name", "uscc", "beds"),
)

# The 双公示 administrative-penalty layout; the fine column is in units of ¥10,000.
PENALTIES = Layout(
    kind="penalties",
    columns={
        "subject_name": ("行政相对人名称",),
        "subject_kind": ("行政相对人类别",),
        "uscc": ("统一社会信用代码", "行政相对人代码_1(统一社会信用代码)", "行政相对人代码_1（统一社会信用代码）"),
        "legal_representative": ("法定代表人",),
        "decision_number": ("行政处罚决定书文号", "处罚决定书文号"),
        "violation_type": ("违法行为类型",),
        "facts": ("违法事实",),
        "legal_basis": ("处罚依据",),
        "penalty_kind": ("处罚类别",),
        "content": ("处罚内容",),
        "fine_yuan": ("罚款金额（万元）", "罚款金额(万元)"),
        "decision_date": ("处罚决定日期",),
        "publication_end": ("公示截止期",),
        "deciding_agency": ("处罚机关",),
        "source_agency": ("数据来源单位", "数据来源"),
        "severity": ("严重程度",),
        "is_fire_safety": ("消防类处罚",),
    },
    required_headers=("subject_name", "decision_number", "decision_date"),
    fine_scale=Decimal(10000),
)

LAYOUTS = (PENALTIES, INSTITUTIONS)

# Values as people write them in the files -> our enumeration codes.
OWNER_TYPE_WORDS = {
    "公办": "public",
    "公办公营": "public",
    "事业单位": "public",
    "民办非企业": "private_nonprofit",
    "民办非营利": "private_nonprofit",
    "社会服务机构": "private_nonprofit",
    "企业": "enterprise",
    "营利": "enterprise",
    "民办营利": "enterprise",
    "公建民营": "public_private",
    "公办民营": "public_private",
}
SUBJECT_KIND_WORDS = {
    "法人及非法人组织": "legal_person",
    "法人": "legal_person",
    "非法人组织": "legal_person",
    "自然人": "natural_person",
    "个体工商户": "individual_business",
}
SEVERITY_WORDS = {"轻微": "minor", "一般": "general", "严重": "serious"}
