"""Article.robots_directives: the page's display limits (nosnippet, max-snippet:N, noimageindex, …).

On SQLite, adding a column with a default rebuilds the table, which drops the full-text triggers of 0002; they
are created again here and the index rebuilt from the table.
"""

import importlib

from django.db import migrations, models

# 0002's statements (a module whose name starts with a digit is imported by name).
_SEARCH_INDEX = importlib.import_module("newsdesk.articles.migrations.0002_search_index")


def _recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ("articles_article_fts_ai", "articles_article_fts_ad", "articles_article_fts_au"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in _SEARCH_INDEX.SQLITE_FORWARD[1:]:
        schema_editor.execute(sql)
    schema_editor.execute("INSERT INTO articles_article_fts(articles_article_fts) VALUES ('rebuild')")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_postgres_unaccent"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="robots_directives",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(_recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
