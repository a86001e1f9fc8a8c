"""Start the WSGI app on a port, with a clear error when the port is taken or the site has no secret key."""

import errno
import socket

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError

from newsdesk.common.database import require_reachable
from newsdesk.common.secret_key import secret_key_require

PORT_IN_USE = "port {port} on {host} is already in use (choose another with --port)"


def check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(PORT_IN_USE.format(host=host, port=port)) from None
            raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def serve_site(*, host: str, port: int, threads: int = 8, stdout=None) -> None:
    from waitress import serve

    try:
        secret_key_require()
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from None
    from config.wsgi import application

    check_port_free(host, port)
    # A dead database is said in one line at start (newsdesk/cli.py), not as a 500 per request; once serving, an
    # outage answers 503 and the site recovers by itself (newsdesk/common/health.py; /readyz names migrations due).
    require_reachable()
    if stdout is not None:
        stdout.write(f"serving http://{host}:{port}/ (Ctrl-C to stop)")
        stdout.flush()
    serve(
        application,
        host=host,
        port=port,
        threads=threads,
        ident="newsdesk",
        # waitress answers 413 as soon as a Content-Length says more, before reading the body, and cuts a
        # chunked body off at the limit; it refuses lengths >= its limit, so +1 admits exactly the maximum.
        max_request_body_size=settings.NEWSDESK_MAX_REQUEST_BYTES + 1,
        _quiet=True,
    )
