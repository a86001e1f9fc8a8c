"""Boilerplate removal around trafilatura: strip the markup no candidate reads and prune known non-article
containers before it runs, and drop the short call-to-action paragraphs it sometimes keeps after. (The repairs of
markup it misreads are in restructure.py.)"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from newsdesk.reader.extract import xpaths

_TOKEN_SPLIT = re.compile(r"[\s_]+")
_TOKENS = frozenset(xpaths.BOILERPLATE_TOKENS)
_METERED = frozenset(xpaths.METERED_TOKENS)
_OPENERS = frozenset(xpaths.OPENER_TOKENS)
_NO_TOKENS: frozenset[str] = frozenset()
# Markup inside a sentence's words that is no box of its own (a <span> may be a hover card: not one of these).
_PHRASE_TAGS = frozenset(
    ("b", "i", "em", "strong", "u", "s", "small", "sub", "sup", "br", "abbr", "cite", "code", "mark")
)
_BOILERPLATE_TAGS = frozenset(xpaths.BOILERPLATE_TAGS)
_COUNT_PARAGRAPHS = etree.XPath("count(//p)")
# Markup no body candidate reads (trafilatura deletes it before anything else, readability and the sanitizer
# drop it with its content; form controls and iframes are dropped with their content by the sanitizer too): a third
# of a news page's elements, which every candidate would otherwise copy and walk again. JSON-LD stays: trafilatura
# reads it (forum pages, its last-resort body).
_INERT_TAGS = (
    "style",
    "svg",
    "noscript",
    "template",
    "link",
    "meta",
    "button",
    "select",
    "textarea",
    "input",
    "iframe",
)
_INERT_SCRIPTS = etree.XPath("//script[not(@type='application/ld+json')]")
_COUNT_PARAGRAPHS_INSIDE = etree.XPath("count(.//p)")
_PARAGRAPHS_IN = etree.XPath("descendant-or-self::p")
_PARAGRAPHS = etree.XPath("//p")
_TEXT_LENGTH = etree.XPath("string-length(.)")
_BODY_NAME_PARAGRAPHS = 3  # fewer paragraphs under one name are a box (a teaser, a prompt), not a body
_MAX_SHARE = 0.5  # a container holding more than half of the page's paragraphs is content, not chrome
_CTA_MAX_CHARS = 220
# More words than this, one space apart, are longer than _CTA_MAX_CHARS: n words take at least 2n - 1 characters.
_CTA_MAX_WORDS = (_CTA_MAX_CHARS + 1) // 2
# Whole paragraphs that are calls to action or chrome, in the languages we see most.
_CALLS_TO_ACTION = re.compile(
    r"^(?:"
    r"(?:sign up|subscribe|register)\b.{0,80}\b(?:newsletter|updates|alerts|inbox|free)"
    r"|(?:get|receive) (?:our|the) .{0,40}newsletter"
    r"|(?:read|see) (?:more|also|next)\s*[:»\u203a>-]"
    r"|(?:related|more)(?: (?:articles?|stories|coverage|news|on this story|from \w+))?\s*:?"
    r"|we use cookies\b.*|.{0,80}\baccept (?:all )?cookies\b.*|this (?:site|website) uses cookies\b.*"
    r"|(?:share|share this(?: article| story)?|follow us)(?: on\b.*)?\s*:?"
    r"|advertisement|anzeige|publicité|publicidad"
    r"|(?:\d+\s+)?comments?\s*(?:\(\d+\))?|(?:leave|post|add) a comment.*|comments are closed.*"
    r"|(?:click|tap) here to .{0,80}"
    r"|abonnez-vous.{0,80}|inscrivez-vous.{0,80}newsletter.*|jetzt abonnieren.*|newsletter abonnieren.*"
    r"|suscr[ií]bete.{0,80}"
    # a line of the page's tags ("Topics: uber, Sydney, Technology News", "Filed under: Politics |"): names, no sentence
    r"|(?:tags|topics|filed under|themen|schlagw(?:ö|oe)rter|mots.cl[ée]s|sujets|etiquetas|temas)\s*:[^.!?]{0,200}"
    r")$",
    re.I,
)


def prune_boilerplate(document: etree._Element) -> int:
    """Remove boilerplate containers from `document` in place; returns how many were removed."""
    paragraphs = _COUNT_PARAGRAPHS(document)
    doomed = []
    # One walk in Python over the elements (comments and the like skipped inside lxml): measured on the dev pages,
    # a third cheaper than selecting the elements with a class, id, role or boilerplate tag by an XPath union (its
    # six `//` walks and their merge) and judging those.
    for el in document.iter(etree.Element):
        tag = el.tag
        if tag in xpaths.PROTECTED_TAGS or not _looks_like_boilerplate(el, tag):
            continue
        if paragraphs and _COUNT_PARAGRAPHS_INSIDE(el) > _MAX_SHARE * paragraphs:
            continue
        if el.find(".//article") is not None:
            continue
        doomed.append(el)
    removed = 0
    for el in _spare_body_names(_spare_page_holders(doomed, document), document):
        parent = el.getparent()
        if parent is not None and _is_attached(el):
            drop_keep_tail(el)
            removed += 1
    return removed


def _spare_page_holders(doomed: list[etree._Element], document: etree._Element) -> list[etree._Element]:
    """`doomed` without an outermost element that holds more than half of the page's text.

    The paragraph count cannot see a page written without `<p>` (text between `<br>`s): there an ASP.NET page's
    `<form>`, which wraps the whole page, looked like a form to remove, and the article went with it. Only the
    outermost doomed elements are measured, and the boilerplate inside a spared one is still removed."""
    if not doomed:
        return doomed
    half = _MAX_SHARE * _TEXT_LENGTH(document)
    marked = set(doomed)
    spared = {el for el in doomed if _TEXT_LENGTH(el) > half and not any(up in marked for up in el.iterancestors())}
    return [el for el in doomed if el not in spared] if spared else doomed


def _spare_body_names(doomed: list[etree._Element], document: etree._Element) -> list[etree._Element]:
    """`doomed` without the elements that a metering script marked (xpaths.METERED_TOKENS) when, together, they
    are the article body.

    A publisher may put such a name on every paragraph of the body (Wired's `<p class="paywall">`), so no single
    element holds most of the paragraphs, but the elements bearing that name hold most of the paragraphs' text.
    Text, not a count of paragraphs: such a page also has dozens of one-line paragraphs (bylines of teasers, legal
    lines). Only metering names: "related" or "sidebar" never marks a body, whatever its share, and an element
    whose tag or role is boilerplate (an aside, a footer) is never spared."""
    names = {id(el): _boilerplate_names(el) for el in doomed}
    held: dict[str, set[etree._Element]] = {}
    for el in doomed:
        for name in names[id(el)] & _METERED:
            held.setdefault(name, set()).update(_PARAGRAPHS_IN(el))
    held = {name: inside for name, inside in held.items() if len(inside) >= _BODY_NAME_PARAGRAPHS}
    if not held:
        return doomed
    page_text = sum(_text_length(p) for p in _PARAGRAPHS(document))
    body_names = {
        name for name, inside in held.items() if sum(_text_length(p) for p in inside) > _MAX_SHARE * page_text
    }
    # Spared: bearing a body name, no boilerplate name but metering ones, and not boilerplate by tag or role.
    return [
        el
        for el in doomed
        if not (names[id(el)] & body_names) or not names[id(el)] <= _METERED or _boilerplate_by_markup(el, el.tag)
    ]


def _text_length(el: etree._Element) -> int:
    return sum(len(text) for text in el.itertext())


def strip_inert(document: etree._Element) -> None:
    """Remove scripts (but JSON-LD), styles, SVG, noscript, templates, link and meta elements, form controls and
    iframes, keeping the text that follows each."""
    for el in _INERT_SCRIPTS(document):
        el.drop_tree()
    etree.strip_elements(document, *_INERT_TAGS, with_tail=False)


def _looks_like_boilerplate(el: etree._Element, tag: str) -> bool:
    if _boilerplate_by_markup(el, tag):
        return True
    names, key = el.get("class"), el.get("id")
    if not (names or key):
        return False
    found = _boilerplate_tokens(f"{names or ''} {key or ''}")
    return bool(found) and not (tag == "a" and found <= _OPENERS and _words_only(el))


def _words_only(el: etree._Element) -> bool:
    """`el` holds only its words (and phrase markup around some): no box of its own inside, such as a hover card."""
    return all(child.tag in _PHRASE_TAGS for child in el.iterdescendants())


def _boilerplate_by_markup(el: etree._Element, tag: str) -> bool:
    """Boilerplate by its tag or its ARIA role, whatever its class and id say."""
    if tag in _BOILERPLATE_TAGS:
        return True
    role = el.get("role")
    return bool(role) and role.lower() in xpaths.BOILERPLATE_ROLES


def _boilerplate_names(el: etree._Element) -> frozenset[str]:
    """The tokens of `el`'s class and id that name boilerplate (xpaths.BOILERPLATE_TOKENS)."""
    return _boilerplate_tokens(f"{el.get('class') or ''} {el.get('id') or ''}")


@lru_cache(maxsize=8192)
def _boilerplate_tokens(names: str) -> frozenset[str]:
    """Cached: a page repeats the same few class strings on hundreds of elements."""
    found = frozenset(token for token in _TOKEN_SPLIT.split(names.lower()) if token in _TOKENS)
    # Most names hold none: one shared empty set for them. Each frozenset is an object the garbage collector tracks,
    # and a cached one lives on (3,500 after the 26 pages of the readability set): the survivors it counts to decide
    # when to walk every object of the process again (a full collection, 8-18 ms there).
    return found or _NO_TOKENS


def _is_attached(el: etree._Element) -> bool:
    # An ancestor may already have been removed; its descendants are gone with it.
    return el.getroottree().getroot() is not el and el.getparent() is not None


def drop_keep_tail(el: etree._Element, *, blank_tail: bool = True) -> None:
    """Remove `el` but keep the text after it (appended to its previous sibling or its parent's text);
    `blank_tail=False` lets a whitespace-only tail go with it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and (blank_tail or el.tail.strip()):
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def is_call_to_action(text: str) -> bool:
    """A short paragraph that is a newsletter/cookie/share/comments prompt rather than article text."""
    # Split no further than one word past what fits in _CTA_MAX_CHARS: a paragraph of more words is too long however
    # it is spaced, and splitting a whole long one into its words is what this test cost (a table body holding the
    # article's 250 paragraphs: 1.3 ms).
    words = text.split(None, _CTA_MAX_WORDS)
    if len(words) > _CTA_MAX_WORDS:
        return False
    text = " ".join(words)
    return bool(text) and len(text) <= _CTA_MAX_CHARS and bool(_CALLS_TO_ACTION.match(text))
