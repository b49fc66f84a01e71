"""District codes (GB/T 2260) the system knows; an unknown code is refused."""

from __future__ import annotations

DISTRICTS: dict[str, tuple[str, str]] = {
    # 常州市 (Changzhou), the demo city.
    "320402": ("天宁区", "Tianning"),
    "320404": ("钟楼区", "Zhonglou"),
    "320411": ("新北区", "Xinbei"),
    "320412": ("武进区", "Wujin"),
    "320413": ("金坛区", "Jintan"),
    "320481": ("溧阳市", "Liyang"),
}


def is_known_district(code: str) -> bool:
    return code in DISTRICTS


def district_name(code: str, lang: str = "zh") -> str:
    names = DISTRICTS.get(code)
    if names is None:
        return code
    return names[0] if lang == "zh" else names[1]
