"""The directory origin's documents: /world.json (machine-readable map of the world) and /opml.xml."""

from __future__ import annotations

import json
from collections.abc import Callable
from xml.sax.saxutils import quoteattr

from ..model import FEED_PATHS, ROBOTS_PATH, SITEMAP_INDEX_PATH, World

UrlFor = Callable[[str, str], str]  # (publisher slug, path) -> absolute URL


def world_document(world: World, url_for: UrlFor, directory_url: str) -> dict:
    publishers = []
    for p in world.publishers:
        publishers.append(
            {
                "slug": p.slug,
                "name": p.name,
                "country": p.country,
                "language": p.language,
                "homepage": url_for(p.slug, "/"),
                "display_policy_hint": p.display_policy_hint,
                "contact_domain": p.contact_domain,
                "contact_email": p.contact_email,
                "primary_feed_url": url_for(p.slug, p.primary_feed_path),
                "primary_feed_kind": p.primary_feed_kind,
                "feeds": {kind: url_for(p.slug, path) for kind, path in FEED_PATHS.items()},
                "sitemap_index_url": url_for(p.slug, SITEMAP_INDEX_PATH),
                "robots_url": url_for(p.slug, ROBOTS_PATH),
                "robots_disallows_articles": p.robots_disallows_articles,
                "noarchive": p.noarchive,
                "article_count": sum(1 for a in world.articles if a.publisher == p.slug),
            }
        )
    return {
        "seed": world.seed,
        "anchor": world.anchor.isoformat(),
        "directory_url": directory_url,
        "opml_url": f"{directory_url}/opml.xml",
        "counts": {
            "publishers": len(world.publishers),
            "events": len(world.events),
            "articles": len(world.articles),
            "wire_copies": sum(1 for a in world.articles if a.wire_credit),
        },
        "publishers": publishers,
        "extra_feeds": [
            {
                "publisher": feed.publisher_slug,
                "url": url_for(feed.publisher_slug, feed.path),
                "kind": feed.kind,
                "expected_problem": feed.expected_problem,
            }
            for feed in world.extra_feeds
        ],
        "broken_article_urls": [
            {"publisher": link.publisher_slug, "url": url_for(link.publisher_slug, link.path), "status": link.status}
            for link in world.broken_article_urls
        ],
    }


def render_world_json(world: World, url_for: UrlFor, directory_url: str) -> str:
    return json.dumps(world_document(world, url_for, directory_url), ensure_ascii=False, indent=2)


def render_opml(world: World, url_for: UrlFor) -> str:
    """OPML 2.0 listing each publisher's primary feed; type="rss" is what readers expect for any feed."""
    outlines = []
    for p in world.publishers:
        attributes = {
            "type": "rss",
            "text": p.name,
            "title": p.name,
            "xmlUrl": url_for(p.slug, p.primary_feed_path),
            "htmlUrl": url_for(p.slug, "/"),
            "language": p.language,
            "feedKind": p.primary_feed_kind,
        }
        rendered = " ".join(f"{name}={quoteattr(value)}" for name, value in attributes.items())
        outlines.append(f"    <outline {rendered}/>")
    body = "\n".join(outlines)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>newsdesk simulated world (seed {world.seed})</title>
    <dateCreated>{world.anchor.strftime("%a, %d %b %Y %H:%M:%S GMT")}</dateCreated>
  </head>
  <body>
  <outline text="Simulated publishers" title="Simulated publishers">
{body}
  </outline>
  </body>
</opml>
"""
