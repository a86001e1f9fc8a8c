"""Storing an article: once per canonical URL, updated in place when its text changes, moved when the publisher's
article turns up under a new address."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from newsdesk.articles.models import Article, ArticleAddress
from newsdesk.articles.services.fields import article_fields
from newsdesk.articles.services.moves import article_formerly_at, article_moved
from newsdesk.common.database import writes_serialized
from newsdesk.reader.types import ExtractedArticle, ParsedEntry
from newsdesk.sources.models import Feed, Publisher


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
    fields = article_fields(
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
    existing = Article.objects.filter(canonical_url=canonical_url).first() or article_formerly_at(
        canonical_url, original_url
    )
    if existing is None and (moved := article_moved(publisher=publisher, fields=fields)) is not None:
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
