"""What the articles app announces to the apps above it. They connect in their AppConfig.ready(); this app never
imports them (tests/test_layers.py)."""

from django.dispatch import Signal

# An operator changed what decides which copy of a wire text is credited as the primary: an article's wire credit or
# publisher, or a publisher's name (an agency's own release is told by it). Sent with article_ids=, the ids of the
# articles whose copy facts changed (a list, or a query of ids), after the change is saved; the stories app re-chooses
# their groups' primaries from scratch.
copy_facts_changed = Signal()

# Whether readers are shown a publisher's articles changed (it was deactivated or reactivated, or its display policy,
# which decides whether its reports may lead, changed). Sent with publisher_id= inside the transaction that saved
# it; the stories app recounts, re-leads and re-images the stories holding its articles.
publisher_shown_changed = Signal()
