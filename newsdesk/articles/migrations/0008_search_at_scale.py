"""Search at a million articles (articles.search.search_sql uses what this makes).

SQLite: the FTS5 table of 0006 again, with prefix indexes for 2- and 3-letter prefixes (`prefix='2 3'`), so a
short `word*` reads one index entry instead of merging the lists of every word that starts so. Same columns, same
triggers, rebuilt from the rows.

PostgreSQL: a stored, weighted `search_vector` column (a generated column: title A, text B, stems D) replaces the
GIN expression index of 0006 with a GIN index over the column, so matching, phrase positions and ts_rank read the
stored vector instead of recomputing the document per row; and an index in the search's date order
(published_at DESC NULLS LAST, id DESC), so newest-first reads the matches in order and stops at the page.
The column is not in the Django model: the database fills it, and no Django query reads it but the search's SQL.
"""

import importlib

from django.db import migrations

_STEMS = importlib.import_module("newsdesk.articles.migrations.0006_search_stems")

_FTS_CREATE = """CREATE VIRTUAL TABLE articles_article_fts USING fts5(
        title, search_text, search_stems, content='articles_article', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'{options})"""


def _sqlite(options: str) -> list[str]:
    """0006's statements with the FTS5 table created with `options`."""
    create = _FTS_CREATE.format(options=options)
    return [create if sql.lstrip().startswith("CREATE VIRTUAL TABLE") else sql for sql in _STEMS.SQLITE_FORWARD]


SQLITE_FORWARD = _sqlite(", prefix='2 3'")
SQLITE_BACKWARD = _STEMS.SQLITE_FORWARD

_DOCUMENT = """setweight(to_tsvector('simple', newsdesk_unaccent(coalesce(title, ''))), 'A')
        || setweight(to_tsvector('simple', newsdesk_unaccent(coalesce(search_text, ''))), 'B')
        || setweight(to_tsvector('simple', newsdesk_unaccent(coalesce(search_stems, ''))), 'D')"""
POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS articles_article_search_gin",
    f"ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({_DOCUMENT}) STORED",
    "CREATE INDEX articles_article_search_gin ON articles_article USING GIN (search_vector)",
    "CREATE INDEX articles_article_published_desc ON articles_article (published_at DESC NULLS LAST, id DESC)",
    "ANALYZE articles_article",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS articles_article_published_desc",
    "DROP INDEX IF EXISTS articles_article_search_gin",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
    *_STEMS.POSTGRES_FORWARD,
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_article_image_key"),
    ]

    operations = [
        migrations.RunPython(_STEMS._run("sqlite", SQLITE_FORWARD), _STEMS._run("sqlite", SQLITE_BACKWARD)),
        migrations.RunPython(_STEMS._run("postgresql", POSTGRES_FORWARD), _STEMS._run("postgresql", POSTGRES_BACKWARD)),
    ]
