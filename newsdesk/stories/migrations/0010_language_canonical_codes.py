"""Story.language and Story.languages in BCP 47's canonical form ("eng" → "en", "iw" → "he"), as articles 0015 does
for Article.language; a story listing both "eng" and "en" keeps "en" once, in its first place."""

from django.db import migrations

from newsdesk.reader.languages import normalise_language, normalise_languages

BATCH = 500


def canonical_languages(apps, schema_editor):
    stories = apps.get_model("stories", "Story").objects.using(schema_editor.connection.alias)
    for stored in stories.order_by().values_list("language", flat=True).distinct():
        if stored and normalise_language(stored) != stored:
            stories.filter(language=stored).update(language=normalise_language(stored))
    changed = []
    for story in stories.order_by("pk").only("pk", "languages").iterator(chunk_size=BATCH):
        codes = story.languages if isinstance(story.languages, list) else []
        wanted = normalise_languages(code for code in codes if isinstance(code, str))
        if wanted != story.languages:
            story.languages = wanted
            changed.append(story)
        if len(changed) == BATCH:
            stories.bulk_update(changed, ["languages"])
            changed = []
    stories.bulk_update(changed, ["languages"])


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0009_document_frequency_changed"),
    ]

    operations = [
        migrations.RunPython(canonical_languages, migrations.RunPython.noop, elidable=True),
    ]
