from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.views.defaults import bad_request as django_bad_request

from newsdesk.site.languages import LanguageRefused
from newsdesk.site.pagination import PageRefused

FORM_EXPIRED = (
    "This form could not be accepted: it was opened before you signed in or out, or your browser did not send our "
    "cookie. Go back, reload the page and send it again (this site needs its own cookies allowed)."
)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a refused `?lang=` or `?page=` is the site's 400 page with its one-line message; any other bad
    request (a host not allowed, a suspicious operation) answers as Django does, telling nothing of it."""
    if isinstance(exception, LanguageRefused | PageRefused):
        return render(request, "400.html", {"message": str(exception)}, status=400)
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
