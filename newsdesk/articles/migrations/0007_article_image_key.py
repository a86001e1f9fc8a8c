"""Article.image_key: names the image proxy's renditions of the lead image (newsdesk.media).

Added with a plain ALTER TABLE on every database: Django's own AddField rebuilds the table on SQLite, which would
drop the full-text triggers (0002, 0004, 0006); a column with a constant default needs no rebuild anywhere.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_search_stems"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE articles_article ADD COLUMN image_key varchar(64) NOT NULL DEFAULT ''",
                    "ALTER TABLE articles_article DROP COLUMN image_key",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="article",
                    name="image_key",
                    field=models.CharField(blank=True, max_length=64),
                )
            ],
        )
    ]
