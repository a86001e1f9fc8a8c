"""JSON Feed 1.0 / 1.1 (https://www.jsonfeed.org/version/1.1/)."""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import urljoin

from newsdesk.reader.feeds import fields as f
from newsdesk.reader.feeds.budget import UNLIMITED, ParseBudget
from newsdesk.reader.feeds.dates import parse_date
from newsdesk.reader.feeds.errors import MALFORMED_JSON, NESTED_TOO_DEEPLY, NOT_A_FEED, FeedParseError
from newsdesk.reader.types import ParsedEntry, ParsedFeed

# Line and block comments outside strings: some hand-written feeds (and yarr's fixtures) carry them.
_COMMENTS = re.compile(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', re.S)


def looks_like_json_feed(obj: Any) -> bool:
    """A JSON object that declares a jsonfeed.org version, or at least has an items list."""
    if not isinstance(obj, dict):
        return False
    version = obj.get("version")
    if isinstance(version, str) and "jsonfeed.org" in version:
        return True
    return isinstance(obj.get("items"), list) and ("title" in obj or "home_page_url" in obj or "feed_url" in obj)


def parse_json_feed(text: str, *, url: str, budget: ParseBudget = UNLIMITED) -> ParsedFeed:
    """Parse JSON Feed text (or RSS-in-JSON); FeedParseError for broken JSON or JSON that is not a feed.

    A truncated JSON Feed keeps the items that arrived complete. Nesting deeper than the interpreter's
    recursion limit (about 1,000 levels, checked by the json module in C) is NESTED_TOO_DEEPLY.
    """
    try:
        obj = _load(text)
    except FeedParseError as error:
        if error.reason == NESTED_TOO_DEEPLY:
            raise
        budget.check("salvaging truncated JSON")
        obj = _salvage_truncated(text)
        if obj is None:
            raise
    if isinstance(obj, dict) and isinstance(obj.get("rss"), dict):
        return _parse_rss_in_json(obj["rss"], url=url)
    if not looks_like_json_feed(obj):
        raise FeedParseError(NOT_A_FEED, "JSON without a jsonfeed.org version or items")
    language = _str(obj.get("language"))
    feed_authors = _authors(obj)
    entries = []
    for item in budget.each(obj.get("items") or [], "reading items"):
        if isinstance(item, dict):
            entries.append(_entry(item, url, language, feed_authors))
    return ParsedFeed(
        kind="jsonfeed",
        title=f.plain_text(_str(obj.get("title"))),
        link=_absolute(_str(obj.get("home_page_url")), url),
        language=language,
        entries=tuple(entries),
        hub_url=_hub(obj.get("hubs")),
        self_url=_absolute(_str(obj.get("feed_url")), url),
    )


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise FeedParseError(NESTED_TOO_DEEPLY) from None
    except ValueError as error:
        # Comments are worth stripping only where the decoder stopped at one; a truncated feed (stopped at
        # its end) would otherwise pay for a regex pass over the whole text before being salvaged.
        position = getattr(error, "pos", None)
        if position is not None and text[position : position + 1] != "/":
            raise FeedParseError(MALFORMED_JSON, str(error)) from None
        try:
            return json.loads(_COMMENTS.sub(lambda m: m.group(1) or "", text))
        except (ValueError, RecursionError):
            raise FeedParseError(MALFORMED_JSON, str(error)) from None


def _salvage_truncated(text: str) -> dict[str, Any] | None:
    """The head of a cut-off JSON Feed plus every item that decodes completely."""
    marker = re.search(r'"items"\s*:\s*\[', text)
    if marker is None:
        return None
    head = text[: marker.start()].rstrip().rstrip(",") + "}"
    try:
        obj = json.loads(head)
    except ValueError:
        obj = {}
    if not isinstance(obj, dict):
        return None
    decoder = json.JSONDecoder()
    items, pos = [], marker.end()
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        try:
            item, pos = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            break
        items.append(item)
    if not items:
        return None
    obj["items"] = items
    return obj


def _parse_rss_in_json(rss: dict[str, Any], *, url: str) -> ParsedFeed:
    """Dave Winer's RSS-in-JSON (rss.channel.item[] with the RSS 2.0 element names)."""
    channel = rss.get("channel") if isinstance(rss.get("channel"), dict) else {}
    items = channel.get("item") or []
    items = items if isinstance(items, list) else [items]
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        guid = item.get("guid")
        guid_text = _str(guid.get("#value") or guid.get("value")) if isinstance(guid, dict) else _str(guid)
        entries.append(
            ParsedEntry(
                link=_absolute(_str(item.get("link")), url) or (guid_text if guid_text.startswith("http") else ""),
                title=f.plain_text(_str(item.get("title"))),
                guid=guid_text,
                summary=_str(item.get("description")),
                published=parse_date(_str(item.get("pubDate"))),
                language=_str(channel.get("language")),
            )
        )
    if not entries and not channel.get("title"):
        raise FeedParseError(NOT_A_FEED, "JSON without a jsonfeed.org version or items")
    return ParsedFeed(
        kind="rss",
        title=f.plain_text(_str(channel.get("title"))),
        link=_absolute(_str(channel.get("link")), url),
        language=_str(channel.get("language")),
        entries=tuple(entries),
    )


def _entry(item: dict[str, Any], base: str, language: str, feed_authors: str) -> ParsedEntry:
    get = item.get
    content_html = _str(get("content_html"))
    if not content_html and get("content_text"):
        content_html = "<p>" + html.escape(_str(get("content_text"))).replace("\n\n", "</p><p>") + "</p>"
    tags = get("tags")
    guid = get("id")
    published, modified = get("date_published"), get("date_modified")
    return ParsedEntry(
        link=_absolute(_str(get("url")) or _str(get("external_url")), base),
        title=f.plain_text(_str(get("title"))),
        guid=_str(guid) if guid is not None and not isinstance(guid, bool) else "",
        summary=_str(get("summary")),
        content_html=content_html,
        author=(_authors(item) if "authors" in item or "author" in item else "") or feed_authors,
        published=parse_date(_str(published)) if published else None,
        updated=parse_date(_str(modified)) if modified else None,
        image_url=_absolute(_str(get("image")) or _str(get("banner_image")), base),
        language=_str(get("language")) or language,
        categories=tuple(t.strip() for t in tags if isinstance(t, str) and t.strip()) if isinstance(tags, list) else (),
    )


def _authors(obj: dict[str, Any]) -> str:
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj.get("author")]
    names = [f.plain_text(_str(a.get("name"))) for a in authors if isinstance(a, dict)]
    return ", ".join(name for name in names if name)


def _hub(hubs: Any) -> str:
    if isinstance(hubs, list):
        for hub in hubs:
            if isinstance(hub, dict) and isinstance(hub.get("url"), str):
                return hub["url"]
    return ""


def _str(value: Any) -> str:
    """JSON values as text: numbers become their digits (ids), anything else non-string becomes ""."""
    if value is None:
        return ""
    if type(value) is str or isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _absolute(href: str, base: str) -> str:
    if not href:
        return ""
    absolute = href if href.startswith(("http://", "https://")) else urljoin(base, href) if base else href
    return absolute if absolute.startswith(("http://", "https://")) else ""
