"""The top stories as RSS 2.0, Atom 1.0 and JSON Feed 1.1: one item per story, linking our story page, with the
lead article's policy-allowed summary and the outlets that covered it."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, JsonResponse
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.feedgenerator import Enclosure, SyndicationFeed
from django.utils.html import format_html
from django.views import View

from newsdesk.articles.presentation import absolute_url, credit_html, credit_text
from newsdesk.site.feeds import BufferedAtomFeed, BufferedRssFeed, image_enclosures
from newsdesk.site.jsonfeed import JSON_FEED_CONTENT_TYPE, JSON_FEED_VERSION
from newsdesk.site.languages import language_asked, language_name
from newsdesk.site.syndication import STORIES, feed_language, feed_path
from newsdesk.stories.presentation import StoryCard, story_cards, story_url
from newsdesk.stories.selectors import story_top

STORY_FEED_ITEMS = 30
STORY_FEED_TITLE = "{site}: top stories"
STORY_FEED_DESCRIPTION = (
    "The stories most covered right now by the publishers {site} follows, each with all its outlets."
)


def with_language(path: str, language: str) -> str:
    """`path` as an absolute URL that keeps the reader's `?lang=`: a feed names itself and its page with the filter
    it was asked with (as the article feeds do), or a feed reader following them would lose it."""
    return absolute_url(f"{path}?lang={language}" if language else path)


def story_feed_cards(language: str = "") -> list[StoryCard]:
    return story_cards(story_top(language=language)[:STORY_FEED_ITEMS], language=language)


def story_item_html(card: StoryCard) -> str:
    """The item body: summary (if the lead article's policy allows one), the credit of the report whose headline
    and summary these are (as every article feed item carries it), then the breadth of coverage."""
    summary = format_html("<p>{}</p>", card.summary) if card.summary else ""
    credit = credit_html(card.told_by) if card.told_by is not None else ""
    return summary + credit + format_html('<p lang="en">{}</p>', _coverage(card))  # the site's words, as the credit


def _coverage(card: StoryCard) -> str:
    """ "4 outlets, 1 article, languages: English, German", counted as the story page counts them."""
    outlets = f"{card.outlet_count} outlet{pluralize(card.outlet_count)}"
    articles = f"{card.size} article{pluralize(card.size)}"
    return f"{outlets}, {articles}, languages: {', '.join(map(language_name, card.languages))}"


def story_item_text(card: StoryCard) -> str:
    parts = [card.summary, credit_text(card.told_by) if card.told_by is not None else "", _coverage(card)]
    return "\n\n".join(part for part in parts if part)


class StoryRssFeed(Feed):
    feed_type = BufferedRssFeed
    fmt = "rss"

    def get_object(self, request: HttpRequest) -> str:
        return language_asked(request)

    def get_feed(self, obj: str, request: HttpRequest) -> SyndicationFeed:
        feed = super().get_feed(obj, request)
        if obj:  # narrowed by ?lang=: every item is told in that language; <language> (RSS) and xml:lang (Atom) say so
            feed.feed["language"] = obj
        elif self.fmt == "rss":  # an RSS item cannot say its language: the channel's is its items' or none
            feed.feed["language"] = feed_language("", (item.get("language") for item in feed.items))
        return feed

    def title(self, obj: str) -> str:
        return STORY_FEED_TITLE.format(site=settings.SITE_NAME)

    def description(self, obj: str) -> str:
        return STORY_FEED_DESCRIPTION.format(site=settings.SITE_NAME)

    subtitle = description

    def author_name(self, obj: str) -> str:
        # Atom wants an author for every entry, and a story has many outlets: the site that gathered it, as the
        # JSON Feed's `authors` say (RSS has no channel author; Django writes it into Atom alone).
        return settings.SITE_NAME

    def link(self, obj: str) -> str:
        return with_language(reverse("site:home"), obj)

    def feed_url(self, obj: str) -> str:
        return with_language(feed_path(STORIES, self.fmt), obj)

    def items(self, obj: str) -> list[StoryCard]:
        return story_feed_cards(obj)

    def item_title(self, item: StoryCard) -> str:
        return item.headline

    def item_link(self, item: StoryCard) -> str:
        return absolute_url(item.reader_url)

    def item_guid(self, item: StoryCard) -> str:
        # The plain page, whichever reading the item links: a reader's `?lang=` must not make it a new item.
        return story_url(item.story)

    def item_description(self, item: StoryCard) -> str:
        return story_item_html(item)

    def item_pubdate(self, item: StoryCard) -> datetime:
        return item.first_seen

    def item_updateddate(self, item: StoryCard) -> datetime:
        return item.last_seen

    def item_enclosures(self, item: StoryCard) -> list[Enclosure]:
        return image_enclosures(item.image_url, item.image_from.image_bytes if item.image_from is not None else 0)

    def item_extra_kwargs(self, item: StoryCard) -> dict[str, str]:
        return {"language": item.language}  # Atom: the entry's xml:lang


class StoryAtomFeed(StoryRssFeed):
    feed_type = BufferedAtomFeed
    fmt = "atom"


def story_jsonfeed_item(card: StoryCard) -> dict[str, Any]:
    # Its id is the plain page (as item_guid), its url the reading it was told by (`?lang=`).
    item: dict[str, Any] = {
        "id": story_url(card.story),
        "url": absolute_url(card.reader_url),
        "title": card.headline,
        "content_html": story_item_html(card),
        "content_text": story_item_text(card),
        "date_published": card.first_seen.isoformat(),
        "date_modified": card.last_seen.isoformat(),
        "_newsdesk": {"outlet_count": card.outlet_count, "size": card.size, "languages": card.languages},
    }
    if card.language:
        item["language"] = card.language
    if card.image_url:
        item["image"] = absolute_url(card.image_url)
    return item


class StoryJsonFeedView(View):
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest) -> JsonResponse:
        site = settings.SITE_NAME
        language = language_asked(request)
        document: dict[str, Any] = {
            "version": JSON_FEED_VERSION,
            "title": STORY_FEED_TITLE.format(site=site),
            "home_page_url": with_language(reverse("site:home"), language),
            "feed_url": with_language(feed_path(STORIES, "json"), language),
            "description": STORY_FEED_DESCRIPTION.format(site=site),
            "authors": [{"name": site}],
        }
        cards = story_feed_cards(language)
        told_in = feed_language(language, (card.language for card in cards))
        if told_in:
            document["language"] = told_in
        document["items"] = [story_jsonfeed_item(card) for card in cards]
        return JsonResponse(document, content_type=JSON_FEED_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
