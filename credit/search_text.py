"""Searching by a fragment of text typed by a visitor: `%` and `_` mean themselves, on both engines.

Piccolo's `like()` cannot add an ESCAPE clause and SQLite has no default escape character, so the conditions
are raw SQL with `ESCAPE '\\'` and the typed text escaped by `like_escape`. Institutions are found through the
search index (credit.search.match): the one text condition of every institution search.
"""

from __future__ import annotations


def like_escape(text: str) -> str:
    """`text` with the LIKE wildcards and the escape character itself escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
