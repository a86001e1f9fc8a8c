"""Article.feed_entry_hash: the fingerprint of the article's item in its own feed when the page was last fetched, so
an edit in an RSS feed (whose items carry no "updated" date) is seen (newsdesk/ingest/entry_refresh.py).

Added with a plain ALTER TABLE on every database, as 0007 did: Django's own AddField rebuilds the table on SQLite,
which would drop the full-text triggers. Rows stored before have "" (no fingerprint: not compared until the page is
fetched again).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_search_vector_inline"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE articles_article ADD COLUMN feed_entry_hash varchar(64) NOT NULL DEFAULT ''",
                    "ALTER TABLE articles_article DROP COLUMN feed_entry_hash",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="article",
                    name="feed_entry_hash",
                    field=models.CharField(blank=True, default="", max_length=64),
                )
            ],
        )
    ]
