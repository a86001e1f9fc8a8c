"""What of an article each display policy lets us show. One place, so every surface agrees."""

from dataclasses import dataclass

from newsdesk.sources.models import Publisher

EXCERPT_CHARS = 400


@dataclass(frozen=True)
class VisibleBody:
    html: str  # sanitized HTML we may render ("" when nothing may be shown)
    text: str  # the same as plain text
    is_full: bool


def effective_policy(*, publisher_policy: str, noarchive: bool) -> str:
    """The publisher's policy, tightened to excerpt when the page asked for noarchive."""
    if noarchive and publisher_policy == Publisher.DisplayPolicy.FULL:
        return Publisher.DisplayPolicy.EXCERPT
    return publisher_policy


def excerpt_of(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first `limit` characters, cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def visible_body(article) -> VisibleBody:
    """The body an article may show on any surface (page, feed, API)."""
    policy = effective_policy(publisher_policy=article.publisher.display_policy, noarchive=article.noarchive)
    if policy == Publisher.DisplayPolicy.FULL:
        return VisibleBody(html=article.body_html, text=article.body_text, is_full=True)
    if policy == Publisher.DisplayPolicy.EXCERPT:
        text = excerpt_of(article.summary or article.body_text)
        return VisibleBody(html="", text=text, is_full=False)
    return VisibleBody(html="", text="", is_full=False)


def searchable_text(*, policy: str, summary: str, body_text: str) -> str:
    """Text the search index may hold under `policy` (already tightened by effective_policy)."""
    if policy == Publisher.DisplayPolicy.FULL:
        return body_text
    if policy == Publisher.DisplayPolicy.EXCERPT:
        return excerpt_of(summary or body_text)
    return ""
