from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views import View

# Pages for people, not for an index: every article and story page links the sign-in with its own `?next=` and its
# comment form (which sends a signed-out visitor to that sign-in), so a crawler met one more address per page, each
# a form. Comments feeds stay open (/comments/<label>/<pk>/feed.atom).
DISALLOWED = ("/accounts/", "/admin/", "/comments/*/post/")


def robots_txt() -> str:
    rules = "".join(f"Disallow: {path}\n" for path in DISALLOWED)
    return f"User-agent: *\n{rules}Allow: /\n\nSitemap: {settings.SITE_URL}{reverse('site:sitemap')}\n"


class RobotsTxtView(View):
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(robots_txt(), content_type="text/plain; charset=utf-8")
