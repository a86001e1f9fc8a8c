from dataclasses import replace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import index
from django.http import HttpRequest
from django.template.response import TemplateResponse


def sitemap_index(request: HttpRequest, sitemaps: dict[str, type[Sitemap]], section_url_name: str) -> TemplateResponse:
    """Django's sitemap index view, its locations moved onto settings.SITE_URL as the sections' own URLs are
    (Django writes them on the host the request came in on)."""
    response = index(request, sitemaps=sitemaps, sitemap_url_name=section_url_name)
    site = settings.SITE_URL.rstrip("/")
    response.context_data["sitemaps"] = [
        replace(item, location=site + urlsplit(item.location)._replace(scheme="", netloc="").geturl())
        for item in response.context_data["sitemaps"]
    ]
    return response
