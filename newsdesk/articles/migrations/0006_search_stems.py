"""Stemmed search: Article.search_stems (Snowball stems of title + search_text in the article's language) joins
the full-text index, so "elections" finds "election" and "elección" finds "elecciones", on both databases.

SQLite: the FTS5 table gets a third column and its triggers follow it (adding the column rebuilt the table and
dropped 0002's triggers, as in 0004). PostgreSQL: the GIN expression index of 0003 is replaced by one that
includes the stems; articles.selectors.article_search uses the same expression letter for letter.
"""

import importlib

from django.db import migrations, models

from newsdesk.reader.stemming import stems_of

_SEARCH_INDEX = importlib.import_module("newsdesk.articles.migrations.0002_search_index")
_UNACCENT = importlib.import_module("newsdesk.articles.migrations.0003_postgres_unaccent")

SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS articles_article_fts_au",
    "DROP TRIGGER IF EXISTS articles_article_fts_ad",
    "DROP TRIGGER IF EXISTS articles_article_fts_ai",
    "DROP TABLE IF EXISTS articles_article_fts",
    """CREATE VIRTUAL TABLE articles_article_fts USING fts5(
        title, search_text, search_stems, content='articles_article', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER articles_article_fts_ai AFTER INSERT ON articles_article BEGIN
        INSERT INTO articles_article_fts(rowid, title, search_text, search_stems)
        VALUES (new.id, new.title, new.search_text, new.search_stems);
    END""",
    """CREATE TRIGGER articles_article_fts_ad AFTER DELETE ON articles_article BEGIN
        INSERT INTO articles_article_fts(articles_article_fts, rowid, title, search_text, search_stems)
        VALUES ('delete', old.id, old.title, old.search_text, old.search_stems);
    END""",
    """CREATE TRIGGER articles_article_fts_au AFTER UPDATE OF title, search_text, search_stems ON articles_article
    BEGIN
        INSERT INTO articles_article_fts(articles_article_fts, rowid, title, search_text, search_stems)
        VALUES ('delete', old.id, old.title, old.search_text, old.search_stems);
        INSERT INTO articles_article_fts(rowid, title, search_text, search_stems)
        VALUES (new.id, new.title, new.search_text, new.search_stems);
    END""",
    "INSERT INTO articles_article_fts(articles_article_fts) VALUES ('rebuild')",
]
# Back to 0002's two-column table (after the column is gone; see the first operation).
SQLITE_BACKWARD = [
    *_SEARCH_INDEX.SQLITE_BACKWARD,
    *_SEARCH_INDEX.SQLITE_FORWARD,
    "INSERT INTO articles_article_fts(articles_article_fts) VALUES ('rebuild')",
]
POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS articles_article_search_gin",
    """CREATE INDEX articles_article_search_gin ON articles_article USING GIN (
        to_tsvector('simple', newsdesk_unaccent(coalesce(title,'') || ' ' || coalesce(search_text,'')
        || ' ' || coalesce(search_stems,''))))""",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS articles_article_search_gin", _UNACCENT.POSTGRES_FORWARD[-1]]


def _run(vendor, statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == vendor:
            for sql in statements:
                schema_editor.execute(sql)

    return run


def fill_stems(apps, schema_editor):
    # The database being migrated, which is not the default one under `newsdesk db copy` (migrate --database).
    articles = apps.get_model("articles", "Article").objects.using(schema_editor.connection.alias)
    for row in articles.only("id", "title", "search_text", "language").iterator():
        stems = stems_of(f"{row.title}\n{row.search_text}", row.language)
        if stems:
            articles.filter(pk=row.pk).update(search_stems=stems)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_language_primary_tags"),
    ]

    operations = [
        # Unapplied last: removing the column rebuilds the SQLite table, so 0002's index comes back after that.
        migrations.RunPython(migrations.RunPython.noop, _run("sqlite", SQLITE_BACKWARD)),
        migrations.AddField(
            model_name="article",
            name="search_stems",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(fill_stems, migrations.RunPython.noop),
        migrations.RunPython(_run("sqlite", SQLITE_FORWARD), _run("sqlite", _SEARCH_INDEX.SQLITE_BACKWARD)),
        migrations.RunPython(_run("postgresql", POSTGRES_FORWARD), _run("postgresql", POSTGRES_BACKWARD)),
    ]
