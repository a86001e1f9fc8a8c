from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views import View


def robots_txt() -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {settings.SITE_URL}{reverse('site:sitemap')}\n"


class RobotsTxtView(View):
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(robots_txt(), content_type="text/plain; charset=utf-8")
