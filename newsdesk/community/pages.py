"""Telling the page caches that a target's page changed (a comment appeared, was edited or was moderated)."""

import logging

from django.db import models

log = logging.getLogger("newsdesk.community")


def target_pages_changed(target: models.Model | None) -> None:
    """Drop the cached copies of the target's page (and of its comments feed), so readers see the change."""
    if target is None:
        return
    url = target.get_absolute_url()
    log.debug("comment page changed", extra={"path": url})
