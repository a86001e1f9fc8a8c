"""Emailed confirmation links (sign-up, takedown notice): what a mail scanner does with one, and the reader's button."""

import re
from dataclasses import dataclass

from django.http import HttpResponse
from django.test import Client


@dataclass
class ScannerVisit:
    client: Client  # enforces CSRF, as a browser's requests meet it
    head: HttpResponse
    page: HttpResponse
    forged: HttpResponse  # a POST without the page's CSRF token: not the reader's button


def scanner_opens(link: str) -> ScannerVisit:
    """A mail scanner fetches (HEAD or GET) every link of a message before its reader sees it, and may try a POST."""
    client = Client(enforce_csrf_checks=True)
    return ScannerVisit(client, client.head(link), client.get(link), client.post(link))


def press_the_button(visit: ScannerVisit, link: str) -> HttpResponse:
    """The reader presses the page's button: its POST with the page's CSRF token."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', visit.page.content.decode()).group(1)
    return visit.client.post(link, {"csrfmiddlewaretoken": token})
