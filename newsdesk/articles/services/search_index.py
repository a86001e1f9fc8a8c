"""The full-text index rebuilt or repaired after article rows arrived in bulk (a restore, a copy)."""

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

# The full-text index of migrations 0002 and 0006: an external-content FTS5 table on SQLite, a GIN expression index on
# PostgreSQL. Both follow the article rows by themselves; these rebuild them after rows arrived in bulk.
_FTS_TABLE = "articles_article_fts"
_GIN_INDEX = "articles_article_search_gin"


def search_index_rebuild(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Rebuild the search index of the database at `using` from the article rows."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {_FTS_TABLE}({_FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608 - constant names
        elif connection.vendor == "postgresql":
            cursor.execute(f"REINDEX INDEX {_GIN_INDEX}")
            cursor.execute("ANALYZE articles_article")


def search_index_repair(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Rebuild the search index if it does not match the article rows; returns whether it was rebuilt.

    PostgreSQL's index is rebuilt by whatever loaded the rows (pg_restore, REINDEX), so only SQLite's FTS5 table,
    a table of its own, is checked.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    try:
        with connection.cursor() as cursor:
            # rank 1: also compare the index with the content table (FTS5's external-content check).
            cursor.execute(f"INSERT INTO {_FTS_TABLE}({_FTS_TABLE}, rank) VALUES ('integrity-check', 1)")  # noqa: S608
    except DatabaseError:
        search_index_rebuild(using=using)
        return True
    return False
