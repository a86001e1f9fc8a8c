"""Selectors as data: what counts as boilerplate, bylines and dates in publisher HTML.

Class/id tokens are matched as whole words inside the attribute (so "ad" never matches "header"), and the
pruner never removes a node that holds most of the page's paragraphs (see boilerplate.py).
"""

from __future__ import annotations

# Containers that are never the article body: consent banners, newsletter boxes, "related"/"more"
# rails, comment threads, share bars, promos, paywall prompts, recirculation widgets.
BOILERPLATE_TOKENS = (
    "cookie", "cookies", "cookie-banner", "cookie-consent", "consent", "gdpr", "cmp",
    "newsletter", "newsletter-signup", "subscribe", "subscription", "signup", "sign-up", "optin",
    "related", "related-articles", "related-stories", "related-posts", "related-content", "recommended",
    "recommendations", "more-stories", "more-articles", "read-more", "readmore", "also-read", "read-next",
    "most-read", "most-popular", "trending", "popular",
    "comments", "comment-list", "comment-section", "comments-section", "disqus", "discussion",
    "share", "sharing", "share-bar", "share-buttons", "social", "social-share", "social-links",
    "promo", "advert", "advertisement", "ad", "ads", "ad-slot", "ad-container", "sponsored",
    "paywall", "outbrain", "taboola", "breadcrumb", "breadcrumbs", "sidebar", "tags", "tag-list",
    "author-bio", "newsletter-box", "modal", "popup", "overlay", "banner",
    # inline link previews and hover cards: inside a sentence they glue a name, a headline and "MORE" into it
    "tooltip", "hovercard", "hover-card", "popover", "link-preview", "preview-card",
)  # fmt: skip
# Names of a box that opens over the page. On a link they name what the link opens, not the link: the link's own words
# are a sentence's (a study text whose glossed words are `<a class="popup" onclick="overlib('…')">`), so a link
# named only by these and holding nothing but its words stays; the box itself, a hover card inside the link, goes.
OPENER_TOKENS = ("modal", "popup", "overlay", "tooltip", "popover", "hovercard", "hover-card")
# The boilerplate names a metering script also puts on the body itself, to hide it from non-subscribers (Wired's
# `<p class="paywall">` on every paragraph): the pruner spares them when, together, they hold most of the page's text.
METERED_TOKENS = ("paywall", "subscribe", "subscription")
BOILERPLATE_ROLES = ("complementary", "navigation", "banner", "contentinfo", "dialog", "alertdialog", "tooltip")
BOILERPLATE_TAGS = ("nav", "aside", "footer", "form", "dialog")
# Never pruned, whatever their class says: they are (or wrap) the page itself.
PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})

BYLINE_TOKENS = ("byline", "author", "author-name", "byline-name", "article-author", "story-byline", "contributor")
# Every token contains one of these: a cheap substring test before the exact token tests (a test holds that).
BYLINE_STEMS = ("byline", "author", "contributor")
# The elements whose class, rel or itemprop attribute names a byline, in document order. Walked as attributes
# (`//@class[...]/..`): a test on `//*` is made for every element, most of which have no such attribute, and took
# twice as long (1.0 against 0.5 ms a page on the dev and readability pages, the same elements found).
BYLINE_XPATH = (
    "//@class[("
    + " or ".join(f"contains(., '{stem}')" for stem in BYLINE_STEMS)
    + ") and ("
    + " or ".join(f"contains(concat(' ', normalize-space(.), ' '), ' {token} ')" for token in BYLINE_TOKENS)
    + ")]/.. | //@rel[.='author']/.. | //@itemprop[.='author']/.."
)

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "datepublished",
    "pubdate", "publishdate", "publish-date", "publish_date", "date", "dc.date", "dc.date.issued",
    "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date", "article.published",
    "cxenseparse:recs:publishtime", "originalpublicationdate", "article_date_original",
)  # fmt: skip
UPDATED_META = (
    "article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
    "last-modified", "dcterms.modified", "dc.date.modified", "article.updated", "lastmod",
)  # fmt: skip
IMAGE_META = ("og:image:secure_url", "og:image:url", "og:image", "twitter:image", "twitter:image:src", "image")
DESCRIPTION_META = ("og:description", "description", "twitter:description", "dc.description")
TITLE_META = ("og:title", "twitter:title", "dc.title", "headline")
SITE_NAME_META = ("og:site_name", "application-name", "publisher", "twitter:site")
LANGUAGE_META = ("og:locale", "content-language", "language", "dc.language", "inlanguage")
CATEGORY_META = ("article:section", "article:tag", "news_keywords", "parsely-section")
AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl")
