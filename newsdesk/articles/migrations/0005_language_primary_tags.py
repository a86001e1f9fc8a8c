"""Article.language as a BCP 47 primary subtag: rows stored before identification ("en-US", "fr_FR", "DE")
become "en", "fr", "de", so a `?lang=` filter finds them all. Re-identifying from the text is `newsdesk
reprocess`'s job; this only normalises what is stored."""

import re

from django.db import migrations

# The rule of newsdesk.reader.extract.language.normalise_language, frozen here as migrations must be.
_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def primary_tag(code: str) -> str:
    match = _CODE.match((code or "").strip().split(",")[0].strip())
    return match.group(1).lower() if match else ""


def normalise_languages(apps, schema_editor):
    # The database being migrated, which is not the default one under `newsdesk db copy` (migrate --database).
    articles = apps.get_model("articles", "Article").objects.using(schema_editor.connection.alias)
    for stored in articles.order_by().values_list("language", flat=True).distinct():
        if primary_tag(stored) != stored:
            articles.filter(language=stored).update(language=primary_tag(stored))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_display_signals"),
    ]

    operations = [
        migrations.RunPython(normalise_languages, migrations.RunPython.noop, elidable=True),
    ]
