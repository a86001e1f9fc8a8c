"""The page's markup reshaped before the body candidates read it, so that trafilatura reads the article as a
browser shows it: loose text, a styled line on its own and text between `<br><br>`s become paragraphs, a table
laying out the page becomes `<div>`s, and a live blog's sibling `<article>`s one body."""

from __future__ import annotations

import itertools

from lxml import etree

_ARTICLES = etree.XPath("//article")
_SIBLING_POSTS = 3
# Loose text of a sentence's length (40 characters or more) directly in a container that also holds paragraphs. The
# containers are found as the paragraphs' parents: `//p/..` walks the page a third faster than `//*[p]`, the same nodes.
_STRAY_TEXT = etree.XPath("//p/../text()[string-length(normalize-space()) >= 40]")
_COUNT_PARAGRAPHS_INSIDE = etree.XPath("count(.//p)")
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
