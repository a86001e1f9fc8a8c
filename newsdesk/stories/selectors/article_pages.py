"""What an article's page reads beyond the article: its story, and the other outlets' copies of its wire text."""

from dataclasses import dataclass

from django.db.models import QuerySet

from newsdesk.articles.models import Article
from newsdesk.articles.selectors import ARTICLE_KEY_FIELDS, SEARCH_ONLY_FIELDS, article_list, article_shown
from newsdesk.common.compiled import key_rows
from newsdesk.stories.models import Story, SyndicationGroup
from newsdesk.stories.selectors.story_pages import MAX_ID


@dataclass(frozen=True)
class ArticleSyndication:
    """What an article page says about its story and wire copies."""

    story: Story | None
    primary: Article | None  # the group's primary source, when the article is a copy of it
    carried_by: list[Article]  # the other outlets printing the same text
    reasons: list[str]


def article_page_get(*, article_id: int) -> Article | None:
    """One visible article by id (article_get) with its story membership and wire group joined for its page, in
    one query; the columns no page shows (search text, clustering state, signature) are left in the database."""
    if not 0 < article_id <= MAX_ID:
        return None
    found = article_list().filter(pk=article_id).select_related("story_membership__story", "signature__group")
    return found.defer(*SEARCH_ONLY_FIELDS, "story_membership__story__state", "signature__signature").first()


# What an article's page shows beyond its own key (ARTICLE_KEY_FIELDS): its story's link and counts, and which wire
# group it is a copy in (the group's visible copies are read by syndication_copy_keys).
ARTICLE_PAGE_FIELDS = (
    *ARTICLE_KEY_FIELDS,
    "story_membership__story_id",
    "story_membership__story__headline",
    "story_membership__story__lead_article__language",  # which report tells the story in the article's language
    "story_membership__story__size",
    "story_membership__story__outlet_count",
    "signature__group_id",
    "signature__group__primary_id",
)


# What the page shows of each copy of a wire text (the order, a link, the outlet, the primary's credit).
SYNDICATION_COPY_FIELDS = ("id", "updated_at", "published_at", "fetched_at", "wire_credit", "publisher__name")


def article_page_key(*, article_id: int) -> tuple | None:
    """ARTICLE_PAGE_FIELDS of one visible article (article_get's visibility), or None: the light first read of its
    page, which is rendered (from article_page_get) only when no cache holds it for these values."""
    if not 0 < article_id <= MAX_ID:
        return None
    rows = key_rows(
        ("article-page-key", article_id),
        lambda: article_list().filter(pk=article_id).values_list(*ARTICLE_PAGE_FIELDS, named=True),
    )
    return rows[0] if rows else None


def syndication_copy_keys(*, group_id: int) -> list[tuple]:
    """SYNDICATION_COPY_FIELDS of the visible copies in a wire group, by id (what article_syndication lists)."""
    return key_rows(
        ("syndication-copy-keys", group_id),
        lambda: _visible_copies(group_id).values_list(*SYNDICATION_COPY_FIELDS, named=True).order_by("id"),
    )


def _visible_copies(group_id: int) -> QuerySet[Article]:
    return article_shown(Article.objects.filter(signature__group_id=group_id))


# What the article page and the article API show of a wire group's copies (their link, outlet, arrival and the
# primary's credit line), and what Article.__str__ and the template's `pk` read.
SYNDICATION_LISTED_FIELDS = ("id", "title", "published_at", "fetched_at", "wire_credit", "publisher__name")


def article_syndication(article: Article) -> ArticleSyndication:
    """The story of `article` and, when other outlets printed the same wire text, its primary and the others
    (article_page_get has joined its membership and signature)."""
    # A missing membership or signature raises DoesNotExist, an AttributeError: getattr's default covers it.
    membership = getattr(article, "story_membership", None)
    story = membership.story if membership is not None and membership.story.size > 0 else None
    signature = getattr(article, "signature", None)
    group: SyndicationGroup | None = signature.group if signature is not None else None
    if group is None:
        return ArticleSyndication(story=story, primary=None, carried_by=[], reasons=[])
    # Only what the lists show of a copy: a wire text carried by thousands of outlets loaded every body before.
    copies = _visible_copies(group.pk).select_related("publisher").only(*SYNDICATION_LISTED_FIELDS)
    copies = sorted(copies, key=lambda a: (a.published_at or a.fetched_at, a.pk))
    primary = next((a for a in copies if a.pk == group.primary_id), None)
    # Other outlets only: an outlet's own copy of its text under another address (a changed slug) carried nothing.
    carried_by = [
        a for a in copies if a.pk not in (article.pk, group.primary_id) and a.publisher_id != article.publisher_id
    ]
    return ArticleSyndication(story=story, primary=primary, carried_by=carried_by, reasons=list(group.reasons))
