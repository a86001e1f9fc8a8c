"""A minimal world of many feeds for the ingestion benchmark: K loopback ports, N feeds spread over them.

Every feed is a small RSS document with a few items whose pages are short article HTML. Feeds carry ETags and
answer 304 to If-None-Match, like real publishers' servers, so the second cycle measures the conditional path.
"""

import hashlib
import multiprocessing
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Bench feed {n}</title><link>{origin}/</link><description>bench</description>
{items}</channel></rss>"""
ITEM = """<item><title>Bench story {n}-{j}: harbour council votes on budget</title><link>{origin}/a/{n}-{j}.html</link>
<guid>{origin}/a/{n}-{j}.html</guid><pubDate>Mon, 23 Nov 2026 {h:02d}:00:00 GMT</pubDate>
<description>Councillors met on Monday to vote on story {n}-{j}.</description></item>"""
PAGE = """<!doctype html><html lang="en"><head><title>Bench story {name}</title>
<link rel="canonical" href="{origin}/a/{name}.html"><meta name="author" content="Staff writer">
<meta property="article:published_time" content="2026-11-23T10:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>Bench story {name}</h1>
<p>Councillors met on Monday evening to debate the harbour budget for story {name}, which has divided the town.</p>
<p>The mayor said the vote would decide whether the old pier is repaired before the winter storms arrive.</p>
<p>Opponents argued that the money should instead go to schools, and several residents spoke at length.</p>
<p>A final decision is expected next week after a second reading of the proposal in the council chamber.</p>
</article><footer>© Bench Gazette</footer></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_BenchServer"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return

    def do_GET(self) -> None:
        origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        path = self.path.split("?")[0]
        if path == "/robots.txt":
            body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
        elif path.startswith("/feed/") and path.endswith(".xml"):
            n = int(path[6:-4])
            items = "".join(ITEM.format(n=n, j=j, origin=origin, h=j % 24) for j in range(self.server.items))
            body, ctype = RSS.format(n=n, origin=origin, items=items).encode(), "application/rss+xml"
        elif path.startswith("/a/") and path.endswith(".html"):
            body, ctype = PAGE.format(name=path[3:-5], origin=origin).encode(), "text/html; charset=utf-8"
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
        with self.server.lock:
            self.server.requests += 1
            if self.headers.get("If-None-Match") == etag:
                self.server.not_modified += 1
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _BenchServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, items: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.items = items
        self.lock = threading.Lock()
        self.requests = 0
        self.not_modified = 0


def _serve(ports: int, items: int, control: Connection) -> None:
    """The child process: serve until the parent asks for the counts (then stop)."""
    servers = [_BenchServer(items) for _ in range(ports)]
    for server in servers:
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    control.send([server.server_address[1] for server in servers])
    control.recv()  # "stop"
    control.send((sum(s.requests for s in servers), sum(s.not_modified for s in servers)))
    for server in servers:
        server.shutdown()
        server.server_close()


class FeedWorld:
    """`feeds` feed URLs over `ports` loopback origins, served by a child process (publishers are other machines:
    their serving must not take the interpreter lock from the ingest being measured); `.stop()` when done."""

    def __init__(self, *, feeds: int, ports: int = 20, items: int = 1) -> None:
        self._control, child_end = multiprocessing.get_context("spawn").Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(ports, items, child_end), daemon=True, name="bench-feed-world"
        )
        self._process.start()
        if not self._control.poll(60):
            self._process.kill()
            raise RuntimeError("the benchmark's feed world did not start within 60 s")
        self.ports: list[int] = self._control.recv()
        self.origins = [f"http://127.0.0.1:{port}" for port in self.ports]
        self.feed_urls = [f"{self.origins[n % ports]}/feed/{n}.xml" for n in range(feeds)]
        self.requests = self.not_modified = 0

    def stop(self) -> None:
        """Stop serving; `requests` and `not_modified` then hold the counts the servers saw."""
        if self._process.is_alive():
            self._control.send("stop")
            if self._control.poll(30):
                self.requests, self.not_modified = self._control.recv()
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
