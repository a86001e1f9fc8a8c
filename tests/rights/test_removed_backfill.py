"""Articles removed before the desk kept their ids (rights.RemovedArticle) are found in the audit log by the
migration that adds them, so their addresses answer 410 Gone as well."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from newsdesk.rights.audit import audit_append
from newsdesk.rights.models import RemovedArticle
from newsdesk.rights.services import takedown_request_create

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("newsdesk.rights.migrations.0003_removed_article_backfill")
SCHEMA_EDITOR = SimpleNamespace(connection=connection)  # the one attribute the migration reads


def test_the_audit_logs_removals_are_kept_as_removed_ids(client):
    notice = takedown_request_create(
        requester_name="Rita Owner",
        requester_email="rita@publisher.example",
        signature="Rita Owner",
        good_faith=True,
        accurate=True,
        urls=["https://daily.example/news/z"],
    )
    removed = {"articles": [{"id": 41, "url": "https://daily.example/news/z"}, {"id": 42, "url": "x"}]}
    audit_append(action="removed", actor="worker", request_id=notice.pk, data={**removed, "tombstones": []})
    audit_append(action="removed", actor="worker", request_id=notice.pk + 99, data=removed)  # no such notice
    audit_append(action="verified", actor="worker", request_id=notice.pk, data={"method": "dns"})

    backfill.removed_articles_backfill(apps, SCHEMA_EDITOR)
    backfill.removed_articles_backfill(apps, SCHEMA_EDITOR)  # run twice (a migration run again): nothing doubles

    assert sorted(RemovedArticle.objects.values_list("article_id", "request_id")) == [(41, notice.pk), (42, notice.pk)]
    assert client.get("/article/41/").status_code == 410
