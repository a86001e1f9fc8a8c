"""JSON responses shared by every API view: errors are always `{"error": "..."}` with a fitting status.

Successful GETs carry a strong ETag of their body and answer `If-None-Match` with 304 Not Modified. Hashing the
body costs the rendering but saves clients the transfer; a whole-response cache in front (the site's cache
middleware) can take the same header over, since it is set only when no ETag is there yet.
"""

import hashlib
from typing import Any

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

ERROR_NOT_FOUND = "not found"
ERROR_METHOD_NOT_ALLOWED = "method not allowed"


def json_ok(data: dict[str, Any]) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


# Read-only, so there is nothing to forge: a write is refused with the API's JSON 405 below, where the CSRF check
# would answer a client (who sends no CSRF cookie) with Django's HTML 403 page instead.
@method_decorator(csrf_exempt, name="dispatch")
class JsonApiView(View):
    """A read-only API view: GET/HEAD only, JSON errors for anything else."""

    http_method_names = ["get", "head", "options"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().dispatch(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.has_header("ETag"):
            response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = json_error(ERROR_METHOD_NOT_ALLOWED, 405)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response


class NotFoundApi(JsonApiView):
    """Any unknown path under /api/."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        return json_error(ERROR_NOT_FOUND, 404)


class RedirectApi(JsonApiView):
    """An address the API does not answer at, led to the one that does (query kept): `/api/` to its docs (302: an
    index may come), a detail typed with a final "/" or an id with leading zeros to its one address (301, in one hop:
    the url conf's zero_led_id routes), instead of the JSON 404 (`/api`, which Django's APPEND_SLASH sends to `/api/`,
    ended on that 404)."""

    to = ""
    permanent = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        target = reverse(self.to, kwargs=kwargs) + (f"?{query}" if query else "")
        return HttpResponsePermanentRedirect(target) if self.permanent else HttpResponseRedirect(target)
