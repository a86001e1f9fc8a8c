"""schema.org JSON-LD blocks: find the article object and read the fields publishers actually fill."""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

_ARTICLE_TYPES = (
    "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle", "BackgroundNewsArticle",
    "Article", "BlogPosting", "LiveBlogPosting", "Report", "ScholarlyArticle", "TechArticle", "SocialMediaPosting",
)  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_OBJECTS = 200


def find_article_object(document: etree._Element) -> dict[str, Any]:
    """The most article-like JSON-LD object on the page ({} when there is none)."""
    best: dict[str, Any] = {}
    best_rank = len(_ARTICLE_TYPES) + 1
    for obj in _objects(document):
        types = obj.get("@type")
        names = types if isinstance(types, list) else [types]
        for name in names:
            if isinstance(name, str) and name in _ARTICLE_TYPES:
                rank = _ARTICLE_TYPES.index(name)
                if rank < best_rank:
                    best, best_rank = obj, rank
        if not best and names and ("WebPage" in names or "headline" in obj):
            best = obj
    return best


def _objects(document: etree._Element) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in document.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        data = _load(script.text)
        stack = [data]
        while stack and len(found) < _MAX_OBJECTS:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return found


def _load(text: str) -> Any:
    text = text.strip()
    if text.startswith("<!--"):
        text = text[4:]
    if text.endswith("-->"):
        text = text[:-3]
    if text.startswith("//<![CDATA["):
        text = text[11:].rstrip("/]> \n")
    try:
        return json.loads(_CONTROL.sub(" ", text))
    except (ValueError, RecursionError):
        return None


def names_of(value: Any) -> list[str]:
    """Person/Organization names from a string, an object with "name", or a list of either."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str) and name.strip():
            return [name.strip()]
        return []
    if isinstance(value, list):
        return [name for item in value[:10] for name in names_of(item)]
    return []


def url_of(value: Any) -> str:
    """An image/url field as a string: plain string, {"url": ...}, {"@id": ...} or the first of a list."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        for key in ("url", "contentUrl", "@id"):
            if isinstance(value.get(key), str):
                return value[key].strip()
        return ""
    if isinstance(value, list):
        for item in value:
            url = url_of(item)
            if url:
                return url
    return ""


def text_of(value: Any) -> str:
    """A text field that may be a string, a list of strings or a number."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return ", ".join(text_of(item) for item in value if text_of(item))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""
