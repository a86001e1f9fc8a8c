from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.views import View


class FaviconView(View):
    """/favicon.ico, which browsers ask for on pages that name no icon (a feed, a JSON answer, the admin): our icon
    (the one every site page names), instead of a 404 logged for each of them."""

    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest) -> HttpResponseRedirect:
        # Read at request time: the static name is content-hashed once collectstatic has run.
        return HttpResponseRedirect(static("site/icon.svg"))
