"""GET /api/schema (the OpenAPI 3.1 document) and GET /api/docs (the same, as a server-rendered page)."""

import re
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsdesk.api.openapi import openapi_schema
from newsdesk.api.responses import JsonApiView, json_ok
from newsdesk.common.site_url import site_url_for


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    parameters: list[dict[str, Any]]
    statuses: list[str]


# A CommonMark code span of an OpenAPI description: `next`, `"quoted words"`.
CODE_SPAN = re.compile(r"`([^`]+)`")


def code_spans(text: str) -> SafeString:
    """`text` as HTML, its code spans as <code> (the page showed the backticks of `next`, `limit` …)."""
    return mark_safe(CODE_SPAN.sub(r"<code>\1</code>", escape(text)))  # the text is escaped first


def operations(schema: dict[str, Any]) -> list[Operation]:
    """Every operation of `schema`, in document order, with its parameters' references resolved."""
    shared = schema["components"]["parameters"]
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            parameters = [
                shared[param["$ref"].rsplit("/", 1)[1]] if "$ref" in param else param
                for param in operation.get("parameters", [])
            ]
            found.append(
                Operation(method.upper(), path, operation["summary"], parameters, list(operation["responses"]))
            )
    return found


class ApiSchemaApi(JsonApiView):
    def get(self, request: HttpRequest) -> JsonResponse:
        return json_ok(openapi_schema(server_url=site_url_for(request)))


class ApiDocsView(JsonApiView):
    def get(self, request: HttpRequest) -> HttpResponse:
        schema = openapi_schema(server_url=site_url_for(request))
        # The descriptions are CommonMark (OpenAPI's); the page shows their code spans as code.
        info = {**schema["info"], "description": code_spans(schema["info"]["description"])}
        shown = [
            Operation(
                op.method,
                op.path,
                code_spans(op.summary),
                [{**param, "description": code_spans(param.get("description", ""))} for param in op.parameters],
                op.statuses,
            )
            for op in operations(schema)
            if op.statuses != ["405"]
        ]
        # The refused writes of every path are one sentence, not an entry per path and method.
        refused = list(dict.fromkeys(op.method for op in operations(schema) if op.statuses == ["405"]))
        context = {
            "info": info,
            "operations": shown,
            "refused_methods": refused,
            "server_url": schema["servers"][0]["url"],
        }
        return render(request, "api/docs.html", context)
