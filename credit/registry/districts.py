"""District codes (GB/T 2260) the installation serves, read from DISTRICTS_FILE or the packaged 常州 list."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from credit.settings import settings

DEFAULT_FILE = Path(__file__).with_name("districts.toml")


class DistrictFileError(ValueError):
    """The districts file is malformed; the message names the entry."""


def load_districts(path: Path) -> dict[str, tuple[str, str]]:
    """code -> (Chinese name, English name). Raises DistrictFileError naming the bad entry."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    districts = data.get("districts")
    if not isinstance(districts, dict) or not districts:
        raise DistrictFileError(f"{path}: a [districts] table with at least one entry is required")
    loaded = {}
    for code, names in districts.items():
        if not re.fullmatch(r"\d{6}", code):
            raise DistrictFileError(f"{path}: districts.{code}: the code must be 6 digits")
        if not (isinstance(names, list) and len(names) == 2 and all(isinstance(n, str) and n for n in names)):
            raise DistrictFileError(f"{path}: districts.{code}: give [Chinese name, English name]")
        loaded[code] = (names[0], names[1])
    return loaded


DISTRICTS: dict[str, tuple[str, str]] = load_districts(settings.districts_file or DEFAULT_FILE)


def is_known_district(code: str) -> bool:
    return code in DISTRICTS


def district_name(code: str, lang: str = "zh") -> str:
    names = DISTRICTS.get(code)
    if names is None:
        return code
    return names[0] if lang == "zh" else names[1]
