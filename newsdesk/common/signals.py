"""What an app announces to the apps beside it, which it may not import (tests/test_layers.py): they connect in their
AppConfig.ready()."""

from django.dispatch import Signal

# A row readers may have commented on was folded into another row of its model and is about to be deleted: a story
# whose members all went to another one (merged by an article matching both, or emptied by the refinement at its
# close). Sent by the model (sender=) with old_pk= and new_pk=, inside the transaction that deletes it; the community
# app moves its comments to the row that took its members, so they stay on the page of the event they were about.
target_replaced = Signal()

# Whether a row readers may have commented on, no longer shown, was removed for good: its addresses answer 410 Gone,
# not 404. Sent by the app that asks (community: a comments feed, a comment form) with sender=the model and pk=; the
# app that removed such rows answers with the reason, one sentence a reader is shown, and "" for every other row
# (rights: an article a takedown removed; stories: a story merged into one that was taken down since).
target_gone_asked = Signal()
