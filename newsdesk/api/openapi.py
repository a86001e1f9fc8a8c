"""The OpenAPI 3.1 description of the JSON API, served at /api/schema and rendered at /api/docs.

Hand-built from the shapes in schemas.py and stories.py (no generator is pinned); tests validate it with
openapi-spec-validator and check that every route under /api/ is described, so it cannot drift silently.
"""

from typing import Any

from newsdesk.api.articles import MAX_OFFSET
from newsdesk.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from newsdesk.api.stories import MAX_OFFSET as MAX_STORY_OFFSET
from newsdesk.articles.filters import QUERY_MAX_CHARS, SEARCH_ORDERS
from newsdesk.articles.search import SEARCH_CANDIDATES
from newsdesk.common.health import RETRY_AFTER_S

_NULLABLE_STRING = {"type": ["string", "null"]}
_DATE_TIME = {"type": "string", "format": "date-time"}
_ERROR = {
    "description": "A bad parameter; `error` says which and why (or a host not allowed, as BadRequest)",
    "$ref": "#/components/responses/Error",
}
# What any operation may answer before its view runs: the request refused as a whole, or the database away.
_REFUSED_BEFORE_THE_VIEW = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "413": {"$ref": "#/components/responses/TooLarge"},
    "503": {"$ref": "#/components/responses/Unavailable"},
}
# The API is read-only: these methods are answered, with a 405 and `Allow`, on every path.
WRITE_METHODS = ("post", "put", "patch", "delete")
_WRITE_REFUSED = {
    "summary": "Refused: the API is read-only",
    "responses": {"405": {"$ref": "#/components/responses/MethodNotAllowed"}},
}


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _page_params(max_offset: int) -> list[dict[str, Any]]:
    return [
        _param("limit", "Items per page", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20}),
        _param(
            "cursor",
            "Opaque position from a previous page's `next` link; the next page starts strictly after it, so items "
            "added meanwhile never shift or repeat a page",
            {"type": "string", "maxLength": 512},
        ),
        {
            **_param("offset", "Deprecated: use `cursor`. Items to skip", {"type": "integer", "minimum": 0}),
            "deprecated": True,
            "schema": {"type": "integer", "minimum": 0, "maximum": max_offset},
        },
        _param(
            "lang",
            "Only items in this language (primary subtag of a BCP 47 code: `pt-BR` means `pt`, and `eng` means `en`, "
            "its shortest form); a code that names no "
            "language (`xx`, `und`, `mul`, `zxx`, `qaa`) is a 400, a language with no items an empty list",
            {"type": "string"},
        ),
    ]


def _list_of(item_ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "limit", "offset", "next"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": item_ref}},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "next": {**_NULLABLE_STRING, "format": "uri", "description": "The next page (a cursor link), or null"},
        },
    }


def _ok(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
        "content": {"application/json": {"schema": {"$ref": schema_ref}}},
    }


def _get(summary: str, operation_id: str, parameters: list, responses: dict[str, Any]) -> dict[str, Any]:
    """A path's GET, answering `responses` and those of any request (304, refused ones), and its refused writes."""
    path_parameters = [param for param in parameters if param.get("in") == "path"]
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": [*parameters, {"$ref": "#/components/parameters/IfNoneMatch"}],
            "responses": {
                **_REFUSED_BEFORE_THE_VIEW,
                **responses,
                "304": {"description": "Not modified: the `If-None-Match` ETag still holds"},
            },
        },
        # (a path parameter is declared by each operation of its path, these too)
        **{method: {**_WRITE_REFUSED, "parameters": path_parameters} for method in WRITE_METHODS},
    }


def _error_response(description: str, **headers: str) -> dict[str, Any]:
    """A shared response: `{"error": ...}` with this status's meaning, and the headers it carries."""
    return {
        "description": description,
        "headers": {name: {"$ref": f"#/components/headers/{ref}"} for name, ref in headers.items()},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
_NOT_FOUND = {"$ref": "#/components/responses/Error", "description": "No such item"}
_GONE = {"$ref": "#/components/responses/Error", "description": "Removed after a takedown notice (for good)"}

ARTICLE = {
    "type": "object",
    "required": ["id", "url", "title", "publisher", "original_url", "language", "display_policy"],
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string", "format": "uri", "description": "Our page for the article"},
        "title": {"type": "string"},
        "publisher": {
            "type": "object",
            "properties": {name: {"type": "string"} for name in ("name", "slug", "homepage", "country")},
        },
        "original_url": {"type": "string", "format": "uri", "description": "The publisher's page: credit it"},
        "original_title": {"type": "string"},
        "wire_credit": {"type": "string"},
        "published_at": {**_NULLABLE_STRING, "format": "date-time"},
        "fetched_at": _DATE_TIME,
        "language": {"type": "string"},
        "category": {
            "type": ["object", "null"],
            "properties": {"name": {"type": "string"}, "slug": {"type": "string"}},
        },
        "byline": {"type": "string"},
        "display_policy": {
            "type": "string",
            "enum": ["full", "excerpt", "headline"],
            "description": "What the publisher allows: body fields appear only as far as it does",
        },
        "image_url": {
            "type": "string",
            "description": "Our copy of the lead image, or empty (absent under `headline`)",
        },
        "thumbnail_url": {"type": "string", "description": "The same image at card size (16:9), or empty"},
        "body_html": {"type": "string", "description": "Sanitized HTML (`full` only)"},
        "body_text": {"type": "string", "description": "`full` only"},
        "excerpt": {"type": "string", "description": "Instead of the body when the policy allows less"},
    },
}

ARTICLE_DETAIL = {
    "allOf": [
        {"$ref": "#/components/schemas/Article"},
        {
            "type": "object",
            "properties": {
                "story": {
                    "type": ["object", "null"],
                    "description": "The story the article is part of (its page lists every outlet)",
                    "properties": {"id": {"type": "integer"}, "url": {"type": "string", "format": "uri"}},
                },
                "primary_source": {
                    "type": "boolean",
                    "description": "The original of a wire text other outlets printed",
                },
                "primary_source_url": {
                    **_NULLABLE_STRING,
                    "format": "uri",
                    "description": "When the article is a copy of a wire text: our page for its primary source",
                },
                "also_carried_by": {
                    "type": "array",
                    "items": {"type": "string", "format": "uri"},
                    "description": "Our pages for the other outlets' copies of the same wire text",
                },
            },
        },
    ]
}

STORY = {
    "type": "object",
    "required": ["id", "url", "reader_url", "headline", "language", "outlet_count", "article_count"],
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string", "format": "uri", "description": "The story's page: its identity, whatever `lang`."},
        "reader_url": {
            "type": "string",
            "format": "uri",
            "description": "The story's page as this item tells it: with `?lang=` when `lang` was asked for and the "
            "story is told by its report in that language (as the site's cards and the feeds link it), else `url`.",
        },
        "headline": {"type": "string"},
        "language": {"type": "string"},
        "languages": {"type": "array", "items": {"type": "string"}},
        "outlet_count": {"type": "integer"},
        "article_count": {
            "type": "integer",
            "description": "The story's articles readers are shown (those of blocked or inactive publishers left out).",
        },
        "summary": {"type": "string"},
        "image_url": {"type": "string"},
        "thumbnail_url": {"type": "string"},
        "first_seen": _DATE_TIME,
        "last_seen": _DATE_TIME,
        "closed": {"type": "boolean"},
        "told_by": {
            "type": ["object", "null"],
            "description": "The report whose headline and summary this item carries (credit it): our page of it, "
            "its publisher, its original and its wire credit.",
            "properties": {
                "url": {"type": "string", "format": "uri"},
                "publisher": {"type": "string"},
                "original_url": {"type": "string"},
                "wire_credit": {"type": "string"},
            },
        },
    },
}

STORY_DETAIL = {
    "allOf": [
        {"$ref": "#/components/schemas/Story"},
        {
            "type": "object",
            "properties": {
                "outlets": {"type": "array", "items": {"type": "string"}},
                "articles": {
                    "type": "array",
                    "description": "The story's reports, as its page lists them: each wire text once (its primary "
                    "source, or the copy standing in for it) with the other outlets' copies in `also_carried_by`; "
                    "so fewer items than `article_count`, which counts every copy too.",
                    "items": {
                        "allOf": [
                            {"$ref": "#/components/schemas/Article"},
                            {
                                "type": "object",
                                "properties": {
                                    "primary_source": {"type": "boolean"},
                                    "also_carried_by": {
                                        "type": "array",
                                        "items": {"type": "string", "format": "uri"},
                                        "description": "Our pages for the other outlets' copies of this text",
                                    },
                                },
                            },
                        ]
                    },
                },
            },
        },
    ]
}

ARTICLE_FILTERS = [
    _param("publisher", "Only this publisher's articles (its slug)", {"type": "string"}),
    _param("category", "Only articles of this category (its slug)", {"type": "string"}),
    _param(
        "since",
        "Published at or after (ISO 8601 date or date-time; UTC unless an offset is given)",
        {"type": "string"},
    ),
    _param("until", "Published before (ISO 8601 date or date-time)", {"type": "string"}),
]

ARTICLE_SEARCH = [
    _param(
        "q",
        "Search: only articles matching these words (the site search's syntax: inflected forms match, "
        '`"quoted words"` are a phrase, `elect*` a prefix; longer input is cut between words), in `order`, '
        f"with the other filters. A search ranks its {SEARCH_CANDIDATES:,} most recently stored matches, so its list "
        "ends there; its `next` cursor is a position in that ranking (articles stored meanwhile can shift it), and "
        "a cursor of a list without `q` is refused with it, and the other way round. Blank: no search",
        {"type": "string", "maxLength": QUERY_MAX_CHARS},
    ),
    _param(
        "order",
        "With `q`: `relevance` (best match first) or `date` (newest first); ignored without `q`",
        {"type": "string", "enum": list(SEARCH_ORDERS), "default": "relevance"},
    ),
]


def openapi_schema(*, server_url: str) -> dict[str, Any]:
    """The API's OpenAPI 3.1 document, its server at `server_url` (the origin clients should call)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "newsdesk API",
            "version": "1",
            "description": (
                "Read-only JSON API of articles (each credited to its publisher, text as far as its display "
                "policy allows) and stories. Lists page with opaque cursors: follow `next` until it is null. "
                f'`limit` defaults to {DEFAULT_LIMIT}. Errors are `{{"error": "..."}}` with a 4xx status. '
                "Query parameters the API does not know are ignored (a misspelt filter filters nothing): "
                "check a list's parameters here. `page` (the site's paging parameter) is refused with a 400: "
                "it would give the first page again and again."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/articles": _get(
                "Visible articles, newest first (with `q`: the search's results, in its `order`); each wire text once "
                "(its primary source) unless `publisher` is given",
                "listArticles",
                [*_page_params(MAX_OFFSET), *ARTICLE_FILTERS, *ARTICLE_SEARCH],
                {"200": _ok("#/components/schemas/ArticleList", "A page of articles"), "400": _ERROR},
            ),
            "/api/articles/{id}": _get(
                "One article",
                "getArticle",
                [_ID],
                {
                    "200": _ok("#/components/schemas/ArticleDetail", "The article, its story and wire copies"),
                    "404": _NOT_FOUND,
                    "410": _GONE,
                },
            ),
            "/api/stories": _get(
                "Top stories, ranked by coverage and freshness",
                "listStories",
                _page_params(MAX_STORY_OFFSET),
                {"200": _ok("#/components/schemas/StoryList", "A page of stories"), "400": _ERROR},
            ),
            "/api/stories/{id}": _get(
                "One story with its outlets and articles",
                "getStory",
                [
                    _ID,
                    _param(
                        "lang",
                        "Tell the story by its report in this language (headline, summary, image, language), when "
                        "it has one and is not led in it already",
                        {"type": "string"},
                    ),
                ],
                {
                    "200": _ok("#/components/schemas/StoryDetail", "The story"),
                    "301": {
                        "description": "A story merged into another: `Location` is the story it became (query kept)",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                    },
                    "400": _ERROR,
                    "404": _NOT_FOUND,
                    "410": {
                        "$ref": "#/components/responses/Error",
                        "description": "A merged-away story whose successor was removed since (a takedown)",
                    },
                },
            ),
            "/api/schema": _get(
                "This document",
                "getSchema",
                [],
                {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
            ),
        },
        "components": {
            "schemas": {
                "Article": ARTICLE,
                "ArticleList": _list_of("#/components/schemas/Article"),
                "ArticleDetail": ARTICLE_DETAIL,
                "Story": STORY,
                "StoryList": _list_of("#/components/schemas/Story"),
                "StoryDetail": STORY_DETAIL,
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            },
            "responses": {
                "Error": _error_response("An error"),
                "BadRequest": _error_response(
                    "A request refused before it is read: a `Host` this server does not answer for (the error "
                    "names nothing of it)"
                ),
                "TooLarge": _error_response(
                    "More query parameters or body than the server reads; `error` says how much it reads"
                ),
                "Unavailable": _error_response(
                    "The database is unavailable: try again after `Retry-After` seconds",
                    **{"Retry-After": "RetryAfter"},
                ),
                "MethodNotAllowed": _error_response(
                    "The API is read-only: `Allow` lists the methods it answers", Allow="Allow"
                ),
            },
            "parameters": {
                "IfNoneMatch": {
                    "name": "If-None-Match",
                    "in": "header",
                    "required": False,
                    "description": "An ETag from an earlier response: 304 when unchanged",
                    "schema": {"type": "string"},
                }
            },
            "headers": {
                "ETag": {"description": "Validator of this body", "schema": {"type": "string"}},
                "RetryAfter": {
                    "description": f"Seconds to wait before trying again ({RETRY_AFTER_S})",
                    "schema": {"type": "integer"},
                },
                "Allow": {"description": "The methods answered: GET, HEAD, OPTIONS", "schema": {"type": "string"}},
            },
        },
    }
