"""Security headers every response carries, and the request body limit."""

import io
from collections.abc import Callable

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse

# No inline scripts, no third-party origins: everything is served by us, article images included (the workers
# copy them under /images/, newsdesk.media), so readers' browsers never ask a publisher for anything.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


REQUEST_TOO_LARGE = "413 Request Entity Too Large: the request body exceeds {limit} bytes"


class RequestBodyLimitMiddleware:
    """413 for a request body over NEWSDESK_MAX_REQUEST_BYTES, before any of it is read when Content-Length says so,
    and as soon as a chunked body passes the limit (the app server hands bodies through; nginx refuses them earlier with
    client_max_body_size in deploy/). A chunked body within the limit reaches Django as an ordinary one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.NEWSDESK_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse(
                "400 Bad Request: Content-Length is not a number", status=400, content_type="text/plain"
            )
        if length > limit:
            return _too_large(limit)
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = _read_at_most(request.META["wsgi.input"], limit + 1)
            if len(body) > limit:
                return _too_large(limit)
            # Django reads only as many bytes as CONTENT_LENGTH says: give it the de-chunked body with its length.
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))
        return self.get_response(request)


def _read_at_most(stream, size: int) -> bytes:
    parts, left = [], size
    while left > 0 and (part := stream.read(min(left, 65536))):
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _too_large(limit: int) -> HttpResponse:
    response = HttpResponse(REQUEST_TOO_LARGE.format(limit=limit), status=413, content_type="text/plain")
    response["Connection"] = "close"  # the unread rest of the body must not be taken for the next request
    return response
