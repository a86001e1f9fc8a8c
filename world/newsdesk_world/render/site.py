"""Routing one publisher's origin (and the directory origin) from a request path to a ready response."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from ..model import (
    CATEGORIES,
    FEED_PATHS,
    PROBLEM_MALFORMED,
    PROBLEM_NOT_FOUND,
    PROBLEM_REDIRECT,
    PROBLEM_SERVER_ERROR,
    PROBLEM_SLOW,
    ROBOTS_PATH,
    SITEMAP_INDEX_PATH,
    Article,
    World,
)
from .article_page import render_article_page
from .boilerplate import simple_page
from .context import SiteContext
from .directory import UrlFor, render_opml, render_world_json
from .feed_items import feed_items, newest_update
from .feeds import render_atom, render_json_feed, render_malformed_rss, render_rss
from .homepage import render_homepage, render_section_page
from .images import render_png, render_stylesheet, render_svg
from .sitemaps import render_news_sitemap, render_robots, render_sitemap_index

HTML = "text/html; charset=utf-8"
# Where a publisher puts a takedown ownership proof (what newsdesk's rights desk asks for).
PROOF_META_NAME = "newsdesk-takedown"
PROOF_FILE_PATH = "/.well-known/newsdesk-takedown.txt"
FEED_CACHE_CONTROL = "public, max-age=300"


@dataclass(frozen=True)
class Resource:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    last_modified: datetime | None = None
    delay_s: float = 0.0
    etag: str = field(default="")

    @classmethod
    def ok(
        cls,
        body: str | bytes,
        content_type: str,
        *,
        last_modified: datetime | None = None,
        headers: tuple[tuple[str, str], ...] = (),
        delay_s: float = 0.0,
    ) -> Resource:
        """A 200 response whose ETag is a digest of the body, so it changes exactly when the body does."""
        data = body.encode() if isinstance(body, str) else body
        etag = '"' + hashlib.sha256(data).hexdigest()[:24] + '"'
        return cls(200, content_type, data, headers, last_modified, delay_s, etag)

    @classmethod
    def error(cls, status: int, message: str) -> Resource:
        page = (
            f"<!DOCTYPE html><html><head><title>{status}</title></head><body><h1>{escape(message)}</h1></body></html>"
        )
        return cls(status, HTML, page.encode())


NOT_FOUND = Resource.error(404, "Page not found")
Route = Resource | Callable[[], Resource]  # ready, or built on first request


class PublisherSite:
    """Everything one publisher's origin serves. Small documents are built up front, pages on first request."""

    def __init__(self, world: World, slug: str, base_url: str) -> None:
        self.ctx = SiteContext(world, world.publisher(slug), base_url)
        self._lock = threading.Lock()
        self._cache: dict[str, Resource] = {}
        self._routes = self._static_routes()
        self._published: dict[str, Resource] = {}  # what a test published over the generated routes
        self._proof_metas: list[str] = []
        self._proof_lines: list[str] = []

    def proof_publish(self, token: str, *, via: str) -> None:
        """Publish a takedown ownership proof, as the publisher would: a meta tag in the home page's <head>
        (`via="meta"`) or a line of the well-known file (`via="file"`)."""
        ctx = self.ctx
        with self._lock:
            if via == "meta":
                self._proof_metas.append(token)
                tags = "".join(f'<meta name="{PROOF_META_NAME}" content="{escape(t)}">' for t in self._proof_metas)
                home = render_homepage(ctx).replace("<head>", "<head>" + tags, 1)
                self._publish("/", Resource.ok(home, HTML))
            elif via == "file":
                self._proof_lines.append(token)
                body = "\n".join(self._proof_lines) + "\n"
                self._publish(PROOF_FILE_PATH, Resource.ok(body, "text/plain; charset=utf-8"))
            else:
                raise ValueError(f"unknown proof location {via!r}")

    def document_publish(self, path: str, body: str | bytes, content_type: str) -> None:
        """Serve `body` at `path` from now on (a test playing the publisher: a new feed, a copy of a page)."""
        with self._lock:
            self._publish(path, Resource.ok(body, content_type))

    def _publish(self, path: str, resource: Resource) -> None:
        self._published[path] = resource
        self._routes[path] = resource
        self._cache.pop(path, None)

    def article_revise(self, world: World) -> None:
        """Serve `world` (this one with some of this publisher's articles edited) from now on: the edited pages,
        and feeds, sitemaps and fronts whose entries carry the new titles and "updated" times. What a test
        published stays."""
        with self._lock:
            self.ctx = SiteContext(world, self.ctx.publisher, self.ctx.base_url)
            self._routes = {**self._static_routes(), **self._published}
            self._cache.clear()

    def _static_routes(self) -> dict[str, Route]:
        ctx = self.ctx
        publisher = ctx.publisher
        feed_modified = newest_update(feed_items(ctx)) or ctx.world.anchor
        xml_type = (
            "text/xml; charset=utf-8" if publisher.style.layout == "portal" else "application/rss+xml; charset=utf-8"
        )

        def feed(render: Callable[[SiteContext], str], content_type: str) -> Callable[[], Resource]:
            def build() -> Resource:
                headers = (("Cache-Control", FEED_CACHE_CONTROL),)
                return Resource.ok(render(ctx), content_type, last_modified=feed_modified, headers=headers)

            return build

        routes: dict[str, Route] = {
            "/": lambda: Resource.ok(render_homepage(ctx), HTML, last_modified=feed_modified),
            ROBOTS_PATH: lambda: Resource.ok(render_robots(ctx), "text/plain; charset=utf-8"),
            FEED_PATHS["rss"]: feed(render_rss, xml_type),
            FEED_PATHS["atom"]: feed(render_atom, "application/atom+xml; charset=utf-8"),
            FEED_PATHS["jsonfeed"]: feed(render_json_feed, "application/feed+json; charset=utf-8"),
            FEED_PATHS["sitemap"]: feed(render_news_sitemap, "application/xml; charset=utf-8"),
            SITEMAP_INDEX_PATH: feed(render_sitemap_index, "application/xml; charset=utf-8"),
            "/contact": lambda: Resource.ok(
                simple_page(ctx, ctx.lexicon.ui["contact"], ctx.lexicon.ui["contact_text"]), HTML
            ),
            "/privacy": lambda: Resource.ok(
                simple_page(ctx, ctx.lexicon.ui["privacy"], ctx.lexicon.ui["privacy_text"]), HTML
            ),
            f"/static/{ctx.prefix}.css": lambda: Resource.ok(render_stylesheet(ctx.prefix), "text/css"),
            "/static/logo.png": lambda: Resource.ok(render_png(publisher.slug), "image/png"),
            "/static/logo.svg": lambda: Resource.ok(render_svg(publisher.slug, publisher.name), "image/svg+xml"),
        }
        for category in CATEGORIES:
            routes[ctx.section_path(category)] = lambda c=category: Resource.ok(render_section_page(ctx, c), HTML)
        for article in ctx.articles:
            routes[article.path] = lambda a=article: self._article_resource(a)
            routes[article.image_path] = lambda a=article: self._image_resource(a.id, a.image_path)
        for link in ctx.world.broken_links_of(publisher.slug):
            routes[link.path] = Resource.error(
                link.status, "Internal Server Error" if link.status >= 500 else "Page not found"
            )
        for extra in ctx.world.extra_feeds:
            if extra.publisher_slug == publisher.slug:
                routes[extra.path] = self._extra_feed(extra.path, extra.expected_problem, feed_modified, xml_type)
        return routes

    def _article_resource(self, article: Article) -> Resource:
        headers = [("Cache-Control", "public, max-age=60")]
        if self.ctx.publisher.noarchive:
            headers.append(("X-Robots-Tag", "noarchive"))
        return Resource.ok(
            render_article_page(self.ctx, article), HTML, last_modified=article.last_modified, headers=tuple(headers)
        )

    def _image_resource(self, key: str, path: str) -> Resource:
        if path.endswith(".svg"):
            return Resource.ok(render_svg(key, self.ctx.publisher.name), "image/svg+xml")
        return Resource.ok(render_png(key), "image/png")

    def _extra_feed(self, path: str, problem: str, modified: datetime, xml_type: str) -> Route:
        ctx = self.ctx
        if problem == PROBLEM_MALFORMED:
            return lambda: Resource.ok(render_malformed_rss(ctx), xml_type, last_modified=modified)
        if problem == PROBLEM_NOT_FOUND:
            return NOT_FOUND
        if problem == PROBLEM_SERVER_ERROR:
            return Resource.error(500, "Internal Server Error")
        if problem == PROBLEM_SLOW:
            return lambda: Resource.ok(
                render_rss(ctx, self_path=path), xml_type, last_modified=modified, delay_s=ctx.world.slow_delay_s
            )
        if problem == PROBLEM_REDIRECT:
            location = ctx.url(FEED_PATHS["rss"])
            return Resource(301, HTML, b"Moved Permanently", headers=(("Location", location),))
        raise ValueError(f"unknown feed problem {problem!r}")

    def resolve(self, path: str) -> Resource:
        """The response for a request path (query string already removed)."""
        with self._lock:
            cached = self._cache.get(path)
        if cached is not None:
            return cached
        route = self._routes.get(path)
        if route is None:
            return NOT_FOUND
        resource = route if isinstance(route, Resource) else route()
        with self._lock:
            self._cache[path] = resource
        return resource


class DirectorySite:
    """The directory origin: a small index page, /world.json and /opml.xml."""

    def __init__(self, world: World, url_for: UrlFor, base_url: str) -> None:
        names = "".join(
            f'<li><a href="{url_for(p.slug, "/")}">{escape(p.name)}</a> ({p.language}, {p.country})</li>'
            for p in world.publishers
        )
        index = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Simulated world</title></head>'
            f'<body><h1>Simulated world</h1><p><a href="/world.json">world.json</a> · <a href="/opml.xml">OPML</a></p>'
            f"<ul>{names}</ul></body></html>"
        )
        self._routes = {
            "/": Resource.ok(index, HTML),
            "/world.json": Resource.ok(render_world_json(world, url_for, base_url), "application/json"),
            "/opml.xml": Resource.ok(render_opml(world, url_for), "text/x-opml; charset=utf-8"),
        }

    def resolve(self, path: str) -> Resource:
        return self._routes.get(path, NOT_FOUND)
