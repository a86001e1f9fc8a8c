"""Which HTTP methods a view answers, told before the CSRF check.

Django's CSRF middleware looks at a request before its view does, so a PUT, DELETE, POST or a made-up method sent
to a page that only reads (the home page, a feed) got the 403 "form not accepted" page, which tells a client to
reload a form that does not exist. `MethodNotAllowedMiddleware` (just above the CSRF middleware) answers such a
request with the 405 and `Allow` header the view itself would give. Views that take the method, and views exempt
from CSRF (the JSON API, which answers its own JSON 405), are left to the CSRF check and to themselves.

Function views (Django's syndication feeds and sitemaps) do not say which methods they take and answered every
method the CSRF check lets through, TRACE included, with the whole feed: `read_only` wraps them.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed

READ_METHODS = ("GET", "HEAD")


def read_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """`view` answering GET and HEAD; OPTIONS with its `Allow` header, as class-based views do; 405 otherwise."""
    allowed = (*READ_METHODS, "OPTIONS")

    @wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method in READ_METHODS:
            return view(request, *args, **kwargs)
        if request.method == "OPTIONS":
            response = HttpResponse()
            response["Allow"] = ", ".join(allowed)
            response["Content-Length"] = "0"
            return response
        return HttpResponseNotAllowed(allowed)

    answer.allowed_methods = allowed  # type: ignore[attr-defined]
    return answer


def view_methods(view_func: Callable[..., HttpResponseBase]) -> tuple[str, ...] | None:
    """The methods `view_func` answers, or None when it does not say (a plain function view)."""
    allowed = getattr(view_func, "allowed_methods", None)
    if allowed is not None:
        return tuple(allowed)
    view_class = getattr(view_func, "view_class", None)
    if view_class is None:
        return None
    # As View.dispatch decides: a method it names and has a handler for (HEAD falls back to get, View.setup).
    return tuple(
        name.upper()
        for name in view_class.http_method_names
        if hasattr(view_class, name) or (name == "head" and hasattr(view_class, "get"))
    )


class MethodNotAllowedMiddleware:
    """Just above CsrfViewMiddleware: 405 for a method the view does not answer, before the CSRF check's 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponseBase], view_args: tuple, view_kwargs: dict
    ) -> HttpResponseBase | None:
        if getattr(view_func, "csrf_exempt", False):
            return None
        allowed = view_methods(view_func)
        if allowed is None or request.method in allowed:
            return None
        view_class = getattr(view_func, "view_class", None)
        if view_class is not None:
            # The view's own answer (and log line), as if it had been dispatched.
            view = view_class(**getattr(view_func, "view_initkwargs", {}))
            view.setup(request, *view_args, **view_kwargs)
            return view.http_method_not_allowed(request, *view_args, **view_kwargs)
        return HttpResponseNotAllowed(allowed)
