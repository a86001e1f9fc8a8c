"""Stories and wire groups follow their articles out: when an article is deleted (a takedown removes the row, an
operator deletes it), the story it was in and the group it was a copy in are recomputed once the deletion commits,
so no story keeps a removed article's headline, lead or counts and no group keeps crediting a removed primary (its
other copies would otherwise all stay hidden as repeats). The document frequencies stop counting the article at
once, in the deleting transaction (stories.frequencies.memberships_uncount).

The rights app sits beside this one and cannot call it; Django's cascade sends these signals whoever deletes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from django.db import transaction
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from newsdesk.articles.signals import copy_facts_changed, display_policy_changed
from newsdesk.common.content_version import content_version_bump
from newsdesk.stories.models import ArticleSignature, Story, StoryMembership, SyndicationGroup

_pending = threading.local()


def _ids(name: str) -> set[int]:
    if not hasattr(_pending, name):
        setattr(_pending, name, set())
    return getattr(_pending, name)


class _Deletion:
    """The memberships one deletion (one Collector run, known by its origin) is removing, and those it removed."""

    def __init__(self, origin: object) -> None:
        self.origin = origin
        self.waiting: dict[int, StoryMembership] = {}
        self.removed: list[StoryMembership] = []


@receiver(pre_delete, sender=StoryMembership, dispatch_uid="stories-membership-deleting")
def membership_deleting(sender: type, instance: StoryMembership, origin: object = None, **kwargs: object) -> None:
    # A deletion sends every pre_delete before it deletes anything, then one post_delete per row: the memberships
    # one deletion removes are taken back together after its last row (a few statements, not two per article: a
    # row of counts updated thousands of times in one transaction grows slow on PostgreSQL).
    deletion = getattr(_pending, "deletion", None)
    if deletion is None or deletion.origin is not origin:
        deletion = _pending.deletion = _Deletion(origin)  # one that failed before its post_delete is dropped
    deletion.waiting[id(instance)] = instance


@receiver(post_delete, sender=StoryMembership, dispatch_uid="stories-membership-deleted")
def membership_deleted(sender: type, instance: StoryMembership, origin: object = None, **kwargs: object) -> None:
    # Its article no longer counts in the document frequencies: taken back in the deleting transaction. Imported
    # here: frequencies imports the clustering core (numpy), which a process that only sets Django up never needs.
    from newsdesk.stories.frequencies import memberships_uncount

    deletion = getattr(_pending, "deletion", None)
    if deletion is None or deletion.origin is not origin or deletion.waiting.get(id(instance)) is not instance:
        memberships_uncount([instance])
    else:
        del deletion.waiting[id(instance)]
        deletion.removed.append(instance)
        if not deletion.waiting:  # the deletion's last membership
            _pending.deletion = None
            memberships_uncount(deletion.removed)
    _ids("stories").add(instance.story_id)
    transaction.on_commit(stories_after_deletions)


@receiver(post_delete, sender=ArticleSignature, dispatch_uid="stories-signature-deleted")
def signature_deleted(sender: type, instance: ArticleSignature, **kwargs: object) -> None:
    if instance.group_id is not None:
        _ids("groups").add(instance.group_id)
        transaction.on_commit(stories_after_deletions)


@receiver(copy_facts_changed, dispatch_uid="stories-copy-facts-changed")
def copy_facts_recount(sender: type, article_ids: Iterable[int], **kwargs: object) -> None:
    """An operator changed a copy's credit or publisher: the tally a group keeps for judging one more copy no longer
    holds, so its primary is chosen again from every copy's facts as stored now."""
    from newsdesk.stories.syndication_services import groups_recount

    groups_recount(article_ids=article_ids)


@receiver(display_policy_changed, dispatch_uid="stories-display-policy-changed")
def display_policy_recount(sender: type, publisher_id: int, **kwargs: object) -> None:
    """A publisher's articles may show more or less now: the stories they are in choose their lead (headline,
    summary) and image again and count the outlets that show, so a blocked publisher's headline heads no story."""
    from newsdesk.stories.services import publisher_stories_recount

    publisher_stories_recount(publisher_id=publisher_id)


def stories_after_deletions() -> None:
    """Recompute the groups and stories that lost members (each once, however many callbacks were queued)."""
    from newsdesk.stories.services import story_members_refresh
    from newsdesk.stories.syndication_services import syndication_group_refresh

    groups, stories = _ids("groups"), _ids("stories")
    if not groups and not stories:
        return
    group_ids, story_ids = set(groups), set(stories)
    groups.clear()
    stories.clear()
    with transaction.atomic():
        for group in SyndicationGroup.objects.filter(pk__in=group_ids):
            syndication_group_refresh(group=group)
        for story in Story.objects.filter(pk__in=story_ids):
            story_members_refresh(story=story)
    content_version_bump()
