"""Where a gone story's address leads: written when a story is replaced (common.signals.target_replaced), read by
the story page and /api/stories/<id> when no shown story has the id they were asked for. Chains are one hop (a
redirect to a story replaced in turn follows it), and a redirect whose story was deleted (a takedown) answers 410."""

import logging

from django.db import models

from newsdesk.common.content_version import content_version_bump
from newsdesk.stories.models import Story, StoryRedirect
from newsdesk.stories.selectors import MAX_ID

log = logging.getLogger(__name__)

# What the address of a story that became one taken down since answers (410 Gone): its page, its comments feed.
STORY_GONE = "This story was merged into another, which has since been removed."


def story_redirect_record(sender: type[models.Model], *, old_pk: int, new_pk: int, **kwargs: object) -> None:
    """Story `old_pk` is about to be deleted, its members in `new_pk`: its address, and every address that led to it,
    lead to `new_pk` from now on (inside the sender's transaction, before the delete would cascade them away)."""
    if sender is not Story:
        return
    moved = StoryRedirect.objects.filter(story_id=old_pk).update(story_id=new_pk)  # chains stay one hop
    StoryRedirect.objects.update_or_create(old_id=old_pk, defaults={"story_id": new_pk})
    # Its own pages (the story page, API item, comments feed) are cached under its version: a merge bumps only the
    # soft one of everything, under which a cached 200 would still be served stale while another request renders.
    content_version_bump(Story._meta.label_lower, old_pk)
    log.info("story redirected", extra={"from_story": old_pk, "to_story": new_pk, "followed": moved})


def story_redirect_target(*, story_id: int) -> int | None:
    """The story a reader asking for `story_id` is sent to: its redirect's, when no story has that id and the one
    it leads to is shown (Story.SHOWN, as story_get's); else None (the ask is answered 404 as before)."""
    if not 0 < story_id <= MAX_ID:  # (no database column holds it)
        return None
    target = StoryRedirect.objects.filter(old_id=story_id).values_list("story_id", flat=True).first()
    if target is None or Story.objects.filter(pk=story_id).exists():
        return None
    return target if Story.objects.filter(Story.SHOWN, pk=target).exists() else None


def story_gone(*, story_id: int) -> bool:
    """Whether `story_id` is the address of a story that became another which is gone too (a takedown emptied it):
    answered 410 Gone rather than 404, so a reader and a crawler learn it will not come back."""
    if not 0 < story_id <= MAX_ID:
        return False
    gone = StoryRedirect.objects.filter(old_id=story_id, story__isnull=True).exists()
    return gone and not Story.objects.filter(pk=story_id).exists()


def story_gone_reason(sender: type[models.Model], *, pk: int, **kwargs: object) -> str:
    """Receiver of common.signals.target_gone_asked: STORY_GONE when `pk` is such a story (story_gone), else ""."""
    return STORY_GONE if sender is Story and story_gone(story_id=pk) else ""
