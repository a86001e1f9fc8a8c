"""JSON responses shared by every API view: errors are always `{"error": "..."}` with a fitting status."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import View

ERROR_NOT_FOUND = "not found"
ERROR_METHOD_NOT_ALLOWED = "method not allowed"


def json_ok(data: dict[str, Any]) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


class JsonApiView(View):
    """A read-only API view: GET/HEAD only, JSON errors for anything else."""

    http_method_names = ["get", "head", "options"]

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = json_error(ERROR_METHOD_NOT_ALLOWED, 405)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response


class NotFoundApi(JsonApiView):
    """Any unknown path under /api/."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        return json_error(ERROR_NOT_FOUND, 404)
