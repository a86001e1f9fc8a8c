"""Writes of articles: turn what the reader produced into stored, attributable rows."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.utils.text import slugify

from newsdesk.articles.models import Article, ArticleAddress, Category
from newsdesk.articles.policy import ROBOTS_TXT_DISALLOW, display_rule, policy_shows_less, searchable_text
from newsdesk.articles.reindex import search_reindex_request
from newsdesk.articles.search import article_stems
from newsdesk.articles.signals import display_policy_changed
from newsdesk.common.content_version import content_version_bump
from newsdesk.common.database import writes_serialized
from newsdesk.reader.categorize import choose_category
from newsdesk.reader.dedup.wire import detect_wire_credit
from newsdesk.reader.extract.language import identify_language
from newsdesk.reader.extract.sanitize import html_to_text, sanitize_html
from newsdesk.reader.types import ExtractedArticle, ParsedEntry
from newsdesk.reader.urls import is_publishable_url
from newsdesk.sources.models import Feed, Publisher

# Sections we file articles under; feed categories outside this list are mapped by their slug if it matches.
KNOWN_CATEGORIES = {
    "politics": "Politics",
    "business": "Business",
    "technology": "Technology",
    "science": "Science",
    "sports": "Sports",
    "culture": "Culture",
    "world": "World",
    "health": "Health",
}
# Common synonyms publishers use for those sections (several languages).
CATEGORY_SYNONYMS = {
    "economy": "business",
    "economie": "business",
    "wirtschaft": "business",
    "economia": "business",
    "tech": "technology",
    "technologie": "technology",
    "tecnologia": "technology",
    "digital": "technology",
    "sport": "sports",
    "deportes": "sports",
    "politique": "politics",
    "politik": "politics",
    "politica": "politics",
    "international": "world",
    "monde": "world",
    "welt": "world",
    "mundo": "world",
    "ausland": "world",
    "internacional": "world",
    "sante": "health",
    "gesundheit": "health",
    "salud": "health",
    "kultur": "culture",
    "cultura": "culture",
    "wissenschaft": "science",
    "ciencia": "science",
    "sciences": "science",
}
TITLE_MAX = 500
# An article moved to a new address keeps its publication time (a republication may restamp it by some hours; a
# daily column is a day apart).
MOVED_MAX_DATE_GAP = timedelta(hours=12)


@dataclass(frozen=True)
class UpsertResult:
    article: Article | None  # None only when refused
    created: bool
    updated: bool
    refused: bool = False
    # The publisher's article with the same title and text, found under a new address: its URLs moved there and
    # `moved_from` is the address it had (kept as an ArticleAddress).
    moved: bool = False
    moved_from: str = ""


def section_slug(labels: tuple[str, ...] | list[str]) -> str:
    """The first of the feed's or page's labels that names one of our sections, as its slug; "" for none."""
    for label in labels:
        slug = slugify(label)
        slug = CATEGORY_SYNONYMS.get(slug, slug)
        if slug in KNOWN_CATEGORIES:
            return slug
    return ""


def category_for(labels: tuple[str, ...] | list[str], *, text: str = "", language: str = "") -> Category | None:
    """The article's section as a Category row (created on first use): the category model's answer for `text`
    when it is confident, else the first label naming one of our sections (the publisher's section is a hint),
    else the model's plausible guess, else None."""
    slug = choose_category(text, language=language, section=section_slug(labels))
    if slug not in KNOWN_CATEGORIES:
        return None
    category, _ = Category.objects.get_or_create(slug=slug, defaults={"name": KNOWN_CATEGORIES[slug]})
    return category


def content_hash_of(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def _feed_wire_credit(page: ExtractedArticle, entry: ParsedEntry, body_text: str) -> str:
    if page.body_html:
        return ""
    return detect_wire_credit(body_text, byline=entry.author)


def _fields_from(
    *,
    publisher: Publisher,
    entry: ParsedEntry,
    extracted: ExtractedArticle | None,
    original_url: str,
    allow_loopback: bool,
    robots_disallowed: bool = False,
) -> dict:
    """Merge page extraction with the feed entry: the page wins where it has a value, the feed fills gaps."""
    page = extracted or ExtractedArticle(url=original_url)
    if page.body_html:
        body_html = page.body_html
        body_text = page.body_text or html_to_text(page.body_html)
    else:
        # No page (robots-disallowed or fetch failed): the feed's own content is the fallback.
        body_html = sanitize_html(
            entry.content_html or entry.summary, base_url=original_url, allow_loopback=allow_loopback
        )
        body_text = html_to_text(body_html)
    summary = page.description or html_to_text(
        sanitize_html(entry.summary, base_url=original_url, allow_loopback=allow_loopback)
    )
    # An image we would not fetch ourselves (private, link-local, internal) is not one we show either.
    image_url = next(
        (
            url
            for url in (page.image_url, entry.image_url)
            if url and is_publishable_url(url, allow_loopback=allow_loopback)
        ),
        "",
    )
    original_title = (entry.title or page.title or original_url)[:TITLE_MAX]
    noarchive = page.noarchive
    directives = " ".join(filter(None, [page.robots_directives, ROBOTS_TXT_DISALLOW if robots_disallowed else ""]))
    rule = display_rule(
        publisher_policy=publisher.display_policy,
        excerpt_words=publisher.excerpt_words,
        noarchive=noarchive,
        directives=directives,
    )
    title = (page.title or entry.title or original_url)[:TITLE_MAX]
    # What the text says beats what the page, feed or publisher declares (a declared code is only a hint).
    language = identify_language(
        f"{page.title or entry.title}\n{summary}\n{body_text}",
        hints=(page.language, entry.language, publisher.language),
    )
    search_text = searchable_text(rule=rule, summary=summary, body_text=body_text)
    return {
        "title": title,
        "original_title": original_title,
        "byline": (page.byline or entry.author)[:300],
        "published_at": page.published or entry.published,
        "language": language,
        "summary": summary,
        "body_html": body_html,
        "body_text": body_text,
        "image_url": image_url[:2000],
        # Without a page (robots said no, or it was unreadable) the feed's text may still carry the credit line.
        "wire_credit": (page.wire_credit or _feed_wire_credit(page, entry, body_text))[:100],
        "noarchive": noarchive,
        "robots_directives": directives[:200],
        "search_text": search_text,
        "search_stems": article_stems(title=title, search_text=search_text, language=language),
        "content_hash": content_hash_of(body_text or original_title),
        "category": category_for(
            tuple(entry.categories) + tuple(page.categories),
            text=f"{title}\n{summary}\n{body_text}",
            language=language,
        ),
    }


def article_upsert(
    *,
    publisher: Publisher,
    feed: Feed | None,
    entry: ParsedEntry,
    extracted: ExtractedArticle | None,
    original_url: str,
    canonical_url: str,
    fetched_at: datetime,
    allow_loopback: bool = False,
    robots_disallowed: bool = False,
    refuse: Callable[[str], bool] | None = None,
    refetch: bool = False,
) -> UpsertResult:
    """Store an article once per canonical URL; a later fetch with changed text updates it in place. The
    publisher's article with the same title and text under a new URL is that article moved (result `moved`: its
    URLs change, its old ones are kept as ArticleAddress rows, which find it again later).

    `allow_loopback` keeps links and images on 127.0.0.0/8, as the fetcher does when it may reach them.
    `robots_disallowed` says robots.txt kept us off the page (the display policy then allows an excerpt at most).
    `refuse(content_hash)` may veto storing (a takedown's tombstone for this text): nothing is written and the
    result has `refused` set. `refetch` says the stored page was fetched again because its feed said it was
    updated: found unchanged, its fetch time still moves on (so the same "updated" stamp does not fetch it again).
    """
    fields = _fields_from(
        publisher=publisher,
        entry=entry,
        extracted=extracted,
        original_url=original_url,
        allow_loopback=allow_loopback,
        robots_disallowed=robots_disallowed,
    )
    if refuse is not None and refuse(fields["content_hash"]):
        return UpsertResult(None, created=False, updated=False, refused=True)
    # Only the database part takes turns: the fields above are CPU work other writers need not wait for.
    with writes_serialized():
        return _article_store(
            publisher=publisher,
            feed=feed,
            entry=entry,
            canonical_url=canonical_url,
            original_url=original_url,
            fetched_at=fetched_at,
            fields=fields,
            refetch=refetch,
        )


def _article_store(
    *,
    publisher: Publisher,
    feed: Feed | None,
    entry: ParsedEntry,
    canonical_url: str,
    original_url: str,
    fetched_at: datetime,
    fields: dict,
    refetch: bool,
) -> UpsertResult:
    existing = Article.objects.filter(canonical_url=canonical_url).first() or _article_formerly_at(
        canonical_url, original_url
    )
    if existing is None and (moved := _article_moved(publisher=publisher, fields=fields)) is not None:
        return _article_move(
            moved, feed=feed, entry=entry, canonical_url=canonical_url, original_url=original_url, fetched_at=fetched_at
        )
    if existing is not None:
        # The item's fingerprint is kept for the feed the article came from (another feed words it otherwise).
        seen = {"feed_entry_hash": entry.fingerprint} if feed is not None and existing.feed_id == feed.pk else {}
        if existing.content_hash == fields["content_hash"] and existing.title == fields["title"]:
            if refetch:
                Article.objects.filter(pk=existing.pk).update(fetched_at=fetched_at, **seen)
            return UpsertResult(existing, created=False, updated=False)
        for name, value in {**fields, **seen}.items():
            setattr(existing, name, value)
        existing.fetched_at = fetched_at
        existing.save()
        return UpsertResult(existing, created=False, updated=True)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                publisher=publisher,
                feed=feed,
                canonical_url=canonical_url,
                original_url=original_url,
                guid=entry.guid[:2000],
                fetched_at=fetched_at,
                feed_entry_hash=entry.fingerprint if feed is not None else "",
                **fields,
            )
    except IntegrityError:
        # Another worker stored the same URL between our check and insert: theirs stands.
        return UpsertResult(Article.objects.get(canonical_url=canonical_url), created=False, updated=False)
    return UpsertResult(article, created=True, updated=False)


def _article_formerly_at(*urls: str) -> Article | None:
    """The article that had one of `urls` before it moved (a fetch of its old address is the same article)."""
    address = ArticleAddress.objects.filter(url__in=urls).select_related("article").first()
    return address.article if address is not None else None


def _normalized_title(title: str) -> str:
    return " ".join(title.split())


def _article_moved(*, publisher: Publisher, fields: dict) -> Article | None:
    """The publisher's stored article with the same title and the same body text (content hash), which the
    incoming one is under a new address; None when there is none. Without body text there is no move: the hash is
    then the headline's alone, and two articles may share a headline. Another publisher's copy is a wire copy."""
    if not fields["body_text"].strip():
        return None
    title = _normalized_title(fields["title"])
    published = fields.get("published_at")
    candidates = Article.objects.filter(publisher=publisher, content_hash=fields["content_hash"]).order_by("id")
    return next(
        (
            article
            for article in candidates
            if _normalized_title(article.title) == title and not _published_apart(article.published_at, published)
        ),
        None,
    )


def _published_apart(stored: datetime | None, incoming: datetime | None) -> bool:
    """Two publication times more than MOVED_MAX_DATE_GAP apart: not one article moved but a recurring one ("Daily
    briefing") whose paywall teaser repeats word for word. Where either time is unknown, title and text decide."""
    return stored is not None and incoming is not None and abs(stored - incoming) > MOVED_MAX_DATE_GAP


def _article_move(
    article: Article,
    *,
    feed: Feed | None,
    entry: ParsedEntry,
    canonical_url: str,
    original_url: str,
    fetched_at: datetime,
) -> UpsertResult:
    """Give `article` its new address and keep its old ones as ArticleAddress rows. Its id, text, story and wire
    group stay as they are: nothing but the address changed."""
    moved_from = article.canonical_url
    old_urls = {article.canonical_url, article.original_url} - {canonical_url, original_url}
    try:
        with transaction.atomic():
            for url in sorted(old_urls):
                ArticleAddress.objects.get_or_create(url=url, defaults={"article": article, "moved_at": fetched_at})
            article.canonical_url, article.original_url = canonical_url, original_url
            article.fetched_at = fetched_at
            update = ["canonical_url", "original_url", "fetched_at", "updated_at"]
            if feed is not None:
                article.feed, article.guid, article.feed_entry_hash = feed, entry.guid[:2000], entry.fingerprint
                update += ["feed", "guid", "feed_entry_hash"]
            article.save(update_fields=update)
    except IntegrityError:
        # Another worker stored the new URL meanwhile: theirs stands.
        return UpsertResult(Article.objects.get(canonical_url=canonical_url), created=False, updated=False)
    return UpsertResult(article, created=False, updated=False, moved=True, moved_from=moved_from)


def publisher_policy_set(
    *,
    publisher: Publisher,
    display_policy: str,
    excerpt_words: int | None = None,
    is_active: bool | None = None,
    shown_before: tuple[str, int] | None = None,
) -> None:
    """Set a publisher's display policy (and excerpt length, and whether it is active), ask for its articles' search
    text to be derived again (search_reindex_request: a worker's job does it) and, in the same transaction, tell the
    stories holding them (display_policy_changed); then tell every cache that content changed. The one way a policy
    or activity changes (admin and code alike). `shown_before`: the (policy, excerpt words) the row held, for a
    caller that saved the row already (the admin's form); by default the stored row's."""
    if display_policy not in Publisher.DisplayPolicy.values:
        raise ValueError(f"unknown display policy {display_policy!r}")
    if excerpt_words is not None and not 1 <= excerpt_words <= 1000:
        raise ValueError(f"excerpt length must be 1..1000 words, not {excerpt_words}")
    with transaction.atomic():
        before = shown_before or Publisher.objects.values_list("display_policy", "excerpt_words").get(pk=publisher.pk)
        publisher.display_policy = display_policy
        if excerpt_words is not None:
            publisher.excerpt_words = excerpt_words
        if is_active is not None:  # deactivated or reactivated: its articles leave or rejoin every surface
            publisher.is_active = is_active
        publisher.save(update_fields=["display_policy", "excerpt_words", "is_active"])
        after = (publisher.display_policy, publisher.excerpt_words)
        if after != before:
            search_reindex_request(publisher_id=publisher.pk, hides_more=policy_shows_less(before=before, after=after))
        display_policy_changed.send(sender=Publisher, publisher_id=publisher.pk)
    content_version_bump()


# The full-text index of migrations 0002 and 0006: an external-content FTS5 table on SQLite, a GIN expression index on
# PostgreSQL. Both follow the article rows by themselves; these rebuild them after rows arrived in bulk.
_FTS_TABLE = "articles_article_fts"
_GIN_INDEX = "articles_article_search_gin"


def search_index_rebuild(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Rebuild the search index of the database at `using` from the article rows."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {_FTS_TABLE}({_FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608 - constant names
        elif connection.vendor == "postgresql":
            cursor.execute(f"REINDEX INDEX {_GIN_INDEX}")
            cursor.execute("ANALYZE articles_article")


def search_index_repair(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Rebuild the search index if it does not match the article rows; returns whether it was rebuilt.

    PostgreSQL's index is rebuilt by whatever loaded the rows (pg_restore, REINDEX), so only SQLite's FTS5 table,
    a table of its own, is checked.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    try:
        with connection.cursor() as cursor:
            # rank 1: also compare the index with the content table (FTS5's external-content check).
            cursor.execute(f"INSERT INTO {_FTS_TABLE}({_FTS_TABLE}, rank) VALUES ('integrity-check', 1)")  # noqa: S608
    except DatabaseError:
        search_index_rebuild(using=using)
        return True
    return False


def article_reclassify(*, article: Article) -> list[str]:
    """Identify a stored article's language, stems and category again from its stored text (what a batch
    `reprocess` calls after the models change). The stored language and category act as the hints the page's
    declaration and the publisher's section were at ingest. Saves and returns the changed field names; the
    caller bumps common.content_version once for its whole batch."""
    text = f"{article.title}\n{article.summary}\n{article.body_text}"
    language = identify_language(text, hints=(article.language, article.publisher.language))
    current = article.category.slug if article.category_id else ""
    category = category_for([current] if current else [], text=text, language=language)
    new = {
        "language": language,
        "search_stems": article_stems(title=article.title, search_text=article.search_text, language=language),
        "category": category,
    }
    changed = [name for name, value in new.items() if getattr(article, name) != value]
    for name in changed:
        setattr(article, name, new[name])
    if changed:
        article.save(update_fields=[*changed, "updated_at"])
    return changed
