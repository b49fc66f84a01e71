"""The institution search index: table `institution_search` (one row per institution: normalised name, USCC,
terms = simplified, traditional, pinyin and initials) with a substring index over the terms — an FTS5 table with
the trigram tokenizer on SQLite (kept in step by triggers), a pg_trgm GIN index on PostgreSQL — and a USCC prefix
index. Existing institutions are indexed here, so search works the moment the migration ends."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Varchar
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-02T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "institution search index"

BATCH = 1000

CREATE = {
    "sqlite": [
        "CREATE TABLE institution_search (institution INTEGER PRIMARY KEY, uscc VARCHAR(18) NOT NULL COLLATE NOCASE, "
        "name VARCHAR(200) NOT NULL, terms TEXT NOT NULL)",
        "CREATE INDEX institution_search_uscc ON institution_search (uscc)",  # NOCASE: LIKE 'X%' uses it
        "CREATE VIRTUAL TABLE institution_search_fts USING fts5(terms, content='institution_search', "
        "content_rowid='institution', tokenize='trigram')",
        "CREATE TRIGGER institution_search_ai AFTER INSERT ON institution_search BEGIN "
        "INSERT INTO institution_search_fts (rowid, terms) VALUES (new.institution, new.terms); END",
        "CREATE TRIGGER institution_search_ad AFTER DELETE ON institution_search BEGIN "
        "INSERT INTO institution_search_fts (institution_search_fts, rowid, terms) "
        "VALUES ('delete', old.institution, old.terms); END",
        "CREATE TRIGGER institution_search_au AFTER UPDATE ON institution_search BEGIN "
        "INSERT INTO institution_search_fts (institution_search_fts, rowid, terms) "
        "VALUES ('delete', old.institution, old.terms); "
        "INSERT INTO institution_search_fts (rowid, terms) VALUES (new.institution, new.terms); END",
    ],
    "postgres": [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE TABLE institution_search (institution INTEGER PRIMARY KEY REFERENCES institution (id) "
        "ON DELETE CASCADE, uscc VARCHAR(18) NOT NULL, name VARCHAR(200) NOT NULL, terms TEXT NOT NULL)",
        "CREATE INDEX institution_search_uscc ON institution_search (uscc text_pattern_ops)",
        "CREATE INDEX institution_search_terms ON institution_search USING gin (terms gin_trgm_ops)",
    ],
}
DROP = {
    "sqlite": ["DROP TABLE institution_search_fts", "DROP TABLE institution_search"],  # triggers go with the table
    "postgres": ["DROP TABLE institution_search"],  # pg_trgm stays: other objects may use it
}


class _Institution(Table, tablename="institution"):
    """The columns the backfill reads, frozen here so later table changes cannot alter this migration."""

    uscc = Varchar(length=18)
    name = Varchar(length=200)


async def backfill() -> None:
    """Index every existing institution, a batch at a time."""
    from credit.search.terms import terms_of  # pure functions of a name: no table

    engine = engine_finder()
    _Institution._meta.db = engine  # the engine migrating now, not the one this class first saw
    last_id = 0
    while True:
        rows = (
            await _Institution.select(_Institution.id, _Institution.uscc, _Institution.name)
            .where(_Institution.id > last_id)
            .order_by(_Institution.id)
            .limit(BATCH)
            .run()
        )
        if not rows:
            return
        last_id = rows[-1]["id"]
        values, args = [], []
        for row in rows:
            terms = terms_of(row["name"], row["uscc"])
            values.append("({}, {}, {}, {})")
            args += [row["id"], terms.uscc, terms.name, terms.terms]
        await _Institution.raw(
            "INSERT INTO institution_search (institution, uscc, name, terms) VALUES " + ", ".join(values), *args
        ).run()


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def create_index():
        engine = engine_finder()
        for statement in CREATE[engine.engine_type]:
            await engine.run_ddl(statement)
        await backfill()

    async def drop_index():
        engine = engine_finder()
        for statement in DROP[engine.engine_type]:
            await engine.run_ddl(statement)

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
