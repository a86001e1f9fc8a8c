"""Boilerplate removal around trafilatura: prune known non-article containers before it runs, and drop
the short call-to-action paragraphs it sometimes keeps after."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from lxml import etree

from newsdesk.reader.extract import xpaths

_TOKEN_SPLIT = re.compile(r"[\s_]+")
_TOKENS = frozenset(xpaths.BOILERPLATE_TOKENS)
_METERED = frozenset(xpaths.METERED_TOKENS)
_OPENERS = frozenset(xpaths.OPENER_TOKENS)
# Markup inside a sentence's words that is no box of its own (a <span> may be a hover card: not one of these).
_PHRASE_TAGS = frozenset(
    ("b", "i", "em", "strong", "u", "s", "small", "sub", "sup", "br", "abbr", "cite", "code", "mark")
)
_BOILERPLATE_TAGS = frozenset(xpaths.BOILERPLATE_TAGS)
_COUNT_PARAGRAPHS = etree.XPath("count(//p)")
_ARTICLES = etree.XPath("//article")
_SIBLING_POSTS = 3
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
# Loose text of a sentence's length (40 characters or more) directly in a container that also holds paragraphs. The
# containers are found as the paragraphs' parents: `//p/..` walks the page a third faster than `//*[p]`, the same nodes.
_STRAY_TEXT = etree.XPath("//p/../text()[string-length(normalize-space()) >= 40]")
_LAYOUT_PARAGRAPHS = 3  # a table cell holding this many paragraphs is a column of the page, not data
_OWN_ROW_GROUPS = etree.XPath("./tbody | ./thead | ./tfoot")
_OWN_ROWS = etree.XPath("./tr | ./*[self::tbody or self::thead or self::tfoot]/tr")
_OWN_CELLS = etree.XPath(
    "./tr/*[self::td or self::th] | ./*[self::tbody or self::thead or self::tfoot]/tr/*[self::td or self::th]"
)
_BREAK_CONTAINERS = frozenset(("div", "section", "td", "article", "main", "blockquote", "font", "center"))
_DOUBLE_BREAKS = 3  # fewer `<br><br>` are spacing inside a block, not a way of writing paragraphs
_BLOCK_TAGS = frozenset(
    ("article", "aside", "blockquote", "div", "dl", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
     "header", "hr", "nav", "ol", "p", "pre", "section", "table", "ul")
)  # fmt: skip
# Styled text on a line of its own beside paragraphs (see _wrap_lone_inline), found inside libxml2: no text beside it,
# a block (or nothing) before it and a block after it.
_IS_BLOCK = " or ".join(f"self::{tag}" for tag in sorted(_BLOCK_TAGS))
_LONE_INLINE = etree.XPath(
    "//p/../*[self::span or self::b or self::strong][normalize-space()]"
    "[not(preceding-sibling::node()[1][self::text()][normalize-space()])]"
    "[not(following-sibling::node()[1][self::text()][normalize-space()])]"
    f"[not(preceding-sibling::*[1]) or preceding-sibling::*[1][{_IS_BLOCK}]]"
    f"[following-sibling::*[1][{_IS_BLOCK}]]"
)
_INLINE_TAGS = frozenset(
    ("a", "abbr", "b", "br", "cite", "code", "em", "font", "i", "img", "mark", "q", "s", "small", "span", "strong",
     "sub", "sup", "time", "u")
)  # fmt: skip
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


def wrap_stray_text(document: etree._Element) -> int:
    """Text lying loose in a container that also holds paragraphs becomes a paragraph of its own; returns how many.

    Browsers close a `<p>` at the first block inside it, so `<p><div>related links</div>SAN FRANCISCO (AP) — …</p>`
    leaves the article's first paragraph as loose text after the rail's `<div>`, beside the `<p>`s that follow, and
    trafilatura reads only elements' own text there: the lead was lost (Yahoo's page). Loose text after an inline
    element is part of a sentence and stays as it is."""
    wrapped = 0
    for text in _STRAY_TEXT(document):
        owner = text.getparent()  # the element whose text or tail it is: never None for a text node under //*[p]
        paragraph = etree.Element("p")
        paragraph.text = str(text)
        if text.is_tail:
            if owner.tag in _INLINE_TAGS or not isinstance(owner.tag, str):
                continue
            owner.tail = None
            owner.addnext(paragraph)
        else:
            owner.text = None
            owner.insert(0, paragraph)
        wrapped += 1
    return wrapped + _wrap_lone_inline(document)


def _wrap_lone_inline(document: etree._Element) -> int:
    """A `<span>`, `<b>` or `<strong>` on a line of its own between the blocks of a container holding paragraphs becomes
    a paragraph: a heading written as styled text ("Step 1", "What You'll Need:") or a dateline. trafilatura reads
    only elements' own text there, so the line was lost like loose text (wrap_stray_text); inside a sentence, with
    text or an inline element beside it, it stays as it is."""
    lone = _LONE_INLINE(document)
    for el in lone:
        paragraph = etree.Element("p")
        el.addprevious(paragraph)
        paragraph.append(el)  # moves it, its (blank) tail with it
    return len(lone)


def paragraphs_from_breaks(document: etree._Element) -> int:
    """A container that writes its paragraphs as text between `<br><br>` (and holds no `<p>`) gets them as `<p>`s;
    returns how many containers were rebuilt.

    trafilatura cuts such text at inline markup and drops the space after it ("the New York Timesclaimed"), or
    finds no article at all and falls back to the whole page (Donga's); readability has done this conversion all
    along. Block children stay where they are, between the new paragraphs."""
    rebuilt = 0
    for el in _double_break_parents(document):
        if el.tag not in _BREAK_CONTAINERS or el.find("p") is not None or _double_breaks(el) < _DOUBLE_BREAKS:
            continue
        _rebuild_as_paragraphs(el)
        rebuilt += 1
    return rebuilt


def _double_break_parents(document: etree._Element) -> list[etree._Element]:
    """The elements holding a `<br>` whose next element is a `<br>`, in document order. Walked from the `<br>`s (a
    big page has thousands of `<div>`s, few with `<br><br>`); an XPath `following-sibling::*[1]` read every
    following sibling of each `<br>`, quadratic in a container's breaks (24,000 `<br>`s: seconds)."""
    parents = set()
    for br in document.iter("br"):
        after = br.getnext()
        while after is not None and not isinstance(after.tag, str):  # a comment or a processing instruction
            after = after.getnext()
        if after is not None and after.tag == "br":
            parents.add(br.getparent())
    parents.discard(None)
    return [el for el in document.iter() if el in parents] if parents else []


def _double_breaks(el: etree._Element) -> int:
    children = list(el)
    return sum(
        1
        for first, second in itertools.pairwise(children)
        if first.tag == "br" and second.tag == "br" and not (first.tail or "").strip()
    )


def _rebuild_as_paragraphs(el: etree._Element) -> None:
    nodes: list = [el.text] if el.text else []
    el.text = None
    for child in list(el):
        tail, child.tail = child.tail, None
        el.remove(child)
        nodes += [child, tail] if tail else [child]
    run: list = []
    index = 0
    while index < len(nodes):
        node = nodes[index]
        if isinstance(node, str) or (node.tag not in _BLOCK_TAGS and node.tag != "br"):
            run.append(node)
        elif node.tag in _BLOCK_TAGS:
            _close_paragraph(el, run)
            el.append(node)
        else:  # a <br>: another one next (past blank text) ends the paragraph
            after = index + 1
            while after < len(nodes) and isinstance(nodes[after], str) and not nodes[after].strip():
                after += 1
            if after < len(nodes) and not isinstance(nodes[after], str) and nodes[after].tag == "br":
                _close_paragraph(el, run)
                index = after
            else:
                run.append(node)
        index += 1
    _close_paragraph(el, run)


def _close_paragraph(parent: etree._Element, run: list) -> None:
    """Append the text and inline elements gathered in `run` to `parent` as one `<p>` (none when blank)."""
    if any(not isinstance(node, str) or node.strip() for node in run):
        paragraph = etree.SubElement(parent, "p")
        last = None
        for node in run:
            if not isinstance(node, str):
                paragraph.append(node)
                last = node
            elif last is None:
                paragraph.text = (paragraph.text or "") + node
            else:
                last.tail = (last.tail or "") + node
    run.clear()


def unwrap_layout_tables(document: etree._Element) -> int:
    """The tables that lay out a page and hold tables of their own become `<div>`s; returns how many.

    Old CMSs, mailing-list archives and LWN lay the page out with a table, so the article is one cell, and its own
    tables (figures, statistics) are tables inside that cell. trafilatura reads the layout table as one table and
    drops the tables nested in it: the article's figures were lost. A table is taken for layout when one of its own
    cells holds paragraphs (at least _LAYOUT_PARAGRAPHS) and a table; the tables inside stay tables. A page laid out
    by a table with no table inside is left alone: trafilatura reads its cell whole."""
    tables = list(document.iter("table"))
    if len(tables) < 2:  # no table inside a table: most pages, left without a look at their cells
        return 0
    layout = []
    for table in tables:
        cells = _OWN_CELLS(table)
        if any(
            _COUNT_PARAGRAPHS_INSIDE(cell) >= _LAYOUT_PARAGRAPHS and cell.find(".//table") is not None for cell in cells
        ):
            layout.append((table, cells))
    for table, cells in layout:  # renamed after the walk: the walk still finds the tables nested in them
        for el in (table, *_OWN_ROW_GROUPS(table), *_OWN_ROWS(table), *cells):
            el.tag = "div"
    return len(layout)


def merge_sibling_articles(document: etree._Element, *, at_least: int = _SIBLING_POSTS) -> int:
    """Turn `at_least` or more sibling <article> elements (a live blog's posts) into <div>s; returns how many.

    trafilatura takes the first <article> of a page as the body, which on a live blog is the newest post alone;
    as <div>s the posts are one body, and the container around them is judged like any other."""
    merged = 0
    for parent in {id(el.getparent()): el.getparent() for el in _ARTICLES(document)}.values():
        posts = [child for child in parent if child.tag == "article"]
        if parent is None or len(posts) < at_least:
            continue
        for post in posts:
            post.tag = "div"
        merged += len(posts)
    return merged


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
    return frozenset(token for token in _TOKEN_SPLIT.split(names.lower()) if token in _TOKENS)


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
