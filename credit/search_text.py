"""Searching by a fragment of text typed by a visitor: `%` and `_` mean themselves, on both engines.

Piccolo's `like()` cannot add an ESCAPE clause and SQLite has no default escape character, so the conditions
are raw SQL with `ESCAPE '\\'` and the typed text escaped by `like_escape`.
"""

from __future__ import annotations

from piccolo.columns.combination import WhereRaw

from credit.registry.tables import Institution


def like_escape(text: str) -> str:
    """`text` with the LIKE wildcards and the escape character itself escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_NAME_OR_USCC = "(LOWER(name) LIKE {} ESCAPE '\\' OR uscc LIKE {} ESCAPE '\\')"


def name_or_uscc_args(q: str) -> list[str]:
    """The arguments of a name-contains / USCC-starts-with condition for the typed text `q`."""
    needle = q.replace("\x00", "").strip()  # PostgreSQL refuses NUL in text; it means nothing in a search
    return [f"%{like_escape(needle.lower())}%", f"{like_escape(needle.upper())}%"]


def institution_matches(q: str) -> WhereRaw:
    """Institutions whose name contains `q` (case-insensitive) or whose USCC starts with it."""
    return WhereRaw(_NAME_OR_USCC, *name_or_uscc_args(q))


def institution_of_row_matches(q: str, tablename: str) -> WhereRaw:
    """Rows of `tablename` whose `institution` column points at an institution matching `q` (see
    institution_matches); the column is qualified because the query may join the institution table."""
    institutions = Institution._meta.tablename
    return WhereRaw(f'"{tablename}".institution IN (SELECT id FROM {institutions} WHERE {_NAME_OR_USCC})',
                    *name_or_uscc_args(q))
