"""Story cards and article items of list pages, each rendered once for what it shows (newsdesk.common.fragments).

A fragment's key holds every value its template reads that can change without the row's `updated_at` moving
(the publisher's name and display policy, the page's robots signals, the stored image, a story's closing) plus
`updated_at` itself for the rest (title, texts, dates, counts: every write of those saves the row), the options it
was rendered with, the time zone dates are shown in and the template's source. So a takedown, a policy change, a
new image or an edited article shows at once, and an unchanged card is never rendered twice.
"""

from collections.abc import Mapping, Sequence

from django.core.paginator import Page
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from newsdesk.articles.fragments import article_fragments
from newsdesk.articles.models import Article, Category
from newsdesk.common.fragments import fragments
from newsdesk.common.fragments import template_digest as _template_digest
from newsdesk.stories.presentation import story_cards_told
from newsdesk.stories.selectors import stories_by_id

STORY_CARD = "site/_story_card.html"
ARTICLE_ITEM = "site/_article_item.html"
HOME_CONTENT = "site/_home_content.html"


def story_cards_html(
    keys: Sequence[tuple], *, level: int = 2, leads: Mapping[int, tuple] | None = None
) -> list[SafeString]:
    """The card of each story keyed in `keys` (rows of story_card_keys; site/_story_card.html), headings at `level`;
    a story in `leads` (story_language_leads: a reader asked for a language) as that report tells it, its card keyed
    on that report's card key too. Only the stories (and reports) no cache holds a card of are loaded, in one query
    (two)."""
    fixed = (_template_digest(STORY_CARD), timezone.get_current_timezone_name(), level)
    leads = leads or {}

    def render(missing: list[tuple]) -> list[str | None]:
        template = get_template(STORY_CARD)
        stories = stories_by_id([key.id for key in missing])
        cards = {card.story.pk: card for card in story_cards_told(stories, leads)}
        return [
            template.render({"card": cards[key.id], "level": level}) if key.id in cards else None for key in missing
        ]

    def key_of(key: tuple) -> tuple:
        lead = leads.get(key.id)
        return ("story-card", (*fixed, *key, *((lead,) if lead is not None else ())))

    rendered = fragments(keys, key_of=key_of, render=render)
    return [mark_safe(html) for html in rendered if html is not None]


def article_key_items_html(keys: Sequence[tuple], *, level: int = 3, show_teaser: bool = False) -> list[SafeString]:
    """The list item of each article keyed in `keys` (rows of article_keys; site/_article_item.html), headings at
    `level`, with the policy-allowed teaser when `show_teaser`. Only the articles no cache holds an item of are
    loaded, in one query."""
    fixed = (_template_digest(ARTICLE_ITEM), timezone.get_current_timezone_name(), level)
    if show_teaser:  # (items without one keep the identity they had before teasers could be asked for)
        fixed = (*fixed, "teaser")

    def render(article: Article) -> str:
        return get_template(ARTICLE_ITEM).render({"level": level, "show_teaser": show_teaser, "article": article})

    return [mark_safe(html) for _, html in article_fragments(keys, kind="article-key-item", fixed=fixed, render=render)]


def joined(pieces: Sequence[SafeString]) -> SafeString:
    """`pieces` as one piece of HTML ("" for none): a template writes it as one variable instead of a loop."""
    return mark_safe("".join(pieces))  # each piece is safe already: a rendered template's output


def home_content_html(
    *,
    page: Page,
    card_keys: Sequence[tuple],
    sections: Sequence[tuple[Category | None, Sequence[tuple]]],
    language: str,
    leads: Mapping[int, tuple] | None = None,
) -> SafeString:
    """The home page's content (site/_home_content.html: the story cards of `page`, its paging links and the
    sections' items, `sections` as (category, article keys)) rendered once for what it shows. Its identity holds
    every card's and item's key (so whatever makes a new card or item makes a new content), the sections'
    categories, the page's place and the templates' sources; a hit skips the cards' and items' own lookups."""
    templates = tuple(_template_digest(name) for name in (HOME_CONTENT, STORY_CARD, ARTICLE_ITEM))
    shown = tuple(
        ((category.pk, category.name, category.slug) if category else None, tuple(keys)) for category, keys in sections
    )
    place = (page.number, page.has_next(), page.has_previous())
    leads = leads or {}
    shown_leads = tuple(leads.get(key.id) for key in card_keys) if leads else ()
    identity = (*templates, timezone.get_current_timezone_name(), language, place, tuple(card_keys), shown, shown_leads)
    whole: list[str] = []

    def render(_: list) -> list[str | None]:
        cards = story_cards_html(card_keys, leads=leads)
        items = [(category, article_key_items_html(keys)) for category, keys in sections]
        context = {
            "page_obj": page,
            "cards": joined(cards),
            "language": language,
            "sections": [(category, joined(pieces)) for category, pieces in items],
        }
        whole.append(get_template(HOME_CONTENT).render(context))
        # A story or article deleted between its key and its row is left out: such a content is shown once but not
        # kept under an identity that names it.
        complete = len(cards) == len(card_keys) and all(
            len(pieces) == len(keys) for (_, keys), (_, pieces) in zip(sections, items, strict=True)
        )
        return [whole[0] if complete else None]

    (html,) = fragments([identity], key_of=lambda key: ("home-content", key), render=render)
    return mark_safe(html if html is not None else whole[0])
