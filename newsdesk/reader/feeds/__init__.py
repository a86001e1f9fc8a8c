"""Feed stage: bytes of RSS / Atom / JSON Feed / sitemaps in, `ParsedFeed` out; feed discovery in HTML."""

from newsdesk.reader.feeds.errors import FeedParseError
from newsdesk.reader.feeds.parse import parse_feed

__all__ = ["FeedParseError", "parse_feed"]
