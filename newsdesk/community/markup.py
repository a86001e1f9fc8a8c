"""The Markdown subset comments may use, rendered and then sanitized.

markdown-it-py's "zero" preset with only paragraphs, line breaks, emphasis, inline code, links, lists and quotes
turned on, raw HTML off; nh3 then keeps only the tags those produce, links get rel="nofollow ugc noopener" and
only http(s)/mailto targets. Sanitizing after rendering is what makes it safe: the renderer is not trusted.
"""

import functools
import hashlib
import html
import re
from typing import TYPE_CHECKING

import nh3
from django.utils.html import strip_tags

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "a", "ul", "ol", "li", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


@functools.cache
def _markdown() -> "MarkdownIt":
    """Built on first render: markdown-it-py is not imported at every `newsdesk` start-up, most never render."""
    from markdown_it import MarkdownIt

    return (
        MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True})
        .enable(["newline", "emphasis", "backticks", "link", "list", "blockquote", "escape"])
        .disable(["image"], ignoreInvalid=True)
    )


_MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
_BARE_LINK = re.compile(r"https?://|www\.|mailto:", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def comment_render(text: str) -> str:
    """Comment source (the Markdown subset) as HTML that is safe to put on a page as it is."""
    html = _markdown().render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def comment_plain_text(body_html: str) -> str:
    """A comment as plain text from its rendered HTML (comment_render's): the Markdown's marks are gone ("*first*"
    reads "first", a link its text), entities read as characters, and blocks and line breaks fold into single spaces
    (the renderer ends each block and break with a line break). What a plain-text title quotes of a comment."""
    return _SPACE.sub(" ", html.unescape(strip_tags(body_html))).strip()


def link_count(text: str) -> int:
    """How many links the text carries, written as Markdown links or bare URLs."""
    bare = _MARKDOWN_LINK.sub(" ", text)
    return len(_MARKDOWN_LINK.findall(text)) + len(_BARE_LINK.findall(bare))


def text_fingerprint(text: str) -> str:
    """sha256 of the text lower-cased with runs of white space folded: a copy with other spacing matches."""
    normalized = _SPACE.sub(" ", text).strip().casefold()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()
