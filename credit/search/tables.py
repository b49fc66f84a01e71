"""The search index: one row per institution with the terms it is found by (see credit.search.terms)."""

from piccolo.columns import Integer, Text, Varchar
from piccolo.table import Table


class InstitutionSearch(Table, tablename="institution_search"):
    """What an institution is found by. Kept by credit.search.index.reindex; the engine-specific substring
    index over `terms` (SQLite FTS5 trigram table `institution_search_fts`, PostgreSQL pg_trgm GIN) and the USCC
    prefix index are made by migration eldercredit_0009."""

    institution = Integer(primary_key=True)  # the institution's id
    uscc = Varchar(length=18)
    name = Varchar(length=200)  # simplified and normalised: relevance compares the query with it
    terms = Text()
