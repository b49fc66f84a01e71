"""The seven agencies that share the joint-punishment list, as configured."""

AGENCIES: tuple[tuple[str, str, str], ...] = (
    ("civil_affairs", "民政局", "Civil Affairs"),
    ("housing", "住房和城乡建设局", "Housing and Urban-Rural Development"),
    ("health", "卫生健康委员会", "Health Commission"),
    ("fire_rescue", "消防救援支队", "Fire and Rescue"),
    ("market_regulation", "市场监督管理局", "Market Regulation"),
    ("public_security", "公安局", "Public Security"),
    ("development_reform", "发展和改革委员会", "Development and Reform (credit)"),
)
