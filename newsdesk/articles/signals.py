"""What the articles app announces to the apps above it. They connect in their AppConfig.ready(); this app never
imports them (tests/test_layers.py)."""

from django.dispatch import Signal

# An operator changed what decides which copy of a wire text is credited as the primary: an article's wire credit or
# publisher, or a publisher's name (an agency's own release is told by it). Sent with article_ids=, the ids of the
# articles whose copy facts changed (a list, or a query of ids), after the change is saved; the stories app re-chooses
# their groups' primaries from scratch.
copy_facts_changed = Signal()

# An operator changed what a publisher's articles may show: its display policy, excerpt length or whether it is active
# (articles.services.publisher_policy_set). Sent with publisher_id=, inside the change's transaction; the stories app
# recounts the stories its articles are in (a story's headline, lead, image and counts follow what may be shown).
display_policy_changed = Signal()
