"""Article.language in BCP 47's canonical form: a 3-letter code of a language that has a 2-letter one ("eng", "fre")
and a withdrawn 2-letter code ("iw") were stored as declared, so `?lang=en` missed them. New writes are canonical
through the field; this rewrites what is stored, by newsdesk.reader.languages.normalise_language (a pure function
of the pinned ISO 639 table: rerunning it later gives the same answer)."""

from django.db import migrations

from newsdesk.reader.languages import normalise_language


def canonical_languages(apps, schema_editor):
    # The database being migrated, which is not the default one under `newsdesk db copy` (migrate --database).
    articles = apps.get_model("articles", "Article").objects.using(schema_editor.connection.alias)
    for stored in articles.order_by().values_list("language", flat=True).distinct():
        if stored and normalise_language(stored) != stored:
            articles.filter(language=stored).update(language=normalise_language(stored))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_article_address"),
    ]

    operations = [
        migrations.RunPython(canonical_languages, migrations.RunPython.noop, elidable=True),
    ]
