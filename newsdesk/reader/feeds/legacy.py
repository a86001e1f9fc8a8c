"""feedparser as the fallback for documents libxml2 cannot read (tag soup, CDF, broken markup).

Only reached after `xmlsafe.refuse_entity_declarations` has passed, so feedparser never sees an
entity declaration; its own loose parser does not fetch anything.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any

import feedparser

from newsdesk.reader.feeds import fields as f
from newsdesk.reader.feeds.dates import parse_date
from newsdesk.reader.types import ParsedEntry, ParsedFeed


def parse_with_feedparser(data: bytes, *, url: str) -> ParsedFeed | None:
    """Parse UTF-8 bytes with feedparser; None when it found neither a feed version nor any entry."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = feedparser.parse(
            data,
            response_headers={"content-location": url, "content-type": "application/xml; charset=utf-8"},
            sanitize_html=False,
            resolve_relative_uris=True,
        )
    version = result.get("version") or ""
    entries = result.get("entries") or []
    feed = result.get("feed") or {}
    if not version and not entries and not feed.get("title"):
        return None
    language = feed.get("language") or ""
    return ParsedFeed(
        kind="atom" if version.startswith("atom") else "rss",
        title=f.plain_text(feed.get("title") or ""),
        link=_http(feed.get("link") or ""),
        language=language,
        entries=tuple(_entry(entry, language) for entry in entries),
        hub_url=_link_with_rel(feed.get("links") or [], "hub"),
        self_url=_link_with_rel(feed.get("links") or [], "self"),
    )


def _entry(entry: Any, language: str) -> ParsedEntry:
    content = entry.get("content") or []
    return ParsedEntry(
        link=_http(entry.get("link") or ""),
        title=f.plain_text(entry.get("title") or ""),
        guid=(entry.get("id") or "").strip(),
        summary=entry.get("summary") or "",
        content_html=content[0].get("value", "") if content else "",
        author=f.plain_text((entry.get("author_detail") or {}).get("name") or entry.get("author") or ""),
        published=_date(entry, "published") or _date(entry, "created"),
        updated=_date(entry, "updated"),
        image_url=_image(entry),
        language=(entry.get("language") or "") or language,
        categories=tuple(t for t in (f.plain_text(tag.get("term") or "") for tag in entry.get("tags") or []) if t),
    )


def _date(entry: Any, name: str) -> datetime | None:
    parsed = parse_date(entry.get(name))
    if parsed is not None:
        return parsed
    parts = entry.get(f"{name}_parsed")
    if parts:
        try:
            return datetime(*parts[:6], tzinfo=UTC)
        except (TypeError, ValueError):
            return None
    return None


def _image(entry: Any) -> str:
    for media in entry.get("media_content") or []:
        url = media.get("url") or ""
        if url and f.is_image(url, media.get("type") or "", media.get("medium") or ""):
            return _http(url)
    for thumb in entry.get("media_thumbnail") or []:
        if thumb.get("url"):
            return _http(thumb["url"])
    for link in entry.get("links") or []:
        if link.get("rel") == "enclosure" and f.is_image(link.get("href") or "", link.get("type") or ""):
            return _http(link.get("href") or "")
    return ""


def _link_with_rel(links: list[Any], rel: str) -> str:
    return next((_http(link.get("href") or "") for link in links if link.get("rel") == rel), "")


def _http(url: str) -> str:
    url = url.strip()
    return url if url.startswith(("http://", "https://")) else ""
