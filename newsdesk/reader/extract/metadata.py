"""What a page says about itself (canonical URL, title, byline, dates, language, image, robots...),
read from <meta>/<link>, JSON-LD and a few well-known markup patterns. One pass over the head."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from newsdesk.reader.dedup.wire import detect_wire_credit
from newsdesk.reader.extract import jsonld, xpaths
from newsdesk.reader.extract.candidates import lowered_words
from newsdesk.reader.feeds.dates import parse_date
from newsdesk.reader.languages import normalise_language
from newsdesk.reader.urls import canonicalize_url, resolve_page_url

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|\u2013|—|::|·|•|»|/)\s+")
# Right after the page's own headline a separator needs no spaces around it: Chinese and Japanese titles write
# "标题-新华网" and "見出し\uff1a日本経済新聞" (a full-width colon); a headline does not go on with a dash or a
# bar glued to its last word.
_TIGHT_SEPARATOR = re.compile(r"\s*(?:\||-|_|\u2013|—|::|\uff1a|·|•|»|/)")
_LONG_HEADLINE_CHARS = 12  # a headline in a script written without spaces between words: length, not words
_BYLINE_PREFIX = re.compile(r"^\s*(?:by|von|par|por|di|de)\s*:?\s+", re.I)
_MONTHS = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?"
    r"|Nov(?:ember)?|Dec(?:ember)?"
)
# German, French and Spanish dates put the day first: "3. März 2026", "3 mars 2026", "3 de marzo de 2026".
_MONTHS_AFTER_DAY = (
    rf"{_MONTHS}|Januar|Februar|März|Juni|Juli|Oktober|Dezember|janvier|février|mars|avril|mai|juin|juillet|août"
    r"|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre"
    r"|noviembre|diciembre"
)
# A date ends the name even when the page glued it on ("By Jane DoeMarch 3, 2026"): no word boundary before it.
_BYLINE_DATE = (
    rf"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}\.?\s+(?:de\s+)?(?:{_MONTHS_AFTER_DAY})\.?,?\s+(?:de\s+)?\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}"
)
_BYLINE_NOISE = re.compile(
    rf"\s*(?:\||•|·|\bupdated\b|\bpublished\b|\bposted\b|\d{{1,2}}:\d{{2}}|\bon\s+\w+day\b|{_BYLINE_DATE}).*$", re.I
)
_SPACE = re.compile(r"[ \t\n\r\f\v]+")
# A no-break space between words of a title or a name is layout ("Joan\xa0Biskupic", "guns and\xa0drones"): a plain
# space, so the field compares and searches like any other. Kept where it is typography: inside a number ("6\xa0450"),
# before French ; : ! ? » and after «. Narrow no-break spaces (U+202F) are always typography and stay.
_LAYOUT_NBSP = re.compile(r"(?<![\d«\u2039])\xa0(?![;:!?»\u203a])|(?<=\d)\xa0(?![\d;:!?»\u203a])")
_MAX_BYLINE = 120
_OXFORD_AND = re.compile(r",\s+and\s+", re.I)
_HAS_TIME = re.compile(r"\d:\d\d|T\d")  # "2026-03-01" is a day; "2026-03-01T09:30" and "09:30" are times
_BYLINES = etree.XPath(xpaths.BYLINE_XPATH)
_ITEMPROP = etree.XPath("//@itemprop[.=$name]/..")  # by attribute, as xpaths.BYLINE_XPATH
MAX_NOTES = 10
_NOTE_URL_CHARS = 120


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
    robots_directives: str = ""  # the display directives we honour, see display_directives()
    categories: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # URLs of the page that were ignored, and why
    article_body: str = ""  # the JSON-LD article's articleBody, a body candidate


def read_metadata(document: etree._Element, *, url: str, headers: dict[str, str]) -> PageMetadata:
    """Collect page metadata; `headers` have lower-cased names."""
    meta = _meta_values(document)
    article = jsonld.find_article_object(document)
    notes: list[str] = []
    base = _base_url(document, url, notes)
    site_name = _first(meta, xpaths.SITE_NAME_META) or _site_name_from(article)
    meta_author = _first_person(meta.get("author", []) + meta.get("dc.creator", []) + meta.get("parsely-author", []))
    canonical = _canonical(document, meta, article, base, notes)
    image_url = _image(document, meta, article, base, notes)
    published_text = _date_text(jsonld.text_of(article.get("datePublished")), meta, xpaths.PUBLISHED_META)
    published = parse_date(published_text) if published_text else None
    if published is None:
        published_text = _time_element_text(document, "datePublished")
        published = parse_date(published_text) if published_text else None
    return PageMetadata(
        canonical_url=canonical,
        title=_title(document, meta, article, site_name, url, canonical),
        byline=strip_outlet(_byline(document, meta, article), site_name, url, canonical),
        meta_author=meta_author,
        published=published,
        published_is_date=published is not None and not _HAS_TIME.search(published_text),
        updated=parse_date(
            _date_text(jsonld.text_of(article.get("dateModified")), meta, xpaths.UPDATED_META)
            or _time_element_text(document, "dateModified")
        ),
        language=_language(document, meta, article, headers),
        description=_clean(_first(meta, xpaths.DESCRIPTION_META) or jsonld.text_of(article.get("description"))),
        image_url=image_url,
        site_name=_clean(site_name.lstrip("@")) if site_name else "",
        noarchive=_noarchive(meta, headers),
        robots_directives=display_directives(_robots_values(meta, headers)),
        categories=_categories(meta, article),
        notes=tuple(dict.fromkeys(notes))[:MAX_NOTES],
        article_body=jsonld.text_of(article.get("articleBody")),
    )


def _meta_values(document: etree._Element) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for el in document.iter("meta"):
        content = el.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                values.setdefault(key.strip().lower(), []).append(content.strip())
    return values


def _first(meta: dict[str, list[str]], keys: tuple[str, ...]) -> str:
    for key in keys:
        for value in meta.get(key, ()):
            if value:
                return value
    return ""


def _clean(value: str) -> str:
    return _SPACE.sub(" ", _LAYOUT_NBSP.sub(" ", value)).strip()


def _base_url(document: etree._Element, url: str, notes: list[str]) -> str:
    for base in document.iter("base"):
        # Only the first <base> counts (as in browsers); an unusable one leaves the page's own URL as the base.
        return _absolute(base.get("href") or "", url, notes, what="<base href>") or url
    return url


def _absolute(href: str, base: str, notes: list[str], *, what: str) -> str:
    """`href` resolved against `base` when it is a usable http(s) URL; otherwise "" and a note saying why."""
    if not (href or "").strip():
        return ""
    absolute, problem = resolve_page_url(href, base=base)
    if problem:
        notes.append(f"{what} ignored: {problem}: {_shown(href)}")
    return absolute


def _shown(href: str) -> str:
    """A refused URL as it may appear in a one-line note: printable, short."""
    text = repr(href.strip())[1:-1]
    return text if len(text) <= _NOTE_URL_CHARS else text[: _NOTE_URL_CHARS - 1] + "…"


def _canonical(
    document: etree._Element, meta: dict[str, list[str]], article: dict[str, Any], base: str, notes: list[str]
) -> str:
    """The first usable of <link rel=canonical>, og:url and the JSON-LD article's `url`."""
    candidates = [
        ("canonical link", link.get("href") or "")
        for link in document.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    candidates += [("og:url", value) for value in meta.get("og:url", ())]
    candidates.append(("JSON-LD url", jsonld.url_of(article.get("url"))))
    for what, href in candidates:
        absolute = _absolute(href, base, notes, what=what)
        if absolute:
            return canonicalize_url(absolute)
    return ""


def _title(
    document: etree._Element,
    meta: dict[str, list[str]],
    article: dict[str, Any],
    site_name: str,
    url: str,
    canonical: str,
) -> str:
    candidates = [_first(meta, xpaths.TITLE_META), jsonld.text_of(article.get("headline"))]
    title_el = document.find(".//title")
    if title_el is not None and title_el.text:
        candidates.append(title_el.text)
    h1 = document.find(".//h1")
    headline = _clean(h1.text_content()) if h1 is not None else ""
    candidates.append(headline)
    for candidate in candidates:
        cleaned = strip_site_name(_clean(candidate or ""), site_name, url, canonical)
        if cleaned:
            return _cut_at_headline(cleaned, headline)
    return ""


def _cut_at_headline(title: str, headline: str) -> str:
    """'Live: floods — updates' over an <h1> 'Live: floods' -> the <h1>: what follows the page's own headline
    after a separator is a label (section, format, site), whatever it says. A headline of fewer than three words
    counts only when it is a long one in a script written without spaces ('短缺药品保供稳价-新华网')."""
    if not headline or not title.startswith(headline):
        return title
    if len(headline.split()) >= 3:
        return headline if _TITLE_SEPARATORS.match(title, len(headline)) else title
    spaceless = len(headline) >= _LONG_HEADLINE_CHARS and not headline.isascii()
    return headline if spaceless and _TIGHT_SEPARATOR.match(title, len(headline)) else title


def strip_site_name(title: str, site_name: str, *urls: str) -> str:
    """'Headline | Site Name' -> 'Headline' (also ' - ', ' — ', ' :: '), when the cut part names the site."""
    cuts = list(_TITLE_SEPARATORS.finditer(title))
    if not cuts:
        return title
    names_site = _site_namer(site_name, urls)
    start, end = 0, len(title)
    while cuts and names_site(title[cuts[-1].end() : end]):
        end = cuts.pop().start()
    while cuts and names_site(title[start : cuts[0].start()]):
        start = cuts.pop(0).end()
    if cuts and cuts[-1].group(0).strip() == "|":
        tail = title[cuts[-1].end() : end]
        if len(tail.split()) <= 4 and len(title[start : cuts[-1].start()].split()) >= 3:
            end = cuts.pop().start()  # a short trailing "| Politics" is a section or site label
    return title[start:end].strip()


def strip_outlet(byline: str, site_name: str, *urls: str) -> str:
    """'Jane Doe, Max Roe, and Ann Poe, CNN' -> 'Jane Doe, Max Roe, Ann Poe': the outlet after the last comma is the
    site's own name, not an author's, and the list reads like every other byline list. A news agency stays even on its
    own site ("Jane Doe, Associated Press"): the wire credit is read from it."""
    names_site = _outlet_namer(site_name, urls)
    head, comma, last = byline.rpartition(",")
    # A loop: some sites print their name twice ("Jane Doe, CNN, CNN").
    while comma and head.strip() and names_site(last) and not detect_wire_credit("", last):
        byline = head.strip()
        head, comma, last = byline.rpartition(",")
    return _OXFORD_AND.sub(", ", byline)


def _outlet_namer(site_name: str, urls: tuple[str, ...]) -> Callable[[str], bool]:
    """A test of whether a byline's last part names the site: whole words of its declared name ("Verge" of "The
    Verge"), or whole labels of its host ("cnn.com", "theverge"). Whole words, not the titles' looser match
    (_site_namer): a byline's last part is often a given name ("Lee, Min"), and "min" is inside "Minneapolis"."""
    site_words = lowered_words(site_name)
    host_runs: set[str] = set()
    for url in urls:
        labels = (urlsplit(url).hostname or "").lower().removeprefix("www.").split(".") if url else []
        host_runs |= {"".join(labels[i:j]) for i in range(len(labels)) for j in range(i + 1, len(labels) + 1)}

    def names_site(part: str) -> bool:
        words = lowered_words(part)
        if not words:
            return False
        n = len(words)
        in_name = any(site_words[i : i + n] == words for i in range(len(site_words) - n + 1))
        return in_name or "".join(words) in host_runs - {""}

    return names_site


def _site_namer(site_name: str, urls: tuple[str, ...]) -> Callable[[str], bool]:
    """A test of whether a piece of text names the site: its declared name, or its host without the dots."""
    hosts = [(urlsplit(u).hostname or "").lower().removeprefix("www.").replace(".", "") for u in urls if u]
    site = site_name.lower().strip()

    def names_site(part: str) -> bool:
        low = part.lower().strip()
        compact = re.sub(r"[^a-z0-9]", "", low)
        return bool(low) and (
            low == site or (bool(site) and low in site) or (len(compact) > 2 and any(compact in h for h in hosts))
        )

    return names_site


def _byline(document: etree._Element, meta: dict[str, list[str]], article: dict[str, Any]) -> str:
    names = [n for n in jsonld.names_of(article.get("author")) if not n.startswith(("http://", "https://"))]
    if names:
        return clean_byline(", ".join(dict.fromkeys(names)))
    author = _first_person([v for key in xpaths.AUTHOR_META for v in meta.get(key, ())])
    if author:
        return clean_byline(author)
    for el in _BYLINES(document)[:5]:
        text = clean_byline(el.text_content() if hasattr(el, "text_content") else "".join(el.itertext()))
        if text:
            return text
    return ""


def _first_person(values: list[str]) -> str:
    for value in values:
        if value and not value.startswith(("http://", "https://")):
            return value
    return ""


def clean_byline(value: str) -> str:
    """'By Jane Doe | Updated 5:03 PM' -> 'Jane Doe'; empty when what is left does not look like a name."""
    value = _BYLINE_NOISE.sub("", _BYLINE_PREFIX.sub("", _clean(value))).strip(" ,;:-\u2013—")
    if not value or len(value) > _MAX_BYLINE or not any(ch.isalpha() for ch in value):
        return ""
    return value


def _date_text(jsonld_value: str, meta: dict[str, list[str]], keys: tuple[str, ...]) -> str:
    """The first of the JSON-LD value and the meta values that parses as a date ("" when none does)."""
    for value in (jsonld_value, *(v for key in keys for v in meta.get(key, ()))):
        if value and parse_date(value) is not None:
            return value
    return ""


def _time_element_text(document: etree._Element, itemprop: str) -> str:
    for el in _ITEMPROP(document, name=itemprop):
        value = el.get("datetime") or el.get("content") or ""
        if parse_date(value) is not None:
            return value
    if itemprop != "datePublished":
        return ""
    for el in document.iter("time"):
        value = el.get("datetime") or ""
        if parse_date(value) is not None:
            return value
    return ""


def _language(
    document: etree._Element, meta: dict[str, list[str]], article: dict[str, Any], headers: dict[str, str]
) -> str:
    root = document.getroottree().getroot()
    for value in (
        root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "",
        _first(meta, xpaths.LANGUAGE_META),
        jsonld.text_of(article.get("inLanguage")),
        headers.get("content-language", ""),
    ):
        code = normalise_language(value)
        if code:
            return code
    return ""


def _image(
    document: etree._Element, meta: dict[str, list[str]], article: dict[str, Any], base: str, notes: list[str]
) -> str:
    candidates = [(key, value) for key in xpaths.IMAGE_META for value in meta.get(key, ())]
    candidates.append(("JSON-LD image", jsonld.url_of(article.get("image"))))
    candidates += [
        ("image_src link", link.get("href") or "")
        for link in document.iter("link")
        if (link.get("rel") or "").lower() == "image_src"
    ]
    for what, href in candidates:
        absolute = _absolute(href, base, notes, what=what)
        if absolute:
            return absolute
    return ""


def _site_name_from(article: dict[str, Any]) -> str:
    names = jsonld.names_of(article.get("publisher"))
    return names[0] if names else ""


def _robots_values(meta: dict[str, list[str]], headers: dict[str, str]) -> list[str]:
    values = [v for key in ("robots", "googlebot", "bingbot", "newsdesk") for v in meta.get(key, ())]
    values.append(headers.get("x-robots-tag", ""))
    return values


# Directives that limit what we may show: tokens we keep, and max-snippet with its number.
_DISPLAY_FLAGS = ("noarchive", "nosnippet", "noimageindex")
_MAX_SNIPPET = re.compile(r"max-snippet\s*:\s*(-?\d+)")


def display_directives(values: list[str]) -> str:
    """The display-limiting robots directives in `values` (meta robots contents and X-Robots-Tag headers), as
    one normalised string: flags in a fixed order, then `max-snippet:N` (the smallest N when several disagree,
    -1 meaning no limit is left out). `none` counts as noarchive, as it does for `PageMetadata.noarchive`. Any
    agent's scope counts: a publisher that limits one crawler shows what it wants shown."""
    flags: set[str] = set()
    snippets: list[int] = []
    for value in values:
        lowered = value.lower()
        tokens = set(re.split(r"[\s,:]+", lowered))
        flags.update(flag for flag in _DISPLAY_FLAGS if flag in tokens)
        if "none" in tokens:
            flags.add("noarchive")
        snippets.extend(int(n) for n in _MAX_SNIPPET.findall(lowered) if int(n) >= 0)
    parts = [flag for flag in _DISPLAY_FLAGS if flag in flags]
    if snippets:
        parts.append(f"max-snippet:{min(snippets)}")
    return " ".join(parts)


def _noarchive(meta: dict[str, list[str]], headers: dict[str, str]) -> bool:
    directives = _robots_values(meta, headers)
    for value in directives:
        # X-Robots-Tag may carry a user-agent prefix ("googlebot: noarchive"); any agent counts.
        tokens = re.split(r"[\s,:]+", value.lower())
        if "noarchive" in tokens or "none" in tokens:
            return True
    return False


def _categories(meta: dict[str, list[str]], article: dict[str, Any]) -> tuple[str, ...]:
    values: list[str] = []
    for key in xpaths.CATEGORY_META:
        for value in meta.get(key, ()):
            values.extend(value.split(",") if key == "news_keywords" else [value])
    section = article.get("articleSection")
    values.extend(section if isinstance(section, list) else [section] if isinstance(section, str) else [])
    cleaned = (_clean(v) for v in values if isinstance(v, str))
    return tuple(dict.fromkeys(v for v in cleaned if v))[:20]
