"""Start the WSGI app on a port with gunicorn (pre-fork worker processes, each with a few threads), with a clear
error when the port is taken or the site has no secret key."""

import errno
import os
import socket

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from gunicorn.app.base import BaseApplication

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


def default_workers() -> int:
    """NEWSDESK_SERVE_WORKERS, or two processes per core (a page render is CPU work: threads alone share one)."""
    return settings.NEWSDESK_SERVE_WORKERS or 2 * (os.cpu_count() or 1)


class _Gunicorn(BaseApplication):
    """gunicorn's arbiter around an application object we already loaded (no command line, no config file)."""

    def __init__(self, application, options: dict) -> None:
        self.application, self.options = application, options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self):
        return self.application


def gunicorn_options(*, host: str, port: int, workers: int, threads: int) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        # Oversized request heads are refused by gunicorn itself; bodies by RequestBodyLimitMiddleware, before
        # they are read (Content-Length), or as soon as a chunked one passes the limit.
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        "loglevel": "warning",
        "errorlog": "-",
        "proc_name": "newsdesk",
    }


def serve_site(*, host: str, port: int, threads: int = 4, workers: int | None = None, stdout=None) -> None:
    try:
        secret_key_require()
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from None
    check_port_free(host, port)
    # Hashed static names for this code, before the app (and whitenoise's index of STATIC_ROOT) is loaded.
    if settings.STATIC_ROOT:
        call_command("collectstatic", interactive=False, verbosity=0)
    from config.wsgi import application

    # A dead database is said in one line at start (newsdesk/cli.py), not as a 500 per request; once serving, an
    # outage answers 503 and the site recovers by itself (newsdesk/common/health.py; /readyz names migrations due).
    require_reachable()
    workers = workers or default_workers()
    # The workers fork from this process: none may inherit its database connections (the demo used them).
    connections.close_all()
    if stdout is not None:
        stdout.write(f"serving http://{host}:{port}/ with {workers} processes (Ctrl-C to stop)")
        stdout.flush()
    _Gunicorn(application, gunicorn_options(host=host, port=port, workers=workers, threads=threads)).run()
