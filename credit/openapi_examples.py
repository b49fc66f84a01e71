"""Examples on the main operations of the agency API, as an agency's developer first meets them."""

from __future__ import annotations

from typing import Any

USCC = "91320402MA1W8KQ3XF"  # a valid code (GB 32100 check character) of no real home
PENALTY_REPORT = {
    "decision_number": "常卫医罚〔2026〕第0012号",
    "subject_name": "常州市某某养老服务有限公司",
    "uscc": USCC,
    "subject_kind": "legal_person",
    "violation_type": "未按规定开展医疗服务",
    "facts": "未取得执业许可开展诊疗活动",
    "legal_basis": "《医疗机构管理条例》第四十六条",
    "penalty_kind": "罚款",
    "content": "罚款人民币五千元",
    "fine_yuan": "5000.00",
    "decision_date": "2026-03-02",
    "deciding_agency": "常州市卫生健康委员会",
    "source_agency": "常州市卫生健康委员会",
}
FEED_PAGE = {
    "events": [
        {
            "seq": 41,
            "type": "listing",
            "op": "listed",
            "at": "2026-03-10T02:00:00Z",
            "data": {
                "id": 7,
                "uscc": USCC,
                "status": "listed",
                "behaviour": "2",
                "listed_on": "2026-03-10",
                "expires_on": "2029-03-10",
            },
        }
    ],
    "next": 41,
}
# operation id -> (request body example, success response example)
EXAMPLES: dict[str, tuple[dict[str, Any] | None, dict[str, Any] | list[Any] | None]] = {
    "reportPenalty": (PENALTY_REPORT, None),
    "readFeed": (None, FEED_PAGE),
    "matchSubject": (
        {"name": "某某养老", "district": "320402"},
        [
            {
                "uscc": USCC,
                "name": "常州市某某养老服务有限公司",
                "district_code": "320402",
                "score": 92.5,
                "reasons": ["name similarity 93 (某某养老)"],
                "practitioner": None,
            }
        ],
    ),
    "reportMeasure": ({"measure": "restrict_subsidies", "applied_on": "2026-03-12", "text": ""}, None),
    "proposeListEntry": (
        {
            "uscc": USCC,
            "behaviour": "2",
            "facts": "殴打入住老人",
            "basis": "《养老机构管理办法》第四十六条",
            "penalty_ids": [12],
        },
        None,
    ),
}


def add_examples(schema: dict[str, Any]) -> None:
    """Put each example on its operation's JSON request body and success response."""
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or operation.get("operationId") not in EXAMPLES:
                continue
            request, response = EXAMPLES[operation["operationId"]]
            if request is not None and "requestBody" in operation:
                operation["requestBody"]["content"]["application/json"]["example"] = request
            if response is not None:
                success = next(r for s, r in operation["responses"].items() if s.startswith("2"))
                success["content"]["application/json"]["example"] = response
