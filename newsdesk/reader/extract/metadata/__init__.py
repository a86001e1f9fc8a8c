"""What a page says about itself (canonical URL, title, byline, dates, language, image, robots...),
read from <meta>/<link>, JSON-LD and a few well-known markup patterns. One pass over the head.

Each field has its module: titles, bylines, dates, links (base, canonical and image URLs) and robots; fields holds
what they share. `read_metadata` puts them together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from newsdesk.reader.extract import jsonld, xpaths
from newsdesk.reader.extract.metadata.bylines import first_person, read_byline, strip_outlet
from newsdesk.reader.extract.metadata.dates import read_published, read_updated
from newsdesk.reader.extract.metadata.fields import MetaValues, clean_field, first_meta, meta_values
from newsdesk.reader.extract.metadata.links import read_base_url, read_canonical_url, read_image_url
from newsdesk.reader.extract.metadata.robots import display_directives, is_noarchive, robots_values
from newsdesk.reader.extract.metadata.titles import read_title
from newsdesk.reader.languages import normalise_language

MAX_NOTES = 10


@dataclass(frozen=True)
class PageMetadata:
    canonical_url: str = ""
    title: str = ""
    byline: str = ""
    meta_author: str = ""
    published: datetime | None = None
    published_is_date: bool = False  # the page gave a day, no time
    updated: datetime | None = None
    language: str = ""
    description: str = ""
    image_url: str = ""
    site_name: str = ""
    noarchive: bool = False
    robots_directives: str = ""  # the display directives we honour, see robots.display_directives()
    categories: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # URLs of the page that were ignored, and why
    article_body: str = ""  # the JSON-LD article's articleBody, a body candidate


def read_metadata(document: etree._Element, *, url: str, headers: dict[str, str]) -> PageMetadata:
    """Collect page metadata; `headers` have lower-cased names."""
    meta = meta_values(document)
    article = jsonld.find_article_object(document)
    notes: list[str] = []
    base = read_base_url(document, url, notes)
    site_name = first_meta(meta, xpaths.SITE_NAME_META) or _site_name_from(article)
    meta_author = first_person(meta.get("author", []) + meta.get("dc.creator", []) + meta.get("parsely-author", []))
    canonical = read_canonical_url(document, meta, article, base, notes)
    image_url = read_image_url(document, meta, article, base, notes)
    published, published_is_date = read_published(document, meta, article)
    robots = robots_values(meta, headers)
    return PageMetadata(
        canonical_url=canonical,
        title=read_title(document, meta, article, site_name, url, canonical),
        byline=strip_outlet(read_byline(document, meta, article), site_name, url, canonical),
        meta_author=meta_author,
        published=published,
        published_is_date=published_is_date,
        updated=read_updated(document, meta, article),
        language=_language(document, meta, article, headers),
        description=clean_field(
            first_meta(meta, xpaths.DESCRIPTION_META) or jsonld.text_of(article.get("description"))
        ),
        image_url=image_url,
        site_name=clean_field(site_name.lstrip("@")) if site_name else "",
        noarchive=is_noarchive(robots),
        robots_directives=display_directives(robots),
        categories=_categories(meta, article),
        notes=tuple(dict.fromkeys(notes))[:MAX_NOTES],
        article_body=jsonld.text_of(article.get("articleBody")),
    )


def _language(document: etree._Element, meta: MetaValues, article: dict[str, Any], headers: dict[str, str]) -> str:
    root = document.getroottree().getroot()
    for value in (
        root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "",
        first_meta(meta, xpaths.LANGUAGE_META),
        jsonld.text_of(article.get("inLanguage")),
        headers.get("content-language", ""),
    ):
        code = normalise_language(value)
        if code:
            return code
    return ""


def _site_name_from(article: dict[str, Any]) -> str:
    names = jsonld.names_of(article.get("publisher"))
    return names[0] if names else ""


def _categories(meta: MetaValues, article: dict[str, Any]) -> tuple[str, ...]:
    values: list[str] = []
    for key in xpaths.CATEGORY_META:
        for value in meta.get(key, ()):
            values.extend(value.split(",") if key == "news_keywords" else [value])
    section = article.get("articleSection")
    values.extend(section if isinstance(section, list) else [section] if isinstance(section, str) else [])
    cleaned = (clean_field(v) for v in values if isinstance(v, str))
    return tuple(dict.fromkeys(v for v in cleaned if v))[:20]
