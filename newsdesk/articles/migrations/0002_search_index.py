"""Full-text search index: FTS5 on SQLite, a GIN tsvector index on PostgreSQL.

Only `title` and `search_text` are indexed; services fill `search_text` according to the publisher's
display policy, so text we may not show can never be found either.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE articles_article_fts USING fts5(
        title, search_text, content='articles_article', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER articles_article_fts_ai AFTER INSERT ON articles_article BEGIN
        INSERT INTO articles_article_fts(rowid, title, search_text) VALUES (new.id, new.title, new.search_text);
    END""",
    """CREATE TRIGGER articles_article_fts_ad AFTER DELETE ON articles_article BEGIN
        INSERT INTO articles_article_fts(articles_article_fts, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
    END""",
    """CREATE TRIGGER articles_article_fts_au AFTER UPDATE OF title, search_text ON articles_article BEGIN
        INSERT INTO articles_article_fts(articles_article_fts, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
        INSERT INTO articles_article_fts(rowid, title, search_text) VALUES (new.id, new.title, new.search_text);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS articles_article_fts_au",
    "DROP TRIGGER IF EXISTS articles_article_fts_ad",
    "DROP TRIGGER IF EXISTS articles_article_fts_ai",
    "DROP TABLE IF EXISTS articles_article_fts",
]
POSTGRES_FORWARD = [
    """CREATE INDEX articles_article_search_gin ON articles_article USING GIN (
        to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(search_text, '')))""",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS articles_article_search_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
