"""The words a home is found by, and a visitor's query brought to the same form (pure functions, no I/O).

A name is indexed as four forms, each normalised (half-width, lower case, no spaces): the simplified name, its
traditional form (OpenCC s2t), its full pinyin without tones or spaces ("kangleyanglaoyuan") and its initials
("klyly"). A query is normalised the same way (traditional -> simplified too) and split at spaces into tokens;
a home matches when every token is a substring of one of its forms, or a prefix of its USCC. So "kangle", "kl",
"康樂", "乐养" and "KL" all find 康乐养老院, and multi-syllable pinyin matches as one string, whatever the spaces
typed between syllables ("kang le" = the tokens "kang" and "le", both in "kangleyanglaoyuan").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

_SPACES = re.compile(r"\s+")
MAX_TOKENS = 8  # a query is a few words; more would only make one slow query


@lru_cache(maxsize=2)
def _converter(config: str) -> OpenCC:
    return OpenCC(config)


def fold(text: str) -> str:
    """Half-width (NFKC: full-width letters, digits and punctuation), lower case, NUL removed, spaces single."""
    text = unicodedata.normalize("NFKC", text.replace("\x00", "")).lower()
    return _SPACES.sub(" ", text).strip()


def simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def traditional(text: str) -> str:
    return _converter("s2t").convert(text)


def _compact(text: str) -> str:
    return text.replace(" ", "")


def full_pinyin(name: str) -> str:
    """Pinyin of every Han character, no tones, no spaces; other characters kept as they are (folded)."""
    return _compact("".join(lazy_pinyin(fold(name))))


def initials(name: str) -> str:
    """The first letter of each Han character's pinyin; letters and digits between them kept as typed."""
    return _compact("".join(lazy_pinyin(fold(name), style=Style.FIRST_LETTER)))


@dataclass(frozen=True, slots=True)
class Terms:
    """What the index keeps of one home."""

    name: str  # the simplified name, normalised: relevance compares the query with it
    uscc: str  # upper case
    terms: str  # the four forms joined by single spaces: the text the substring index covers


def terms_of(name: str, uscc: str) -> Terms:
    base = _compact(simplified(fold(name)))
    forms = dict.fromkeys(f for f in (base, _compact(fold(traditional(base))), full_pinyin(base), initials(base)) if f)
    return Terms(name=base, uscc=uscc.strip().upper(), terms=" ".join(forms))


def query_tokens(query: str) -> list[str]:
    """The visitor's query as the tokens every match must contain: folded, simplified, split at spaces, no
    duplicates, at most MAX_TOKENS."""
    tokens = simplified(fold(query)).split(" ")
    return list(dict.fromkeys(t for t in tokens if t))[:MAX_TOKENS]


def compact_query(query: str) -> str:
    """The query as one string (what relevance compares with the name): its tokens without spaces."""
    return "".join(query_tokens(query))
