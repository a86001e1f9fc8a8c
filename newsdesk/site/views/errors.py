from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.defaults import bad_request as django_bad_request

from newsdesk.site.languages import LanguageRefused


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a refused `?lang=` is the site's 400 page with its one-line message; any other bad request (a
    host not allowed, a suspicious operation) answers as Django does, telling nothing of it."""
    if isinstance(exception, LanguageRefused):
        return render(request, "400.html", {"message": str(exception)}, status=400)
    return django_bad_request(request, exception)
