"""Real HTTP(S) servers on 127.0.0.1 for the fetcher tests, with routes as plain functions."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

Route = Callable[["Exchange"], None]


@dataclass(frozen=True)
class SeenRequest:
    path: str
    host: str
    headers: dict[str, str]  # lower-cased names


class Exchange:
    """What a route gets: the request, plus helpers to answer it."""

    def __init__(self, handler: BaseHTTPRequestHandler) -> None:
        self.handler = handler
        split = urlsplit(handler.path)
        self.path = split.path
        self.query = {k: v[0] for k, v in parse_qs(split.query).items()}
        self.headers = {k.lower(): v for k, v in handler.headers.items()}
        self.method = handler.command

    def read_body(self) -> bytes:
        """The request body (POST), as long as its Content-Length says."""
        return self.handler.rfile.read(int(self.headers.get("content-length") or 0))

    def respond(self, status: int, body: bytes = b"", headers: Iterable[tuple[str, str]] = ()) -> None:
        self.handler.send_response(status)
        headers = list(headers)
        if not any(name.lower() == "content-length" for name, _ in headers):
            headers.append(("Content-Length", str(len(body))))
        for name, value in headers:
            self.handler.send_header(name, value)
        self.handler.end_headers()
        self.handler.wfile.write(body)

    def stream(self, status: int, chunks: Iterable[bytes], headers: Iterable[tuple[str, str]] = ()) -> None:
        """A chunked HTTP/1.1 body, written as the client reads; stops quietly when it hangs up."""
        self.handler.protocol_version = "HTTP/1.1"
        self.handler.send_response(status)
        for name, value in [*headers, ("Transfer-Encoding", "chunked"), ("Connection", "close")]:
            self.handler.send_header(name, value)
        self.handler.end_headers()
        try:
            for chunk in chunks:
                if chunk:
                    self.handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client gave up, which is what most of these tests want
        self.handler.close_connection = True

    def trickle(self, data: bytes, *, interval_s: float, limit_s: float = 10.0) -> None:
        """Write `data` one byte at a time; the fetcher's deadline should cut it long before `limit_s`."""
        stop_at = time.monotonic() + limit_s
        try:
            for byte in data:
                if time.monotonic() > stop_at:
                    return
                self.handler.wfile.write(bytes([byte]))
                self.handler.wfile.flush()
                time.sleep(interval_s)
        except OSError:
            pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.owner.dispatch(self)

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LocalServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-response are expected here


class _Server6(_Server):
    address_family = socket.AF_INET6


class LocalServer:
    """A threaded server on 127.0.0.1 (or ::1) at a free port. Unknown paths get 404."""

    def __init__(self, routes: dict[str, Route], *, tls: ssl.SSLContext | None = None, bind: str = "127.0.0.1") -> None:
        self.routes = routes
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._server = (_Server6 if ":" in bind else _Server)((bind, 0), _Handler)
        self._server.owner = self
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        exchange = Exchange(handler)
        with self._lock:
            self.requests.append(SeenRequest(exchange.path, exchange.headers.get("host", ""), exchange.headers))
        route = self.routes.get(exchange.path)
        if route is None:
            exchange.respond(404, b"not here")
        else:
            route(exchange)


@dataclass(frozen=True)
class Certificate:
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert_file))


def make_certificate(directory: Path, names: Iterable[str]) -> Certificate:
    """A self-signed certificate for `names` made with the openssl CLI (skips when it is missing)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl CLI not installed")
    cert, key = directory / "cert.pem", directory / "key.pem"
    names = list(names)
    san = ",".join(f"DNS:{name}" for name in names)
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={names[0]}",
         "-addext", f"subjectAltName={san}", "-addext", "basicConstraints=critical,CA:TRUE"],
        check=True, capture_output=True,
    )  # fmt: skip
    return Certificate(cert, key)


def free_loopback_listener(port: int) -> socket.socket | None:
    """A listening socket on 127.0.0.1:`port` to count stray connections, or None if the port is taken."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", port))
    except OSError:
        listener.close()
        return None
    listener.listen(16)
    listener.setblocking(False)
    return listener


def accepted_count(listener: socket.socket) -> int:
    count = 0
    while True:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def repeat(chunk: bytes, times: int) -> Iterator[bytes]:
    for _ in range(times):
        yield chunk
