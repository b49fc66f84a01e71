"""The one text condition of an institution search and its relevance rank, per engine.

A query is split into tokens (credit.search.terms.query_tokens); an institution matches when every token is a
substring of its terms (simplified or traditional name, pinyin, initials) or a prefix of its USCC. `%`, `_` and
`\\` mean themselves. Substrings are found by the trigram index: SQLite FTS5 `trigram` (MATCH on a quoted
phrase) for tokens of 3 characters or more, and LIKE over the terms column for shorter ones (the trigram index
cannot answer those); PostgreSQL LIKE served by the pg_trgm GIN index.

Relevance (smaller is better): 0 the name is the query, 1 the name or the USCC starts with it, 2 the name
contains it, 3 only the traditional form, pinyin or initials match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from piccolo.columns.combination import WhereRaw

from credit.search.terms import compact_query, query_tokens
from credit.search_text import like_escape

TABLE = "institution_search"  # joined as `s` by the search query
TRIGRAM = 3


@dataclass(frozen=True, slots=True)
class TextMatch:
    """SQL over the search table aliased `s`: `where` and `rank` with their arguments, in placeholder order."""

    where: str
    where_args: list[Any] = field(default_factory=list)
    rank: str = "0"
    rank_args: list[Any] = field(default_factory=list)


def _uscc_like(token: str) -> str | None:
    """A USCC prefix pattern when the token could start a USCC (letters and digits only), else None."""
    return f"{token.upper()}%" if token.isascii() and token.isalnum() else None


def _token_condition(token: str, engine_type: str) -> tuple[str, list[Any]]:
    if engine_type == "sqlite" and len(token) >= TRIGRAM:
        sql = "s.institution IN (SELECT rowid FROM institution_search_fts WHERE institution_search_fts MATCH {})"
        args: list[Any] = ['"' + token.replace('"', '""') + '"']
    else:
        sql, args = "s.terms LIKE {} ESCAPE '\\'", [f"%{like_escape(token)}%"]
    prefix = _uscc_like(token)
    if prefix:
        sql, args = f"({sql} OR s.uscc LIKE {{}})", [*args, prefix]
    return sql, args


def text_match(query: str, engine_type: str) -> TextMatch | None:
    """The condition and rank for a visitor's query, or None when the query has no token (matches all)."""
    tokens = query_tokens(query)
    if not tokens:
        return None
    parts, args = [], []
    for token in tokens:
        sql, token_args = _token_condition(token, engine_type)
        parts.append(sql)
        args += token_args
    whole = compact_query(query)
    escaped = like_escape(whole)
    prefix = _uscc_like(whole)
    uscc_rank = "WHEN s.uscc LIKE {} THEN 1 " if prefix else ""
    rank = (
        "(CASE WHEN s.name = {} THEN 0 " + uscc_rank + "WHEN s.name LIKE {} ESCAPE '\\' THEN 1 "
        "WHEN s.name LIKE {} ESCAPE '\\' THEN 2 ELSE 3 END)"
    )
    rank_args = [whole, *([prefix] if prefix else []), f"{escaped}%", f"%{escaped}%"]
    return TextMatch(" AND ".join(parts), args, rank, rank_args)


def institution_of_row_matches(q: str, tablename: str) -> WhereRaw:
    """Rows of `tablename` whose `institution` column points at an institution the query `q` finds (by name,
    traditional form, pinyin, initials or USCC prefix); the column is qualified because the query may join the
    institution table."""
    from credit.db import current_engine

    matched = text_match(q, current_engine().engine_type)
    if matched is None:
        return WhereRaw("1 = 1")
    return WhereRaw(
        f'"{tablename}".institution IN (SELECT s.institution FROM institution_search s WHERE {matched.where})',
        *matched.where_args,
    )
