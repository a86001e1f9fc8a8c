"""Repeats left out of article lists: wire copies, so that each wire text shows once (the groups of copies), and
a story's other reports where a list shows one article a story."""

from django.db.models import Q, QuerySet

from newsdesk.articles.models import Article
from newsdesk.sources.selectors import publisher_shown


def without_repeats(articles: QuerySet[Article]) -> QuerySet[Article]:
    """`articles` without wire copies that are not their group's primary: each wire text once."""
    return articles.exclude(signature__is_repeat=True)


# The lookup that says an article is a wire copy shown elsewhere (its group's primary is shown): article_sections
# reads it with the keys and leaves such articles out.
REPEAT_FLAG = "signature__is_repeat"

# The lookup that groups an article with the other reports of its story: the home page's sections read it with the
# keys and keep each story's newest report alone, so one busy story cannot fill a section with its headlines.
STORY_OF = "story_membership__story_id"


# A wire copy whose group's primary some surface shows (its publisher active, not blocked). The article API and search
# leave out these alone: a copy of a primary no surface shows repeats nothing shown, and hiding it too hid the wire
# text everywhere (the primary's publisher deactivated: none of its copies was listed).
SHOWN_REPEAT = Q(signature__is_repeat=True) & publisher_shown("signature__group__primary__publisher__")


def without_shown_repeats(articles: QuerySet[Article]) -> QuerySet[Article]:
    """`articles` without the wire copies whose group's primary is shown (SHOWN_REPEAT)."""
    return articles.exclude(SHOWN_REPEAT)
