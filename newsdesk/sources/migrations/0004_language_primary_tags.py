"""Publisher.language as a BCP 47 primary subtag ("en-US" → "en"), as Article.language became in articles 0005: the
publisher's language is a hint to language identification and a filter value, and "en-US" there matched nothing.
New writes are normalised by the field (newsdesk.sources.fields); this normalises what is stored."""

import re

from django.db import migrations, models

# The rule of newsdesk.reader.languages.normalise_language, frozen here as migrations must be.
_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def primary_tag(code: str) -> str:
    match = _CODE.match((code or "").strip().split(",")[0].strip())
    return match.group(1).lower() if match else ""


def normalise_languages(apps, schema_editor):
    # The database being migrated, which is not the default one under `newsdesk db copy` (migrate --database).
    publishers = apps.get_model("sources", "Publisher").objects.using(schema_editor.connection.alias)
    for stored in publishers.order_by().values_list("language", flat=True).distinct():
        if primary_tag(stored) != stored:
            publishers.filter(language=stored).update(language=primary_tag(stored))


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0003_display_signals"),
    ]

    operations = [
        migrations.AlterField(
            model_name="publisher",
            name="language",
            field=models.CharField(
                blank=True, help_text="BCP 47 primary subtag, e.g. en, fr, de, es (en-US is stored as en)", max_length=16
            ),
        ),
        migrations.RunPython(normalise_languages, migrations.RunPython.noop, elidable=True),
    ]
