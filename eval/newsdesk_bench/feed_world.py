"""A minimal world of many feeds for the ingestion benchmark: K loopback ports, N feeds spread over them.

Every feed is a small RSS document with a few items whose pages are short article HTML. Feeds carry ETags and
answer 304 to If-None-Match, like real publishers' servers, so the second cycle measures the conditional path.
"""

import hashlib
import json
import random
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Bench feed {n}</title><link>{origin}/</link><description>bench</description>
{items}</channel></rss>"""
ITEM = """<item><title>{title}</title><link>{origin}/a/{n}-{j}.html</link>
<guid>{origin}/a/{n}-{j}.html</guid><pubDate>Mon, 23 Nov 2026 {h:02d}:00:00 GMT</pubDate>
<description>{lead}</description></item>"""
PAGE = """<!doctype html><html lang="en"><head><title>{title}</title>
<link rel="canonical" href="{origin}/a/{name}.html"><meta name="author" content="Staff writer">
<meta property="article:published_time" content="2026-11-23T10:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>{title}</h1>
{paragraphs}
</article><footer>© Bench Gazette</footer></body></html>"""

# Every page tells a story of its own, drawn from these words by its name. Pages that differed only in a number
# were all copies of one wire text, so the world was a single syndication group and a single story of 10,000
# articles, each new copy re-reading the whole group: a load no real feed set has.
TOWNS = [
    "Aberford",
    "Brightwater",
    "Calderton",
    "Dunmore",
    "Elmstead",
    "Fairhaven",
    "Glenrock",
    "Hollowell",
    "Ironbridge",
    "Kestrel",
]
TOPICS = [
    "harbour budget",
    "school merger",
    "bus timetable",
    "flood defences",
    "library hours",
    "hospital wing",
    "bridge repairs",
    "market licence",
    "housing plan",
    "water prices",
    "wind farm",
    "football ground",
    "rail crossing",
    "museum loan",
    "park lighting",
]
ACTIONS = ["approves", "rejects", "delays", "debates", "reviews", "funds", "questions", "revives", "pauses", "expands"]
WORDS = [
    "council",
    "mayor",
    "residents",
    "vote",
    "meeting",
    "evening",
    "proposal",
    "cost",
    "pounds",
    "winter",
    "spring",
    "contractor",
    "report",
    "survey",
    "chamber",
    "petition",
    "families",
    "traders",
    "drivers",
    "pupils",
    "nurses",
    "engineers",
    "planners",
    "campaigners",
    "budget",
    "deficit",
    "grant",
    "deadline",
    "consultation",
    "objection",
    "inspector",
    "minister",
    "county",
    "regional",
    "national",
    "expects",
    "warns",
    "argues",
    "insists",
    "promised",
    "delayed",
    "reopened",
    "closed",
    "widened",
    "repaired",
    "rebuilt",
    "audited",
    "scrapped",
    "doubled",
    "halved",
    "extended",
]


def _story(name: str) -> tuple[str, list[str]]:
    """The headline and paragraphs of page `name`, the same on every request."""
    pick = random.Random(name)
    title = f"{pick.choice(TOWNS)} {pick.choice(ACTIONS)} {pick.choice(TOPICS)} ({name})"
    paragraphs = [
        " ".join(pick.choice(WORDS) for _ in range(pick.randint(18, 28))).capitalize() + "." for _ in range(4)
    ]
    return title, paragraphs


def _item(n: int, j: int, origin: str) -> str:
    title, paragraphs = _story(f"{n}-{j}")
    return ITEM.format(n=n, j=j, origin=origin, h=j % 24, title=title, lead=paragraphs[0])


def article_page(name: str, origin: str) -> str:
    """The HTML of article page `name` (the same bytes on every call: the 304s of the second cycle rely on it)."""
    title, paragraphs = _story(name)
    return PAGE.format(name=name, origin=origin, title=title, paragraphs="\n".join(f"<p>{p}</p>" for p in paragraphs))


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
            items = "".join(_item(n, j, origin) for j in range(self.server.items))
            body, ctype = RSS.format(n=n, origin=origin, items=items).encode(), "application/rss+xml"
        elif path.startswith("/a/") and path.endswith(".html"):
            body, ctype = article_page(path[3:-5], origin).encode(), "text/html; charset=utf-8"
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


def serve(ports: int, items: int) -> None:
    """The child process: print the ports as one JSON line, serve until stdin closes or says stop, then print
    the counts."""
    servers = [_BenchServer(items) for _ in range(ports)]
    for server in servers:
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    print(json.dumps([server.server_address[1] for server in servers]), flush=True)
    sys.stdin.readline()
    print(json.dumps([sum(s.requests for s in servers), sum(s.not_modified for s in servers)]), flush=True)
    for server in servers:
        server.shutdown()
        server.server_close()


class FeedWorld:
    """`feeds` feed URLs over `ports` loopback origins, served by a child process (publishers are other machines:
    their serving must not take the interpreter lock from the ingest being measured); `.stop()` when done."""

    def __init__(self, *, feeds: int, ports: int = 20, items: int = 1) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "newsdesk_bench.feed_world", str(ports), str(items)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        first_line = self._process.stdout.readline()
        if not first_line:
            self._process.kill()
            raise RuntimeError("the benchmark's feed world did not start")
        self.ports: list[int] = json.loads(first_line)
        self.origins = [f"http://127.0.0.1:{port}" for port in self.ports]
        self.feed_urls = [f"{self.origins[n % ports]}/feed/{n}.xml" for n in range(feeds)]
        self.requests = self.not_modified = 0

    def stop(self) -> None:
        """Stop serving; `requests` and `not_modified` then hold the counts the servers saw."""
        try:
            self._process.stdin.write("stop\n")
            self._process.stdin.flush()
            counts = self._process.stdout.readline()
            if counts:
                self.requests, self.not_modified = json.loads(counts)
        except OSError:
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
