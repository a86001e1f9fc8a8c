"""What is stored of an article: the page's extraction merged with its feed entry, the page winning where it has a
value."""

import hashlib

from newsdesk.articles.policy import ROBOTS_TXT_DISALLOW, display_rule, searchable_text
from newsdesk.articles.search import article_stems
from newsdesk.articles.services.classify import category_for
from newsdesk.reader.dedup.wire import detect_wire_credit
from newsdesk.reader.extract.language import identify_language
from newsdesk.reader.extract.sanitize import html_to_text, sanitize_html
from newsdesk.reader.types import ExtractedArticle, ParsedEntry
from newsdesk.reader.urls import is_publishable_url
from newsdesk.sources.models import Publisher

TITLE_MAX = 500


def content_hash_of(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def _feed_wire_credit(page: ExtractedArticle, entry: ParsedEntry, body_text: str) -> str:
    if page.body_html:
        return ""
    return detect_wire_credit(body_text, byline=entry.author)


def article_fields(
    *,
    publisher: Publisher,
    entry: ParsedEntry,
    extracted: ExtractedArticle | None,
    original_url: str,
    allow_loopback: bool,
    robots_disallowed: bool = False,
) -> dict:
    """Merge page extraction with the feed entry: the page wins where it has a value, the feed fills gaps."""
    page = extracted or ExtractedArticle(url=original_url)
    if page.body_html:
        body_html = page.body_html
        body_text = page.body_text or html_to_text(page.body_html)
    else:
        # No page (robots-disallowed or fetch failed): the feed's own content is the fallback.
        body_html = sanitize_html(
            entry.content_html or entry.summary, base_url=original_url, allow_loopback=allow_loopback
        )
        body_text = html_to_text(body_html)
    summary = page.description or html_to_text(
        sanitize_html(entry.summary, base_url=original_url, allow_loopback=allow_loopback)
    )
    # An image we would not fetch ourselves (private, link-local, internal) is not one we show either.
    image_url = next(
        (
            url
            for url in (page.image_url, entry.image_url)
            if url and is_publishable_url(url, allow_loopback=allow_loopback)
        ),
        "",
    )
    original_title = (entry.title or page.title or original_url)[:TITLE_MAX]
    noarchive = page.noarchive
    directives = " ".join(filter(None, [page.robots_directives, ROBOTS_TXT_DISALLOW if robots_disallowed else ""]))
    rule = display_rule(
        publisher_policy=publisher.display_policy,
        excerpt_words=publisher.excerpt_words,
        noarchive=noarchive,
        directives=directives,
    )
    title = (page.title or entry.title or original_url)[:TITLE_MAX]
    # What the text says beats what the page, feed or publisher declares (a declared code is only a hint).
    language = identify_language(
        f"{page.title or entry.title}\n{summary}\n{body_text}",
        hints=(page.language, entry.language, publisher.language),
    )
    search_text = searchable_text(rule=rule, summary=summary, body_text=body_text)
    return {
        "title": title,
        "original_title": original_title,
        "byline": (page.byline or entry.author)[:300],
        "published_at": page.published or entry.published,
        "language": language,
        "summary": summary,
        "body_html": body_html,
        "body_text": body_text,
        "image_url": image_url[:2000],
        # Without a page (robots said no, or it was unreadable) the feed's text may still carry the credit line.
        "wire_credit": (page.wire_credit or _feed_wire_credit(page, entry, body_text))[:100],
        "noarchive": noarchive,
        "robots_directives": directives[:200],
        "search_text": search_text,
        "search_stems": article_stems(title=title, search_text=search_text, language=language),
        "content_hash": content_hash_of(body_text or original_title),
        "category": category_for(
            tuple(entry.categories) + tuple(page.categories),
            text=f"{title}\n{summary}\n{body_text}",
            language=language,
        ),
    }
