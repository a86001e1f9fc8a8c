from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
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
FORM_EXPIRED = (
    "This form could not be accepted: it was opened before you signed in or out, or your browser did not send our "
    "cookie. Go back, reload the page and send it again (this site needs its own cookies allowed)."
)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a refused `?lang=` or `?page=` is the site's 400 page with its one-line message; a form sent
    with more than Django reads (a comment or notice with megabytes pasted in) a 413 saying so; any other bad
    request (a host not allowed, a suspicious operation) answers as Django does, telling nothing of it."""
    if isinstance(exception, LanguageRefused | PageRefused):
        return render(request, "400.html", {"message": str(exception)}, status=400)
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
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
