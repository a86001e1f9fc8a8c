"""Start the WSGI app on a port, with a clear error when the port is taken."""

import errno
import socket

from django.core.management.base import CommandError

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

    from config.wsgi import application

    check_port_free(host, port)
    if stdout is not None:
        stdout.write(f"serving http://{host}:{port}/ (Ctrl-C to stop)")
        stdout.flush()
    serve(application, host=host, port=port, threads=threads, ident="newsdesk", _quiet=True)
