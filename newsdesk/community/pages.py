"""Telling the page caches that a target's page changed (a comment appeared, was edited or was moderated)."""

import logging

from django.db import models

from newsdesk.common.content_version import content_version_bump

log = logging.getLogger("newsdesk.community")


def target_pages_changed(target: models.Model | None) -> None:
    """Drop the cached copies of the target's page (and of its comments feed), so readers see the change."""
    if target is None:
        return
    # The target's own version: its page, its API answer and its comments feed are recomputed, nothing else.
    content_version_bump(target._meta.label_lower, target.pk)
    log.debug("comment page changed", extra={"path": target.get_absolute_url()})
