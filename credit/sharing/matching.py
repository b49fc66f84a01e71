"""Find the institution (or person) an agency means: exact USCC, exact ID by HMAC, or a similar name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from opencc import OpenCC
from rapidfuzz import fuzz, process

from credit.identifiers import check_id_number, check_uscc, id_hmac, mask_free_text
from credit.registry.tables import Institution, Practitioner
from credit.settings import settings

# Legal-form suffixes that say nothing about which home is meant.
SUFFIXES = ("有限责任公司", "股份有限公司", "有限公司", "公司", "民办非企业单位", "（普通合伙）")
# Words for a care home that people use interchangeably.
HOME_WORDS = (
    "养老服务中心",
    "社会福利中心",
    "养老院",
    "敬老院",
    "护理院",
    "老年公寓",
    "颐养院",
    "福利院",
    "养护院",
    "颐养中心",
    "托老所",
)
NAME_THRESHOLD = 60
LIMIT = 10


@dataclass
class Candidate:
    uscc: str
    name: str
    district_code: str
    score: float
    reasons: list[str] = field(default_factory=list)
    practitioner: dict | None = None


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("t2s")


def normalise_name(name: str) -> str:
    """Simplified, half-width, without spaces, brackets, legal-form suffixes; care-home words unified."""
    text = unicodedata.normalize("NFKC", name)  # full-width letters, digits and brackets -> half-width
    text = _converter().convert(text)
    text = re.sub(r"[\s·\.\-()（）\[\]【】]", "", text)
    for suffix in SUFFIXES:
        text = text.replace(suffix, "")
    for word in HOME_WORDS:
        text = text.replace(word, "养老院")
    return text


_COLUMNS = (Institution.id, Institution.uscc, Institution.name, Institution.district_code)

# One way a candidate was found: its institution row, the score, the reason and, for an ID number, the person.
_Hit = tuple[dict, float, str, dict | None]


async def match(uscc: str = "", id_number: str = "", name: str = "", district: str = "") -> list[Candidate]:
    """Ranked candidates (best first) with the reasons for each score."""
    found: dict[str, Candidate] = {}
    hits = [*await _by_uscc(uscc), *await _by_id_number(id_number), *await _by_name(name, district)]
    for row, score, reason, practitioner in hits:
        candidate = found.setdefault(row["uscc"], Candidate(row["uscc"], row["name"], row["district_code"], 0))
        candidate.score = max(candidate.score, score)
        candidate.reasons.append(reason)
        candidate.practitioner = practitioner or candidate.practitioner
    if name.strip() and district:
        for candidate in found.values():
            if candidate.district_code == district and "same district" not in candidate.reasons:
                candidate.reasons.append("same district")
    ranked = sorted(found.values(), key=lambda c: (-c.score, c.uscc))[:LIMIT]
    for candidate in ranked:  # an agency output: no ID or mobile number in any text of the answer
        candidate.name = mask_free_text(candidate.name)
        candidate.reasons = [mask_free_text(r) for r in candidate.reasons]
    return ranked


async def _by_uscc(uscc: str) -> list[_Hit]:
    """The institution with exactly this (valid) USCC."""
    if not uscc:
        return []
    code, reason = check_uscc(uscc.strip().upper())
    if reason:
        return []
    row = await Institution.select(*_COLUMNS).where(Institution.uscc == code).first().run()
    return [(row, 100, "exact USCC", None)] if row else []


async def _by_id_number(id_number: str) -> list[_Hit]:
    """The institution of the practitioner with this (valid) ID number, found by its keyed hash."""
    if not id_number:
        return []
    number, reason = check_id_number(id_number.strip().upper())
    if reason:
        return []
    person = (
        await Practitioner.select(
            Practitioner.name, Practitioner.id_masked, Practitioner.role, Practitioner.institution
        )
        .where(Practitioner.id_hmac == id_hmac(number, settings.secret_key))
        .first()
        .run()
    )
    if not person or not person["institution"]:
        return []
    row = await Institution.select(*_COLUMNS).where(Institution.id == person["institution"]).first().run()
    if not row:
        return []
    return [(row, 100, "exact ID number (by keyed hash)", {"id_masked": person["id_masked"], "role": person["role"]})]


async def _by_name(name: str, district: str) -> list[_Hit]:
    """Institutions (of `district` when given) whose normalised name is similar enough, best first."""
    if not name.strip():
        return []
    wanted = normalise_name(name)
    query = Institution.select(*_COLUMNS)
    if district:
        query = query.where(Institution.district_code == district)
    rows = await query.run()
    choices = {i: normalise_name(r["name"]) for i, r in enumerate(rows)}
    return [
        (rows[index], round(score * 0.95, 1), f"name similarity {score:.0f} ({choices[index]})", None)
        for _, score, index in process.extract(
            wanted, choices, scorer=fuzz.WRatio, limit=LIMIT, score_cutoff=NAME_THRESHOLD
        )
    ]
