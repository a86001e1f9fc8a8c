"""PostgreSQL search folds diacritics like SQLite's FTS5 (`remove_diacritics 2`): "cafe" finds "Café".

`unaccent()` is only STABLE, so an IMMUTABLE wrapper with a fixed dictionary is what the index expression uses;
the search query must use the very same expression for the index to apply.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """CREATE OR REPLACE FUNCTION newsdesk_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    "DROP INDEX IF EXISTS articles_article_search_gin",
    """CREATE INDEX articles_article_search_gin ON articles_article USING GIN (
        to_tsvector('simple', newsdesk_unaccent(coalesce(title, '') || ' ' || coalesce(search_text, ''))))""",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS articles_article_search_gin",
    """CREATE INDEX articles_article_search_gin ON articles_article USING GIN (
        to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(search_text, '')))""",
    "DROP FUNCTION IF EXISTS newsdesk_unaccent(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_search_index")]

    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]
