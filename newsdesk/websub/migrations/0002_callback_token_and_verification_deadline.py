"""Callback URLs gain an unguessable token, and verifications are accepted only while a request is in flight.

Existing subscriptions get a token each. Their hubs still know the old callback URL (without a token), which
now answers 404, so each one in subscribe mode is marked for re-subscription: no request counts as sent and a
verified lease counts as ending now, so the next refresh of its feed (`websub_ensure`) subscribes again with
the new callback URL. Unsubscribed ones are left alone.
"""

import secrets

from django.db import migrations, models
from django.utils import timezone

import newsdesk.websub.models


def give_tokens_and_mark_for_resubscription(apps, schema_editor):
    subscription_model = apps.get_model("websub", "WebSubSubscription")
    now = timezone.now()
    # The database being migrated, which is not the default one under `newsdesk db copy` (migrate --database).
    for subscription in subscription_model.objects.using(schema_editor.connection.alias):
        subscription.callback_token = secrets.token_urlsafe(32)
        if subscription.mode == "subscribe":
            subscription.requested_at = None
            if subscription.state == "verified":
                subscription.lease_expires_at = min(subscription.lease_expires_at or now, now)
        subscription.save(update_fields=["callback_token", "requested_at", "lease_expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("websub", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="websubsubscription",
            name="verification_deadline",
            field=models.DateTimeField(blank=True, null=True),
        ),
        # Added nullable first: one default for every existing row would break the unique constraint.
        migrations.AddField(
            model_name="websubsubscription",
            name="callback_token",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.RunPython(give_tokens_and_mark_for_resubscription, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="websubsubscription",
            name="callback_token",
            field=models.CharField(
                default=newsdesk.websub.models.new_callback_token, editable=False, max_length=64, unique=True
            ),
        ),
    ]
