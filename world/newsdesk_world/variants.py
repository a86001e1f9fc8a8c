"""Other spellings of an article URL that publishers (and the web around them) really use — tracking parameters,
AMP paths and switches, a trailing slash, the other scheme, a fragment — and a plain RSS document listing links.
Takedown tests and the takedown benchmark offer these to the aggregator to prove a removed article never returns.
"""

from __future__ import annotations

from email.utils import format_datetime
from html import escape
from urllib.parse import urlsplit, urlunsplit

from .model import Article


def url_variants(url: str) -> list[str]:
    """Every variant of `url` we know of, the URL itself excluded (mobile hosts need a name, not 127.0.0.1)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    query = f"{parts.query}&" if parts.query else ""
    other_scheme = "https" if parts.scheme == "http" else "http"
    variants = [
        urlunsplit((parts.scheme, parts.netloc, path, query + "utm_source=rss&utm_medium=feed", "")),
        urlunsplit((parts.scheme, parts.netloc, path, query + "fbclid=IwAR0xyz", "")),
        urlunsplit((parts.scheme, parts.netloc, path + "/", parts.query, "")),
        urlunsplit((parts.scheme, parts.netloc, "/amp" + path, parts.query, "")),
        urlunsplit((parts.scheme, parts.netloc, path + "/amp", parts.query, "")),
        urlunsplit((parts.scheme, parts.netloc, path, query + "amp=1", "")),
        urlunsplit((parts.scheme, parts.netloc, path, query + "outputType=amp", "")),
        urlunsplit((other_scheme, parts.netloc, path, parts.query, "")),
        urlunsplit((parts.scheme, parts.netloc, path, parts.query, "comments")),
    ]
    if "." in path.rsplit("/", 1)[-1]:
        stem, _, extension = path.rpartition(".")
        variants.append(urlunsplit((parts.scheme, parts.netloc, f"{stem}.amp.{extension}", parts.query, "")))
    else:
        variants.append(urlunsplit((parts.scheme, parts.netloc, path + ".amp", parts.query, "")))
    return [v for v in dict.fromkeys(variants) if v != url]


def rss_document(title: str, items: list[tuple[str, Article]]) -> str:
    """RSS 2.0 listing (link, article) pairs with the article's headline and date."""
    entries = "".join(
        f"<item><title>{escape(article.headline)}</title><link>{escape(link)}</link>"
        f'<guid isPermaLink="false">{escape(link)}</guid>'
        f"<pubDate>{format_datetime(article.published)}</pubDate></item>"
        for link, article in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://127.0.0.1/</link><description>variants</description>"
        f"{entries}</channel></rss>"
    )
