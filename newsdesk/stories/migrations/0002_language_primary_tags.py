"""Story.language and Story.languages as BCP 47 primary subtags, as Article.language became in articles 0005: stories
built before that hold "en-US" beside "en", so a `?lang=en` filter missed them. New writes are normalised by the
fields (newsdesk.sources.fields); this normalises what is stored."""

import re

from django.db import migrations, models

# The rule of newsdesk.reader.languages.normalise_language, frozen here as migrations must be.
_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
BATCH = 500


def primary_tag(code: str) -> str:
    match = _CODE.match((code or "").strip().split(",")[0].strip())
    return match.group(1).lower() if match else ""


def primary_tags(codes) -> list[str]:
    seen: dict[str, None] = {}
    for code in codes if isinstance(codes, list) else []:
        if isinstance(code, str) and (primary := primary_tag(code)):
            seen.setdefault(primary, None)
    return list(seen)


def normalise_languages(apps, schema_editor):
    # The database being migrated, which is not the default one under `newsdesk db copy` (migrate --database).
    stories = apps.get_model("stories", "Story").objects.using(schema_editor.connection.alias)
    for stored in stories.order_by().values_list("language", flat=True).distinct():
        if primary_tag(stored) != stored:
            stories.filter(language=stored).update(language=primary_tag(stored))
    changed = []
    for story in stories.order_by("pk").only("pk", "languages").iterator(chunk_size=BATCH):
        wanted = primary_tags(story.languages)
        if wanted != story.languages:
            story.languages = wanted
            changed.append(story)
        if len(changed) == BATCH:
            stories.bulk_update(changed, ["languages"])
            changed = []
    stories.bulk_update(changed, ["languages"])


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="story",
            name="language",
            field=models.CharField(
                blank=True, help_text="Language of the headline (BCP 47 primary subtag).", max_length=16
            ),
        ),
        migrations.RunPython(normalise_languages, migrations.RunPython.noop, elidable=True),
    ]
