"""/api/schema is valid OpenAPI 3.1 and describes every API route; /api/docs renders it."""

import pytest
from django.urls import get_resolver
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from newsdesk.api.docs import operations
from newsdesk.api.openapi import openapi_schema
from newsdesk.api.responses import RedirectApi


@pytest.mark.django_db
def test_api_schema_validates_as_openapi_3_1(client):
    response = client.get("/api/schema")
    schema = response.json()

    validate(schema)  # raises on any violation of the 3.1 meta-schema
    assert response.status_code == 200
    assert schema["openapi"] == "3.1.0"
    assert schema["servers"] == [{"url": "http://testserver"}]


def test_the_validator_would_catch_a_broken_schema():
    broken = openapi_schema(server_url="http://x")
    broken["paths"]["/api/articles"]["get"]["responses"] = "nothing"

    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_schema_describes_every_api_route():
    resolver = get_resolver("newsdesk.api.urls")
    routes = {
        "/api/" + str(pattern.pattern).replace("<str:article_id>", "{id}").replace("<str:story_id>", "{id}")
        for pattern in resolver.url_patterns
        # (its redirects lead to routes described here, and answer nothing themselves)
        if pattern.name not in (None, "not_found", "docs")
        and getattr(pattern.callback, "view_class", None) is not RedirectApi
    }

    assert routes == set(openapi_schema(server_url="http://x")["paths"])


@pytest.mark.django_db
def test_docs_page_lists_every_operation_with_its_parameters(client):
    response = client.get("/api/docs")
    page = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    for operation in operations(openapi_schema(server_url="http://testserver")):
        if operation.statuses == ["405"]:  # the refused writes: one sentence (below)
            continue
        assert f"{operation.method} {operation.path}" in page
    assert "<code>cursor</code>" in page
    assert "<code>offset</code> (deprecated)" in page
    assert "<code>If-None-Match</code>" in page
    assert 'href="/api/schema"' in page
    assert "<script" not in page


@pytest.mark.django_db
def test_docs_page_shows_the_descriptions_code_spans_as_code_and_no_backticks(client):
    page = client.get("/api/docs").content.decode()
    assert "follow <code>next</code> until it is null" in page
    assert "<code>elect*</code>" in page
    assert "<code>&quot;quoted words&quot;</code>" in page
    assert "`" not in page


@pytest.mark.django_db
def test_schema_lists_the_statuses_answered_before_the_view_and_the_refused_writes(client):
    schema = client.get("/api/schema").json()
    validate(schema)
    shared = schema["components"]["responses"]

    for item in schema["paths"].values():
        answers = item["get"]["responses"]
        # (a list's 400 is its bad parameter's, whose description names the bad host too)
        assert answers["400"]["$ref"] in ("#/components/responses/BadRequest", "#/components/responses/Error")
        assert answers["413"]["$ref"] == "#/components/responses/TooLarge"
        assert answers["503"]["$ref"] == "#/components/responses/Unavailable"
        for method in ("post", "put", "patch", "delete"):
            assert item[method]["responses"] == {"405": {"$ref": "#/components/responses/MethodNotAllowed"}}
    assert "Retry-After" in shared["Unavailable"]["headers"]
    assert "Allow" in shared["MethodNotAllowed"]["headers"]
    for name in ("BadRequest", "TooLarge", "Unavailable", "MethodNotAllowed"):
        assert shared[name]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


@pytest.mark.django_db
def test_a_write_answers_the_405_the_schema_describes(client):
    response = client.put("/api/articles/1", data="{}", content_type="application/json")

    assert response.status_code == 405
    assert set(response.json()) == {"error"}
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.django_db
def test_docs_page_tells_the_refused_writes_once(client):
    page = client.get("/api/docs").content.decode()

    assert "POST, PUT, PATCH, DELETE on any of its addresses answer 405" in page
    assert "<code>POST /api/articles</code>" not in page
    assert "413 (more parameters than it" in page
    assert "503 (the database away" in page
