"""Plain functions that create model rows for tests (factory_boy is not installed)."""

import hashlib
import itertools
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from newsdesk.articles.models import Article, Category
from newsdesk.articles.policy import display_rule, searchable_text
from newsdesk.articles.search import article_stems
from newsdesk.ingest.models import FetchAttempt
from newsdesk.sources.models import Feed, Publisher

_seq = itertools.count(1)


def make_publisher(*, policy: str = Publisher.DisplayPolicy.FULL, **fields: Any) -> Publisher:
    n = next(_seq)
    values: dict[str, Any] = {
        "name": f"Publisher {n}",
        "slug": f"publisher-{n}",
        "homepage": f"https://publisher{n}.example/",
        "country": "FR",
        "language": "en",
        "display_policy": policy,
    }
    values.update(fields)
    return Publisher.objects.create(**values)


def make_feed(publisher: Publisher, **fields: Any) -> Feed:
    n = next(_seq)
    values: dict[str, Any] = {"url": f"{publisher.homepage}feed-{n}.xml", "kind": Feed.Kind.RSS}
    values.update(fields)
    return Feed.objects.create(publisher=publisher, **values)


def make_category(name: str = "", **fields: Any) -> Category:
    n = next(_seq)
    name = name or f"Section {n}"
    values: dict[str, Any] = {"name": name, "slug": f"{name.lower().replace(' ', '-')}-{n}"}
    values.update(fields)
    return Category.objects.create(**values)


def make_article(publisher: Publisher, **fields: Any) -> Article:
    """An article with search_text filled the way the ingest services fill it (policy-aware)."""
    n = next(_seq)
    now = timezone.now()
    values: dict[str, Any] = {
        "canonical_url": f"{publisher.homepage}news/story-{n}",
        "original_url": f"{publisher.homepage}news/story-{n}?ref=feed",
        "title": f"Story number {n}",
        "original_title": f"Original headline {n}",
        "byline": "Jane Reporter",
        "published_at": now - timedelta(minutes=n),
        "fetched_at": now,
        "language": "en",
        "summary": f"Summary of story {n}.",
        "body_html": f"<p>Body of story {n}.</p>",
        "body_text": f"Body of story {n}.",
        "image_url": f"{publisher.homepage}img/{n}.jpg",
    }
    values.update(fields)
    # As if the image proxy had stored the image (newsdesk.media); no file is behind the name.
    values.setdefault("image_key", f"{n:032x}" if values["image_url"] else "")
    values.setdefault("content_hash", hashlib.sha256(values["body_text"].encode()).hexdigest())
    if "search_text" not in fields:
        rule = display_rule(
            publisher_policy=publisher.display_policy,
            excerpt_words=publisher.excerpt_words,
            noarchive=values.get("noarchive", False),
            directives=values.get("robots_directives", ""),
        )
        values["search_text"] = searchable_text(rule=rule, summary=values["summary"], body_text=values["body_text"])
    values.setdefault(
        "search_stems",
        article_stems(title=values["title"], search_text=values["search_text"], language=values["language"]),
    )
    return Article.objects.create(publisher=publisher, **values)


def make_fetch_attempt(feed: Feed, **fields: Any) -> FetchAttempt:
    values: dict[str, Any] = {"started_at": timezone.now(), "outcome": FetchAttempt.Outcome.OK, "status_code": 200}
    values.update(fields)
    return FetchAttempt.objects.create(feed=feed, **values)


def aware(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))
