"""Publisher.language in BCP 47's canonical form ("eng" → "en", "iw" → "he"), as articles 0015 does for
Article.language: the publisher's language is a hint to identification and a filter value."""

from django.db import migrations

from newsdesk.reader.languages import normalise_language


def canonical_languages(apps, schema_editor):
    publishers = apps.get_model("sources", "Publisher").objects.using(schema_editor.connection.alias)
    for stored in publishers.order_by().values_list("language", flat=True).distinct():
        if stored and normalise_language(stored) != stored:
            publishers.filter(language=stored).update(language=normalise_language(stored))


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_language_primary_tags"),
    ]

    operations = [
        migrations.RunPython(canonical_languages, migrations.RunPython.noop, elidable=True),
    ]
