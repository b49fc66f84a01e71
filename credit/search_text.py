"""Searching by a fragment of text typed by a visitor: `%` and `_` mean themselves, on both engines.

Piccolo's `like()` cannot add an ESCAPE clause and SQLite has no default escape character, so the conditions
are raw SQL with `ESCAPE '\\'` and the typed text escaped by `like_escape`. Institutions are found through the
search index (credit.search.match): the one text condition of every institution search.
"""

from __future__ import annotations

from piccolo.columns.combination import WhereRaw


def like_escape(text: str) -> str:
    """`text` with the LIKE wildcards and the escape character itself escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def institution_of_row_matches(q: str, tablename: str) -> WhereRaw:
    """Rows of `tablename` whose `institution` column points at an institution the query `q` finds (by name,
    traditional form, pinyin, initials or USCC prefix: credit.search.match); the column is qualified because the
    query may join the institution table."""
    from credit.db import current_engine
    from credit.search.match import text_match  # it uses like_escape above

    matched = text_match(q, current_engine().engine_type)
    if matched is None:
        return WhereRaw("1 = 1")
    return WhereRaw(f'"{tablename}".institution IN (SELECT s.institution FROM institution_search s '
                    f"WHERE {matched.where})", *matched.where_args)
