"""Start the WSGI app on a port with granian (worker processes, each running requests on a few threads), with a
clear error when the port is taken or the site has no secret key.

granian rather than gunicorn (which served here before): on this 2-core machine, under the same load, granian answered
cached home pages at 8,500 to 11,700 req/s where gunicorn's gthread workers gave 2,300 to 2,400 (wrk, 50 connections, two
runs each, both through config.wsgi's fast path); it refuses an oversized Content-Length before the client sends the
body (gunicorn had read ~2.6 MB of a 20 MB one by the time our middleware answered 413); it serves whitenoise's
hashed static files the same; SIGHUP restarts its workers one by one (graceful reload), SIGTERM/SIGINT stop it."""

import ctypes
import errno
import fcntl
import os
import signal
import socket
import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels

from newsdesk.common.database import require_ever_migrated, require_reachable
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


APPLICATION = "config.wsgi:application"

PR_SET_PDEATHSIG = 1  # linux/prctl.h
# Looked up once, in the parent: loading a library after a fork in a threaded process could block on the loader lock.
_prctl = ctypes.CDLL(None).prctl if sys.platform.startswith("linux") else None
# In `newsdesk serve`'s own process: its pid, which the workers it forks are tied to (None anywhere else).
_serve_pid: int | None = None


def stop_with_parent() -> None:
    """Run in every process forked from `newsdesk serve` (os.register_at_fork): leave Ctrl-C to `newsdesk serve`
    (interrupt_to_parent_only), and have the kernel send a worker SIGKILL when `newsdesk serve` dies.

    granian stops its workers itself on SIGTERM/SIGINT, but a `newsdesk serve` killed outright (SIGKILL, the OOM
    killer, a test's teardown) would leave them serving, re-parented to init, holding the port and the database.
    SIGKILL, not SIGTERM: a worker's graceful stop can hang without its supervisor — with SIGTERM here, one worker
    was found still running 16 minutes after the PostgreSQL outage test, and another SIGTERM did not stop it. A
    serve that was killed outright has lost its in-flight requests anyway. Linux only (elsewhere nothing changes)."""
    global _serve_pid
    parent_pid, _serve_pid = _serve_pid, None  # whatever a worker forks in turn is not tied to it
    if parent_pid is not None:
        interrupt_to_parent_only()
        die_with_parent(parent_pid)


def interrupt_to_parent_only() -> None:
    """In a granian worker just forked: block SIGINT, in its only thread, so in every thread it starts later.

    A terminal's Ctrl-C sends SIGINT to the whole foreground process group: `newsdesk serve` and each worker. serve
    then stops every worker with SIGTERM a few milliseconds later, and a worker that receives SIGINT and then SIGTERM
    that close together sometimes misses its shutdown: it was found waiting for it (main thread in granian's wait
    for the shutdown event) until granian killed it after workers_kill_timeout, so Ctrl-C took ~20 s (SIGINT then
    SIGTERM sent straight to the workers 1 ms apart left one hung; SIGINT+SIGINT and SIGTERM+SIGTERM did not. A
    likely cause, not confirmed: the kernel hands a second, different signal to another thread while the first is
    pending on the main one, and granian's worker then misses the wake-up). With
    SIGINT blocked, a worker stops on serve's SIGTERM alone, as it does when serve alone is signalled. Blocked, not
    ignored: granian installs its own SIGINT handler in the worker after this, which would undo SIG_IGN."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def die_with_parent(parent_pid: int) -> None:
    """In a child process just forked from `parent_pid`: have the kernel SIGKILL it when that parent dies (Linux
    only; elsewhere nothing changes). Also run before exec in a child started with subprocess (preexec_fn), as the
    demo's worker is: the setting survives the exec. Only the prctl call and getppid run here, nothing that could
    take a lock another thread of the parent held at the fork."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # The parent may have died between the fork and the prctl: then no signal will ever come.
    if os.getppid() != parent_pid:
        os._exit(1)


def granian_options(*, host: str, port: int, workers: int, threads: int) -> dict:
    return {
        "address": host,
        "port": port,
        "interface": Interfaces.WSGI,
        "workers": workers,
        "blocking_threads": threads,
        "websockets": False,
        # Request heads over 64 KiB are refused by granian itself (as gunicorn's limit_request_* did); bodies by
        # RequestBodyLimitMiddleware, before they are read (Content-Length), or once a chunked one passes the limit.
        "http1_settings": HTTP1Settings(max_buffer_size=65_536, header_read_timeout=30_000),
        "respawn_failed_workers": True,
        "workers_kill_timeout": 20,
        "log_level": LogLevels.warning,
    }


def static_collect(root: Path) -> None:
    """collectstatic into `root`, one `newsdesk serve` at a time: two started at once on one data dir (two app
    units; the serve bench's cached and uncached servers) each replace the hashed files and fail on a file the
    other has just moved. The lock is a file beside `root` (not in it: it would be served); when that place is not
    writable, collect without it."""
    root.mkdir(parents=True, exist_ok=True)
    try:
        lock = open(root.with_name(root.name + ".lock"), "a")  # noqa: SIM115 — held across the collect below
    except OSError:
        call_command("collectstatic", interactive=False, verbosity=0)
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        call_command("collectstatic", interactive=False, verbosity=0)


def serve_site(
    *,
    host: str,
    port: int,
    threads: int = 4,
    workers: int | None = None,
    stdout=None,
    allow_unmigrated: bool = False,
) -> None:
    try:
        secret_key_require()
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from None
    check_port_free(host, port)
    # Hashed static names for this code, before the app (and whitenoise's index of STATIC_ROOT) is loaded.
    if settings.STATIC_ROOT:
        static_collect(Path(settings.STATIC_ROOT))
    # Loaded here once so that a broken configuration fails now, in one line; each worker loads it again.
    import config.wsgi  # noqa: F401

    # A dead database is said in one line at start (newsdesk/cli.py), not as a 500 per request; once serving, an
    # outage answers 503 and the site recovers by itself (newsdesk/common/health.py; /readyz names migrations due).
    require_reachable()
    if not allow_unmigrated:
        # A database never migrated would answer every page 503: refuse in one line instead (exit 2, newsdesk/cli.py).
        require_ever_migrated()
    workers = workers or default_workers()
    # The workers fork from this process: none may inherit its database connections (the demo used them).
    connections.close_all()
    # granian forks its workers from this process (also when it respawns one): each is set up to die with it.
    global _serve_pid
    _serve_pid = os.getpid()
    os.register_at_fork(after_in_child=stop_with_parent)
    if stdout is not None:
        stdout.write(f"serving http://{host}:{port}/ with {workers} processes (Ctrl-C to stop)")
        stdout.flush()
    Granian(APPLICATION, **granian_options(host=host, port=port, workers=workers, threads=threads)).serve()
