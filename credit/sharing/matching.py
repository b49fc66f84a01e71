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


async def match(uscc: str = "", id_number: str = "", name: str = "", district: str = "") -> list[Candidate]:
    """Ranked candidates (best first) with the reasons for each score."""
    found: dict[str, Candidate] = {}

    def add(row: dict, score: float, reason: str, practitioner: dict | None = None) -> None:
        candidate = found.setdefault(row["uscc"], Candidate(row["uscc"], row["name"], row["district_code"], 0))
        candidate.score = max(candidate.score, score)
        candidate.reasons.append(reason)
        candidate.practitioner = practitioner or candidate.practitioner

    columns = (Institution.id, Institution.uscc, Institution.name, Institution.district_code)
    if uscc:
        code, reason = check_uscc(uscc.strip().upper())
        if not reason:
            row = await Institution.select(*columns).where(Institution.uscc == code).first().run()
            if row:
                add(row, 100, "exact USCC")
    if id_number:
        number, reason = check_id_number(id_number.strip().upper())
        if not reason:
            person = (
                await Practitioner.select(
                    Practitioner.name, Practitioner.id_masked, Practitioner.role, Practitioner.institution
                )
                .where(Practitioner.id_hmac == id_hmac(number, settings.secret_key))
                .first()
                .run()
            )
            if person and person["institution"]:
                row = await Institution.select(*columns).where(Institution.id == person["institution"]).first().run()
                if row:
                    add(
                        row,
                        100,
                        "exact ID number (by keyed hash)",
                        {"id_masked": person["id_masked"], "role": person["role"]},
                    )
    if name.strip():
        wanted = normalise_name(name)
        query = Institution.select(*columns)
        if district:
            query = query.where(Institution.district_code == district)
        rows = await query.run()
        choices = {i: normalise_name(r["name"]) for i, r in enumerate(rows)}
        for _, score, index in process.extract(
            wanted, choices, scorer=fuzz.WRatio, limit=LIMIT, score_cutoff=NAME_THRESHOLD
        ):
            add(rows[index], round(score * 0.95, 1), f"name similarity {score:.0f} ({choices[index]})")
        if district:
            for candidate in found.values():
                if candidate.district_code == district and "same district" not in candidate.reasons:
                    candidate.reasons.append("same district")
    ranked = sorted(found.values(), key=lambda c: (-c.score, c.uscc))[:LIMIT]
    for candidate in ranked:  # an agency output: no ID or mobile number in any text of the answer
        candidate.name = mask_free_text(candidate.name)
        candidate.reasons = [mask_free_text(r) for r in candidate.reasons]
    return ranked
