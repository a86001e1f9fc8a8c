"""Telling the page caches that what a page shows changed (a comment appeared, was edited, moderated or deleted).

Whole-response caches key on newsdesk.common.content_version. A comment changes only its target's own pages (the
page, its API answer, its comments feed), so the bump is the target's scoped version: every other cached page stays
valid. content_version_bump bumps at once and again when the surrounding transaction commits, so a cache refilled
in between cannot keep the old page under the new version.
"""

import logging

from django.db import models

from newsdesk.common.content_version import content_version_bump

log = logging.getLogger("newsdesk.community")


def target_pages_changed(*targets: models.Model | None) -> None:
    """Drop the cached copies of the targets' pages (and of their comments feeds): one scoped bump per target."""
    changed = {(target._meta.label_lower, target.pk): target for target in targets if target is not None}
    for label, pk in changed:
        content_version_bump(label, pk)
    if changed:
        log.debug("comment pages changed", extra={"paths": [t.get_absolute_url() for t in changed.values()]})
