from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.views.defaults import bad_request as django_bad_request

from newsdesk.site.languages import LanguageRefused
from newsdesk.site.pagination import PageRefused

# What Django reads of a form at most (DATA_UPLOAD_MAX_MEMORY_SIZE; NEWSDESK_MAX_REQUEST_BYTES refuses larger bodies
# before they are read, as plain text).
FORM_TOO_LARGE = (
    "What you sent is too large for this site (more than {megabytes:.1f} MB): go back, shorten it and send it again."
)
# Under /api/ every error is {"error": ...}, as the API's own are (newsdesk.api.responses).
API_TOO_LARGE = "the request is too large to read: at most {fields} parameters and {megabytes:.1f} MB of body"
API_BAD_REQUEST = "bad request"
FORM_EXPIRED = (
    "This form could not be accepted: it was opened before you signed in or out, or your browser did not send our "
    "cookie. Go back, reload the page and send it again (this site needs its own cookies allowed)."
)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a refused `?lang=` or `?page=` is the site's 400 page with its one-line message; a form sent
    with more than Django reads (a comment or notice with megabytes pasted in) a 413 saying so; any other bad
    request (a host not allowed, a suspicious operation) answers as Django does, telling nothing of it. Under
    /api/ each is the same status with a JSON error instead of a page."""
    too_large = isinstance(exception, RequestDataTooBig | TooManyFieldsSent)
    if request.path.startswith("/api/"):
        if too_large:
            message = API_TOO_LARGE.format(
                fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
                megabytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024,
            )
            return JsonResponse({"error": message}, status=413)
        return JsonResponse({"error": API_BAD_REQUEST}, status=400)
    if isinstance(exception, LanguageRefused | PageRefused):
        return render(request, "400.html", {"message": str(exception)}, status=400)
    if too_large:
        message = FORM_TOO_LARGE.format(megabytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024)
        return render(request, "400.html", {"message": message}, status=413)
    return django_bad_request(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a post without a valid CSRF token gets the site's 403 page saying what to do (the reason
    is Django's, for the log; the reader needs the way out)."""
    try:
        return render(request, "403.html", {"message": FORM_EXPIRED}, status=403)
    except DatabaseError:
        # The page's navigation and the reader's session need the database: when it is out, the message alone.
        return HttpResponse(
            f"<!doctype html>\n<title>Form not accepted</title>\n<p>{escape(FORM_EXPIRED)}</p>\n", status=403
        )
