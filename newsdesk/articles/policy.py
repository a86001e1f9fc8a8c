"""What of an article each display policy lets us show. One place, so every surface agrees.

The operator sets a publisher's policy (full text, an excerpt of N words, headline only, or blocked); the
publisher's own signals on each page can only tighten it, never loosen it:

| signal (robots meta, X-Robots-Tag, robots.txt)   | effect                                        |
| ------------------------------------------------ | --------------------------------------------- |
| `noarchive` (or `none`)                          | at most an excerpt                            |
| our agent may not fetch the page (robots.txt)    | at most an excerpt (of what the feed gave us) |
| `max-snippet:N`                                  | at most an excerpt, and no more than N chars  |
| `nosnippet`, `max-snippet:0`                     | headline only                                 |
| `noimageindex`                                   | no image                                      |

Pages, feeds, the API, search (the index holds only `searchable_text`), the sitemap and the OpenGraph/JSON-LD
tags all go through `article_rule`, so a change of policy changes every surface at once.
"""

from dataclasses import dataclass

import nh3

from newsdesk.sources.models import Publisher

EXCERPT_CHARS = 400
DEFAULT_EXCERPT_WORDS = 60
# The excerpt lengths an operator may set (words): publisher_policy_set refuses others, the admin's form says so.
EXCERPT_WORDS_MIN, EXCERPT_WORDS_MAX = 1, 1000
# Directive Article.robots_directives carries when robots.txt kept us off the page (not a robots meta token).
ROBOTS_TXT_DISALLOW = "robots-txt-disallow"

_IMAGE_TAGS = {"img", "picture", "source", "svg", "figure"}
_STRICTNESS = [
    Publisher.DisplayPolicy.FULL,
    Publisher.DisplayPolicy.EXCERPT,
    Publisher.DisplayPolicy.HEADLINE,
    Publisher.DisplayPolicy.BLOCKED,
]


@dataclass(frozen=True)
class DisplayRule:
    """What one article may show: `mode` is a Publisher.DisplayPolicy value."""

    mode: str
    excerpt_words: int = DEFAULT_EXCERPT_WORDS
    snippet_chars: int | None = None  # max-snippet:N; None for no limit
    show_image: bool = True

    @property
    def is_listed(self) -> bool:
        """Whether the article appears at all (blocked publishers' articles appear nowhere)."""
        return self.mode != Publisher.DisplayPolicy.BLOCKED

    @property
    def shows_text(self) -> bool:
        return self.mode in (Publisher.DisplayPolicy.FULL, Publisher.DisplayPolicy.EXCERPT)


@dataclass(frozen=True)
class VisibleBody:
    html: str  # sanitized HTML we may render ("" when nothing may be shown)
    text: str  # the same as plain text
    is_full: bool


def parse_directives(directives: str) -> tuple[frozenset[str], int | None]:
    """(flags, max-snippet) of a stored `robots_directives` string such as "noarchive max-snippet:50"."""
    flags: set[str] = set()
    snippet: int | None = None
    for token in directives.split():
        name, _, value = token.partition(":")
        if name == "max-snippet" and value.lstrip("-").isdigit():
            number = int(value)
            if number >= 0:
                snippet = number if snippet is None else min(snippet, number)
        elif not value:
            flags.add(name)
    return frozenset(flags), snippet


def _tighter(mode: str, at_least: str) -> str:
    return mode if _STRICTNESS.index(mode) >= _STRICTNESS.index(at_least) else at_least


def policy_shows_less(*, before: tuple[str, int], after: tuple[str, int]) -> bool:
    """Whether going from one (display policy, excerpt words) of a publisher to another may hide text that was shown:
    a stricter policy, or a shorter excerpt where one may be shown (a noarchive page under "full" shows one too)."""
    (old_mode, old_words), (new_mode, new_words) = before, after
    if new_mode not in _STRICTNESS or old_mode not in _STRICTNESS:
        return True
    if _STRICTNESS.index(new_mode) != _STRICTNESS.index(old_mode):
        return _STRICTNESS.index(new_mode) > _STRICTNESS.index(old_mode)
    return new_mode in (Publisher.DisplayPolicy.FULL, Publisher.DisplayPolicy.EXCERPT) and new_words < old_words


def display_rule(
    *,
    publisher_policy: str,
    excerpt_words: int = DEFAULT_EXCERPT_WORDS,
    noarchive: bool = False,
    directives: str = "",
) -> DisplayRule:
    """The rule for an article: the publisher's policy, tightened by what its page said (see the table above)."""
    mode = publisher_policy if publisher_policy in _STRICTNESS else Publisher.DisplayPolicy.HEADLINE
    flags, snippet = parse_directives(directives)
    if noarchive or "noarchive" in flags or ROBOTS_TXT_DISALLOW in flags or snippet is not None:
        mode = _tighter(mode, Publisher.DisplayPolicy.EXCERPT)
    if "nosnippet" in flags or snippet == 0:
        mode = _tighter(mode, Publisher.DisplayPolicy.HEADLINE)
    shows_text = mode in (Publisher.DisplayPolicy.FULL, Publisher.DisplayPolicy.EXCERPT)
    return DisplayRule(
        mode=mode,
        excerpt_words=max(1, excerpt_words),
        snippet_chars=snippet,
        show_image=shows_text and "noimageindex" not in flags,
    )


def article_rule(article) -> DisplayRule:
    """The rule for a stored article (its publisher joined)."""
    publisher = article.publisher
    return display_rule(
        publisher_policy=publisher.display_policy,
        excerpt_words=publisher.excerpt_words,
        noarchive=article.noarchive,
        directives=article.robots_directives,
    )


def effective_policy(*, publisher_policy: str, noarchive: bool, directives: str = "") -> str:
    """The publisher's policy, tightened by the page's signals (noarchive → excerpt and so on)."""
    return display_rule(publisher_policy=publisher_policy, noarchive=noarchive, directives=directives).mode


def excerpt_of(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first `limit` characters, cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:.") + "…"


def words_of(text: str, count: int) -> str:
    """The first `count` words, with an ellipsis when cut."""
    words = text.split()
    if len(words) <= count:
        return " ".join(words)
    return " ".join(words[:count]).rstrip(",;:.") + "…"


def allowed_text(rule: DisplayRule, *, summary: str, body_text: str) -> str:
    """The plain text `rule` lets any surface show (and search hold)."""
    if rule.mode == Publisher.DisplayPolicy.FULL:
        text = " ".join(body_text.split())
    elif rule.mode == Publisher.DisplayPolicy.EXCERPT:
        text = words_of(summary or body_text, rule.excerpt_words)
    else:
        return ""
    if rule.snippet_chars is not None:
        text = excerpt_of(text, rule.snippet_chars) if rule.snippet_chars else ""
    return text


def without_images(html: str) -> str:
    """Sanitized `html` with every image element removed (noimageindex applies to inline images too)."""
    if "<" not in html:
        return html
    return nh3.clean(html, tags=nh3.ALLOWED_TAGS - _IMAGE_TAGS)


def visible_body(article) -> VisibleBody:
    """The body an article may show on any surface (page, feed, API)."""
    rule = article_rule(article)
    if rule.mode == Publisher.DisplayPolicy.FULL:
        html = article.body_html if rule.show_image else without_images(article.body_html)
        return VisibleBody(html=html, text=article.body_text, is_full=True)
    text = allowed_text(rule, summary=article.summary, body_text=article.body_text)
    return VisibleBody(html="", text=text, is_full=False)


def searchable_text(*, rule: DisplayRule, summary: str, body_text: str) -> str:
    """Text the search index may hold under `rule`: never more than a surface may show."""
    return allowed_text(rule, summary=summary, body_text=body_text)
