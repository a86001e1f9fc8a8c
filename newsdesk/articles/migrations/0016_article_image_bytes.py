"""Article.image_bytes: the byte size of the stored lead rendition, a feed enclosure's length. Feeds asked the image
storage for it on every render (a story feed up to 30 stat calls a request, 30 requests on object storage); the
image proxy now writes it with image_key, and this fills it in for the images stored before, reading the storage once
per stored image. An image the storage cannot size (gone, a backend that cannot tell) keeps 0, what the feeds gave
for it.

Added with a plain ALTER TABLE on every database, as 0007 and 0011 did: Django's own AddField rebuilds the table on
SQLite, which would drop the full-text triggers; a column with a constant default needs no rebuild anywhere. Its check
is the one Django gives a PositiveIntegerField (PostgreSQL names it articles_article_image_bytes_check, as Django does).
"""

from django.core.files.storage import storages
from django.db import migrations, models


def stored_image_sizes(apps, schema_editor):
    # The database being migrated, which is not the default one under `newsdesk db copy` (migrate --database).
    articles = apps.get_model("articles", "Article").objects.using(schema_editor.connection.alias)
    storage = storages["images"]
    for key in list(articles.exclude(image_key="").order_by().values_list("image_key", flat=True).distinct()):
        try:
            size = storage.size(f"{key}-lead.webp")
        except (OSError, NotImplementedError):
            continue
        articles.filter(image_key=key).update(image_bytes=size)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_language_canonical_codes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE articles_article ADD COLUMN image_bytes integer NOT NULL DEFAULT 0"
                    " CHECK (image_bytes >= 0)",
                    "ALTER TABLE articles_article DROP COLUMN image_bytes",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="article",
                    name="image_bytes",
                    field=models.PositiveIntegerField(default=0),
                )
            ],
        ),
        migrations.RunPython(stored_image_sizes, migrations.RunPython.noop, elidable=True),
    ]
