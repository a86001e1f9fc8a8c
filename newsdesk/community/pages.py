"""Telling the page caches that what a page shows changed (a comment appeared, was edited, moderated or deleted).

Whole-response caches key on newsdesk.common.content_version, so one bump reaches the target's page, its comments
feed and any other cached copy at once. The bump waits for the commit: a cache refilled before it would keep the
old page under the new version.
"""

import logging

from django.db import models, transaction

from newsdesk.common.content_version import content_version_bump

log = logging.getLogger("newsdesk.community")


def target_pages_changed(*targets: models.Model | None) -> None:
    """Drop the cached copies of the targets' pages (and of their comments feeds): one version bump for them all."""
    paths = [target.get_absolute_url() for target in targets if target is not None]
    if not paths:
        return
    transaction.on_commit(content_version_bump)
    log.debug("comment pages changed", extra={"paths": paths})
