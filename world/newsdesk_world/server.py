"""The loopback HTTP server of the simulated world: one origin per publisher plus a directory origin.

Each publisher gets its own port because robots.txt, cookies and rate limits are per origin, and the
aggregator under test must treat them as separate sites. Only loopback addresses are ever bound.
"""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import json
import socketserver
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from .model import FEED_PATHS, Article, World
from .render.site import DirectorySite, PublisherSite, Resource

DIRECTORY = ""  # the publisher slug recorded for requests to the directory origin
MAX_PORT = 65535
GZIP_MIN_BYTES = 1024
ERROR_NOT_LOOPBACK = "the simulated world only binds loopback addresses, not {host!r}"
ERROR_PORT_RANGE = "port {port} is out of range: the world needs ports {port}..{last}, all within 1..65535"
ERROR_PORT_IN_USE = "port {port} on {host} is already in use"


class WorldServerError(Exception):
    """The world could not start; the message is one line fit for a command-line user."""


@dataclass(frozen=True)
class RequestRecord:
    port: int
    publisher: str  # publisher slug, "" for the directory origin
    method: str
    path: str  # as requested, with query string
    headers: dict[str, str]
    status: int
    timestamp: float


class RequestLog:
    """Thread-safe, append-only record of every request, optionally mirrored as JSON lines to a file."""

    def __init__(self, log_path: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._log_path = log_path

    def append(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)
            if self._log_path is not None:
                with self._log_path.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")

    def snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.snapshot())

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def __getitem__(self, index: int) -> RequestRecord:
        with self._lock:
            return self._records[index]


class _OriginServer(ThreadingHTTPServer):
    daemon_threads = True
    # Fail fast on a taken port instead of silently sharing it.
    allow_reuse_address = False

    def __init__(self, host: str, port: int, slug: str, log: RequestLog) -> None:
        super().__init__((host, port), _Handler)
        self.slug = slug
        self.log = log
        self.site: PublisherSite | DirectorySite | None = None

    def server_bind(self) -> None:
        # HTTPServer.server_bind would resolve the host name (a reverse DNS lookup); loopback needs none.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def _not_modified(resource: Resource, headers: Message) -> bool:
    """RFC 9110 conditional GET: If-None-Match wins over If-Modified-Since."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or resource.etag in tags
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since and resource.last_modified is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return resource.last_modified.replace(second=0, microsecond=0) <= since
    return False


class _Handler(BaseHTTPRequestHandler):
    server: _OriginServer
    server_version = "NewsdeskWorld/1.0"

    def do_GET(self) -> None:
        self._respond(include_body=True)

    def do_HEAD(self) -> None:
        self._respond(include_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the default stderr access log; requests go to RequestLog instead."""

    def _respond(self, *, include_body: bool) -> None:
        site = self.server.site
        resource = site.resolve(urlsplit(self.path).path) if site else Resource.error(503, "Starting")
        if resource.delay_s:
            time.sleep(resource.delay_s)
        status, body = resource.status, resource.body
        headers = [("Content-Type", resource.content_type), *resource.headers]
        if resource.etag:
            headers.append(("ETag", resource.etag))
        if resource.last_modified is not None:
            headers.append(("Last-Modified", format_datetime(resource.last_modified, usegmt=True)))
        if status == 200 and _not_modified(resource, self.headers):
            status, body = 304, b""
            headers = [h for h in headers if h[0] != "Content-Type"]
        elif len(body) >= GZIP_MIN_BYTES and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, mtime=0)
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        # Record before answering, so a client that has its response can already see the record.
        self.server.log.append(
            RequestRecord(
                port=self.server.server_address[1],
                publisher=self.server.slug,
                method=self.command,
                path=self.path,
                headers=dict(self.headers.items()),
                status=status,
                timestamp=time.time(),
            )
        )
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if include_body and body:
            with contextlib.suppress(ConnectionError):
                self.wfile.write(body)


def _check_loopback(host: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise WorldServerError(ERROR_NOT_LOOPBACK.format(host=host))


class WorldServer:
    """A running world. `base_url` is the directory origin; each publisher has its own origin."""

    def __init__(self, world: World, host: str = "127.0.0.1", port: int = 0, log_path: Path | None = None) -> None:
        _check_loopback(host)
        count = len(world.publishers) + 1
        if port and not (port >= 1 and port + count - 1 <= MAX_PORT):
            raise WorldServerError(ERROR_PORT_RANGE.format(port=port, last=port + count - 1))
        self.world = world
        self.host = host
        self.requests = RequestLog(log_path)
        self._servers: list[_OriginServer] = []
        self._dns = None
        slugs = [DIRECTORY, *(p.slug for p in world.publishers)]
        try:
            for offset, slug in enumerate(slugs):
                wanted = port + offset if port else 0
                try:
                    self._servers.append(_OriginServer(host, wanted, slug, self.requests))
                except OSError as error:
                    raise WorldServerError(ERROR_PORT_IN_USE.format(port=wanted, host=host)) from error
        except WorldServerError:
            self._close()
            raise
        self._origins = {server.slug: f"http://{host}:{server.server_address[1]}" for server in self._servers}
        self.base_url = self._origins[DIRECTORY]
        for server in self._servers:
            if server.slug == DIRECTORY:
                server.site = DirectorySite(world, self.url, self.base_url)
            else:
                server.site = PublisherSite(world, server.slug, self._origins[server.slug])
        self._threads = [
            threading.Thread(
                target=s.serve_forever, kwargs={"poll_interval": 0.1}, name=f"world-{s.slug or 'dir'}", daemon=True
            )
            for s in self._servers
        ]
        for thread in self._threads:
            thread.start()

    @property
    def dns(self):
        """The world's loopback DNS server (started on first use): `server.dns.nameserver` is its host:port."""
        if self._dns is None:
            from .dns import WorldDns

            self._dns = WorldDns(self.host)
        return self._dns

    def takedown_proof_publish(self, slug: str, token: str, *, via: str) -> None:
        """The publisher proves a takedown notice is theirs: a DNS TXT record under its contact domain
        (`via="dns"`), a meta tag on its home page (`"meta"`) or a line of its well-known file (`"file"`)."""
        if via == "dns":
            domain = self.world.publisher(slug).contact_domain
            self.dns.add_txt(f"_newsdesk-takedown.{domain}", f"newsdesk-takedown={token}")
            return
        next(s.site for s in self._servers if s.slug == slug).proof_publish(token, via=via)

    def document_publish(self, slug: str, path: str, body: str | bytes, content_type: str) -> None:
        """Serve `body` at `path` on the publisher's origin from now on (a new feed, a copy of a page)."""
        next(s.site for s in self._servers if s.slug == slug).document_publish(path, body, content_type)

    def article_revise(
        self, article: Article, *, headline: str | None = None, paragraphs: tuple[str, ...] | None = None
    ) -> Article:
        """The publisher edits an article in place: same URL, new headline and/or text, `updated` now (its page's
        dateModified and its feed entries say so). Returns the edited article."""
        current = next(a for a in self.world.articles if a.id == article.id)
        edited = replace(
            current,
            headline=current.headline if headline is None else headline,
            paragraphs=current.paragraphs if paragraphs is None else tuple(paragraphs),
            updated=datetime.now(UTC).replace(microsecond=0),
        )
        self.world = replace(
            self.world, articles=tuple(edited if a.id == article.id else a for a in self.world.articles)
        )
        next(s.site for s in self._servers if s.slug == article.publisher).article_revise(self.world)
        return edited

    def revisions_undo(self, world: World) -> None:
        """Serve `world` again (`self.world` as it was before some article_revise calls): tests that share one
        running world each start from the same pages and feeds, ports and all."""
        self.world = world
        for server in self._servers:
            if server.slug != DIRECTORY and server.site.ctx.world is not world:
                server.site.article_revise(world)

    def page_body(self, slug: str, path: str) -> bytes:
        """What the publisher's origin serves at `path` (as a GET would get it, before compression)."""
        return next(s.site for s in self._servers if s.slug == slug).resolve(path).body

    def publisher_base_url(self, slug: str) -> str:
        return self._origins[slug]

    def url(self, slug: str, path: str) -> str:
        """Absolute URL of a path on a publisher's origin."""
        return self._origins[slug] + path

    def article_url(self, article: Article) -> str:
        """The canonical URL the article page declares."""
        return self.url(article.publisher, article.path)

    def feed_link(self, article: Article) -> str:
        """The URL feeds give for the article (may carry tracking parameters)."""
        return self.url(article.publisher, article.feed_link_path)

    def feed_url(self, slug: str, kind: str) -> str:
        return self.url(slug, FEED_PATHS[kind])

    def primary_feed_url(self, slug: str) -> str:
        return self.url(slug, self.world.publisher(slug).primary_feed_path)

    @property
    def world_json_url(self) -> str:
        return self.base_url + "/world.json"

    @property
    def opml_url(self) -> str:
        return self.base_url + "/opml.xml"

    def stop(self) -> None:
        """Stop every origin; the shutdowns run in parallel so stopping takes one poll interval, not seventeen."""
        stoppers = [threading.Thread(target=s.shutdown) for s in self._servers]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        self._close()
        if self._dns is not None:
            self._dns.stop()
            self._dns = None

    def _close(self) -> None:
        for server in self._servers:
            server.server_close()

    def __enter__(self) -> WorldServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve_world(
    world: World, host: str = "127.0.0.1", port: int = 0, log_path: Path | str | None = None
) -> WorldServer:
    """Start serving `world` in background threads; call `.stop()` (or use it as a context manager) to end."""
    return WorldServer(world, host=host, port=port, log_path=Path(log_path) if log_path else None)


@contextlib.contextmanager
def running_world(
    seed: int = 7,
    anchor: datetime | None = None,
    slow_delay_s: float = 2.0,
    port: int = 0,
    log_path: Path | str | None = None,
) -> Iterator[WorldServer]:
    """Generate a world and serve it for the duration of the block."""
    from .generator import generate_world

    server = serve_world(
        generate_world(seed=seed, anchor=anchor, slow_delay_s=slow_delay_s), port=port, log_path=log_path
    )
    try:
        yield server
    finally:
        server.stop()
