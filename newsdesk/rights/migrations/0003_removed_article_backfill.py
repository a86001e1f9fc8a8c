"""The articles takedowns removed before RemovedArticle existed, from the audit log's "removed" entries (each names
the ids it removed): their addresses answer 410 Gone too, not only those removed from now on."""

from django.db import migrations


def removed_articles_backfill(apps, schema_editor):
    AuditEntry = apps.get_model("rights", "AuditEntry")
    RemovedArticle = apps.get_model("rights", "RemovedArticle")
    TakedownRequest = apps.get_model("rights", "TakedownRequest")
    db = schema_editor.connection.alias  # `newsdesk db copy` migrates a second database: read and write that one
    requests = set(TakedownRequest.objects.using(db).values_list("pk", flat=True))
    rows = []
    for entry in AuditEntry.objects.using(db).filter(action="removed").order_by("seq").iterator():
        if entry.request_id_ref not in requests:
            continue
        for removed in (entry.data or {}).get("articles", []):
            if isinstance(removed, dict) and isinstance(removed.get("id"), int):
                row = RemovedArticle(article_id=removed["id"], request_id=entry.request_id_ref, removed_at=entry.at)
                rows.append(row)
    RemovedArticle.objects.using(db).bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("rights", "0002_removed_article"),
    ]

    operations = [
        migrations.RunPython(removed_articles_backfill, migrations.RunPython.noop),
    ]
