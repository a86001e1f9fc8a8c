from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

# The display policies of publishers readers are shown (sources.selectors.SHOWN_POLICIES as this migration was written).
SHOWN_POLICIES = ("full", "excerpt", "headline")


def shown_sizes_count(apps, schema_editor) -> None:
    """Each story's articles of shown publishers (active, not blocked), in one statement: what stories.counts keeps
    from now on."""
    # The database being migrated, which is not the default one under `newsdesk db copy` (migrate --database).
    alias = schema_editor.connection.alias
    Story = apps.get_model("stories", "Story")
    StoryMembership = apps.get_model("stories", "StoryMembership")
    shown = (
        StoryMembership.objects.using(alias)
        .filter(
            story=OuterRef("pk"),
            article__publisher__is_active=True,
            article__publisher__display_policy__in=SHOWN_POLICIES,
        )
        .order_by()
        .values("story")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Story.objects.using(alias).update(shown_size=Coalesce(Subquery(shown), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0003_syndication_group_tally"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="shown_size",
            field=models.PositiveIntegerField(default=0, help_text="Articles in the story that readers are shown."),
        ),
        migrations.RunPython(shown_sizes_count, migrations.RunPython.noop),
    ]
