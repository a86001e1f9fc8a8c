from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0008_membership_counted_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentfrequency",
            name="changed",
            field=models.PositiveBigIntegerField(
                db_index=True,
                default=0,
                help_text="The table's version when this count last changed; on the row of all articles, the "
                "table's version.",
            ),
        ),
    ]
