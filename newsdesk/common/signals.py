"""What an app announces to the apps beside it, which it may not import (tests/test_layers.py): they connect in their
AppConfig.ready()."""

from django.dispatch import Signal

# A row readers may have commented on was folded into another row of its model and is about to be deleted: a story
# whose members all went to another one (merged by an article matching both, or emptied by the refinement at its
# close). Sent by the model (sender=) with old_pk= and new_pk=, inside the transaction that deletes it; the community
# app moves its comments to the row that took its members, so they stay on the page of the event they were about.
target_replaced = Signal()
