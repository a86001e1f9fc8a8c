"""Health endpoints for supervisors and load balancers, and the 503 every page answers while the database is away.

`/healthz` (liveness): the process answers; it touches no database, so a supervisor never restarts a healthy
process because the database is down. `/readyz` (readiness): the database answers and every migration is applied;
a load balancer sends traffic only while it says so. Both are answered by the first middleware, before host
validation, HTTPS redirects, sessions and throttles: probes come by IP, over plain HTTP, and must not be refused.
"""

import logging
import sys
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

from newsdesk.common.database import (
    connections_reset,
    database_unavailable,
    require_migrated,
    schema_behind,
    sqlite_damaged,
)

log = logging.getLogger(__name__)

HEALTH_PATHS = ("/healthz", "/readyz")
RETRY_AFTER_S = 30
API_UNAVAILABLE = "the database is unavailable; try again shortly"
# The API's errors are always {"error": ...} (newsdesk.api.responses), a bug's included.
API_SERVER_ERROR = "internal server error"
NOT_READY = "not ready: {reason}"


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:300]


def readiness_problem() -> str | None:
    """Why this process should get no traffic now (None: ready)."""
    try:
        require_migrated()
    except Exception as exc:  # unreachable, refusing or not migrated: all mean "not ready", said in one line
        connections_reset()
        return _one_line(exc) if database_unavailable(exc) else str(exc)
    return None


def _plain(text: str, status: int) -> HttpResponse:
    response = HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, a small static page elsewhere (rendered without the database)."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"error": API_UNAVAILABLE}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    """First in MIDDLEWARE: answers the probes itself, and turns a view's database outage into a 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path == "/healthz":
            return _plain("ok", 200)
        if request.path == "/readyz":
            problem = readiness_problem()
            return _plain(NOT_READY.format(reason=problem), 503) if problem else _plain("ready", 200)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if schema_behind(exception):
            # Served before `newsdesk migrate` (PostgreSQL's missing table is no outage): not ready, as /readyz says.
            log.warning("database not migrated", extra={"path": request.path, "error": _one_line(exception)})
            return database_unavailable_response(request)
        if sqlite_damaged(exception):
            # A file that is no database (or whose pages are damaged): the operator's to restore, no page's bug.
            log.error("database damaged", extra={"path": request.path, "error": _one_line(exception)})
            return database_unavailable_response(request)
        if not database_unavailable(exception):
            return None
        # One line, no traceback: the outage is the operator's news, not a bug; the next request reconnects.
        log.warning("database unavailable", extra={"path": request.path, "error": _one_line(exception)})
        connections_reset()
        return database_unavailable_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage met outside a view (a session or sign-in middleware) is a 503 as well; any
    other error is the 500 page, or a JSON error under /api/."""
    exc = sys.exc_info()[1]
    if exc is not None and database_unavailable(exc):
        connections_reset()
        return database_unavailable_response(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"error": API_SERVER_ERROR}, status=500)
    return django_server_error(request)
