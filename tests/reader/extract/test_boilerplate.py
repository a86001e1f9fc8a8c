"""The pruning done once before the body candidates run: inert markup goes, chrome containers go, text stays."""

from __future__ import annotations

import gc
import time

import lxml.html

from newsdesk.reader.extract.boilerplate import (
    _double_break_parents,
    is_call_to_action,
    paragraphs_from_breaks,
    prune_boilerplate,
    strip_inert,
    unwrap_layout_tables,
    wrap_stray_text,
)

PAGE = """<html><head><title>T</title><meta name="x" content="y"><link rel="stylesheet" href="/s.css">
<script type="application/ld+json">{"@type": "NewsArticle"}</script><script>var tracking = 1;</script>
<style>p { color: red }</style></head><body>
<p>Before<script>alert(1)</script> after the script.</p>
<p>An icon <svg><title>Share icon</title><path d="M0"/></svg>then the sentence goes on.</p>
<noscript>Please enable JavaScript.</noscript><template><p>Hidden</p></template>
<div class="related-stories"><p>Another story</p></div>
<div class="cookie-banner"><p>We use cookies</p></div>
<article class="share"><p>The article itself, whatever its class.</p></article>
</body></html>"""


def test_strip_inert_removes_what_no_candidate_reads_and_keeps_the_text_around_it():
    tree = lxml.html.document_fromstring(PAGE)
    strip_inert(tree)
    text = tree.text_content()
    assert "Before after the script." in text
    assert "An icon then the sentence goes on." in text
    for gone in ("tracking", "color: red", "Share icon", "enable JavaScript", "Hidden"):
        assert gone not in text
    assert tree.xpath("count(//meta | //link | //style | //svg | //noscript | //template)") == 0
    assert [s.get("type") for s in tree.iter("script")] == ["application/ld+json"]  # trafilatura reads JSON-LD


def test_prune_boilerplate_removes_chrome_containers_but_never_the_article():
    tree = lxml.html.document_fromstring(PAGE)
    removed = prune_boilerplate(tree)
    text = tree.text_content()
    assert removed == 2
    assert "Another story" not in text
    assert "We use cookies" not in text
    assert "The article itself" in text


def _metered_page(*, body_class: str, wrap: str = "", teasers: int = 12) -> str:
    paragraph = "Paragraph {n} of the report, long enough to be most of the page text, with the facts of the story."
    if wrap:  # each paragraph inside a marked element of that tag
        body = "".join(f'<{wrap} class="{body_class}"><p>{paragraph.format(n=n)}</p></{wrap}>' for n in range(6))
    else:
        body = "".join(f'<p class="{body_class}">{paragraph.format(n=n)}</p>' for n in range(6))
    rail = "".join(f'<div><a href="/{n}">Teaser {n}</a><p class="byline">Name {n}</p></div>' for n in range(teasers))
    prompt = '<div class="subscribe"><p>Subscribe to keep reading.</p></div>'
    return f"<html><body><p>The lead paragraph.</p>{body}{prompt}<section>{rail}</section></body></html>"


def test_metered_names_holding_most_of_the_text_are_the_body_and_stay():
    # Every paragraph of the body marked "paywall" by the metering script (Wired's shape): no one element holds
    # most of the paragraphs, and the one-line teaser bylines outnumber them, but they hold most of the text.
    for page in (_metered_page(body_class="paywall"), _metered_page(body_class="subscription", wrap="div")):
        tree = lxml.html.document_fromstring(page)
        prune_boilerplate(tree)
        text = tree.text_content()
        assert all(f"Paragraph {n} of the report" in text for n in range(6))
        assert "Subscribe to keep reading." not in text  # the prompt box is still chrome: one paragraph, little text


def test_only_metering_names_are_spared_and_never_by_tag():
    for page in (
        _metered_page(body_class="related"),  # "related" never marks a body, whatever its share
        _metered_page(body_class="paywall", wrap="aside"),  # an aside is boilerplate by its tag
        _metered_page(body_class="paywall promo"),  # another boilerplate name on the same elements
    ):
        tree = lxml.html.document_fromstring(page)
        prune_boilerplate(tree)
        assert "of the report" not in tree.text_content()


def test_metered_paragraphs_that_are_not_most_of_the_text_still_go():
    page = _metered_page(body_class="paywall").replace(
        "<p>The lead paragraph.</p>", "<p>" + "A long free paragraph of the article. " * 80 + "</p>"
    )
    tree = lxml.html.document_fromstring(page)
    prune_boilerplate(tree)
    assert "Paragraph 0 of the report" not in tree.text_content()


def _form_page(article: str) -> str:
    # An ASP.NET WebForms page: one <form> wraps the whole page, and the text has no <p>, only <br>s.
    rail = '<div class="related"><a href="/1">Library hours extended</a><br><a href="/2">Bridge repairs</a></div>'
    return f'<html><body><form id="aspnetForm"><div id="story">{article}</div>{rail}</form></body></html>'


def test_a_container_holding_most_of_the_page_text_stays_where_no_paragraph_can_be_counted():
    article = "<br><br>".join(f"Sentence {n} of the county report on the bus lines." for n in range(8))
    tree = lxml.html.document_fromstring(_form_page(article))
    prune_boilerplate(tree)
    text = tree.text_content()
    assert all(f"Sentence {n} of the county report" in text for n in range(8))
    assert "Bridge repairs" not in text  # the boilerplate inside the spared form still goes


def test_a_form_holding_little_of_the_page_text_still_goes():
    article = "<br><br>".join(f"Sentence {n} of the county report on the bus lines." for n in range(8))
    page = _form_page("Search the archive").replace("</body>", f"<div>{article}</div></body>")
    tree = lxml.html.document_fromstring(page)
    prune_boilerplate(tree)
    text = tree.text_content()
    assert "Search the archive" not in text
    assert "Sentence 7 of the county report" in text


LOOSE = "loose text of a sentence's length, more than forty characters"


def _paragraph_texts(page: str) -> tuple[int, list[str]]:
    tree = lxml.html.document_fromstring(page)
    wrapped = wrap_stray_text(tree)
    return wrapped, [" ".join(p.text_content().split()) for p in tree.iter("p")]


def test_loose_text_beside_paragraphs_becomes_a_paragraph():
    # Text first in the container, text after a block (a <p> closed by a <div>), both beside paragraphs.
    page = (
        f"<html><body><div>First {LOOSE}<p>A paragraph.</p><div>rail</div>After {LOOSE}<p>More.</p></div></body></html>"
    )
    wrapped, paragraphs = _paragraph_texts(page)
    assert wrapped == 2
    assert paragraphs == [f"First {LOOSE}", "A paragraph.", f"After {LOOSE}", "More."]


def test_loose_text_that_is_short_after_inline_markup_or_without_paragraphs_stays():
    for page in (
        "<html><body><div><p>A paragraph.</p>Short tail<p>More.</p></div></body></html>",
        f"<html><body><div><p>A paragraph.</p><b>Bold</b> then {LOOSE}<p>More.</p></div></body></html>",
        f"<html><body><div>Only {LOOSE}<br>and more {LOOSE}</div></body></html>",  # no <p> beside it
    ):
        tree = lxml.html.document_fromstring(page)
        before = lxml.html.tostring(tree)
        assert wrap_stray_text(tree) == 0
        assert lxml.html.tostring(tree) == before


def test_styled_text_on_a_line_of_its_own_beside_paragraphs_becomes_a_paragraph():
    # A how-to's step headings written as <span>s (and a <strong> after a block), each on its own line.
    page = (
        "<html><body><div><span class='head'>Step 1</span><p>Cut the foam.</p></div>"
        "<div><p>Intro.</p><strong>What You'll Need:</strong><ul><li>Moss</li></ul></div></body></html>"
    )
    wrapped, paragraphs = _paragraph_texts(page)
    assert wrapped == 2
    assert paragraphs == ["Step 1", "Cut the foam.", "Intro.", "What You'll Need:"]


def test_styled_text_inside_a_sentence_or_before_inline_markup_stays():
    for page in (
        "<html><body><div><p>A paragraph.</p><b>Bold</b> words of a sentence.<p>More.</p></div></body></html>",
        "<html><body><div>Text before <span>it</span><p>More.</p></div></body></html>",
        "<html><body><div><p>A paragraph.</p><span>A label</span><a href='/x'>a link</a></div></body></html>",
        "<html><body><div><p>A paragraph.</p><span> </span><p>More.</p></div></body></html>",  # nothing to read
    ):
        tree = lxml.html.document_fromstring(page)
        before = lxml.html.tostring(tree)
        assert wrap_stray_text(tree) == 0
        assert lxml.html.tostring(tree) == before


FIGURES = "<table><tr><th>Developer</th><th>Changesets</th></tr><tr><td>Herbert</td><td>63</td></tr></table>"
ARTICLE_CELL = "".join(f"<p>Paragraph {n} of the weekly edition.</p>" for n in range(3))


def test_a_table_laying_out_the_page_around_tables_of_its_own_becomes_divs():
    page = (
        f"<html><body><table class='Page'><tbody><tr><td>Menu</td><td>{ARTICLE_CELL}{FIGURES}</td></tr></tbody></table>"
    )
    tree = lxml.html.document_fromstring(page + "</body></html>")
    assert unwrap_layout_tables(tree) == 1
    layout = tree.body[0]
    assert (layout.tag, layout[0].tag, layout[0][0].tag, layout[0][0][1].tag) == ("div", "div", "div", "div")
    assert [t.tag for t in layout.iter("table", "td", "th")] == ["table", "th", "th", "td", "td"]  # the figures stay


def test_data_tables_and_a_layout_table_without_tables_inside_stay():
    for page in (
        f"<html><body><p>Intro.</p>{FIGURES}</body></html>",
        f"<html><body><table><tr><td>{ARTICLE_CELL}</td></tr></table></body></html>",  # trafilatura reads it whole
        f"<html><body><table><tr><td><p>One paragraph.</p>{FIGURES}</td></tr></table></body></html>",
    ):
        tree = lxml.html.document_fromstring(page)
        before = lxml.html.tostring(tree)
        assert unwrap_layout_tables(tree) == 0
        assert lxml.html.tostring(tree) == before


def _break_page(runs: int, extra: str = "") -> lxml.html.HtmlElement:
    text = "<br><br>\n".join(f"Run {n} of the story, where the <em>Ledger</em> reported the vote." for n in range(runs))
    return lxml.html.document_fromstring(f"<html><body><div id='story'>{text}{extra}</div></body></html>")


def test_text_written_between_double_breaks_becomes_paragraphs():
    tree = _break_page(4, extra="<br><br><div class='box'>A box</div>Last run, one line<br>and its second line.")
    assert paragraphs_from_breaks(tree) == 1
    story = tree.get_element_by_id("story")
    assert [child.tag for child in story] == ["p", "p", "p", "p", "div", "p"]
    texts = [" ".join(p.text_content().split()) for p in story.iter("p")]
    assert texts[0] == "Run 0 of the story, where the Ledger reported the vote."  # the space after </em> kept
    assert story.find("p/em").text == "Ledger"
    last = story[-1]  # a single <br> stays inside its paragraph
    assert (last.text, last[0].tag, last[0].tail) == ("Last run, one line", "br", "and its second line.")


def test_containers_with_paragraphs_or_few_double_breaks_are_left_alone():
    for tree in (_break_page(3), _break_page(5, extra="<p>A real paragraph.</p>")):  # 2 double breaks; a <p>
        before = lxml.html.tostring(tree)
        assert paragraphs_from_breaks(tree) == 0
        assert lxml.html.tostring(tree) == before


def test_double_break_containers_are_found_as_xpath_finds_them():
    """The <br><br> containers, walked from the <br>s, are the ones (in document order) that the XPath
    //br[following-sibling::*[1][self::br]]/parent::* gives; a comment between two <br>s does not part them."""
    tree = lxml.html.document_fromstring(
        "<html><body><div id='a'><section id='b'>x<br>y<br><!-- c --><br></section>z<br> <br></div>"
        "<div id='c'>w<br><span>s</span><br></div><td id='d'><br><br></td></body></html>"
    )
    oracle = tree.xpath("//br[following-sibling::*[1][self::br]]/parent::*")
    assert [el.get("id") for el in _double_break_parents(tree)] == [el.get("id") for el in oracle] == ["a", "b", "d"]


def _break_cpu(runs: int) -> float:
    """Least CPU time of three paragraphs_from_breaks runs over a container of `runs` paragraphs."""
    best = float("inf")
    for _ in range(3):
        tree = lxml.html.document_fromstring("<div>" + "A line of the story.<br><br>" * runs + "</div>")
        gc.disable()
        try:
            start = time.process_time()
            assert paragraphs_from_breaks(tree) == 1
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


def test_paragraphs_from_breaks_grows_linearly_with_the_breaks():
    """Four times the breaks cost about four times the CPU, not sixteen (the XPath it replaced read every following
    sibling of each <br>: 24,000 <br>s in one <div> took seconds, past an extraction's time budget). A ratio of CPU
    times in one process: no wall-clock bound."""
    small, large = _break_cpu(3_000), _break_cpu(12_000)
    assert large < 9 * max(small, 1e-3)


def test_a_link_named_for_the_box_it_opens_keeps_its_words_but_a_box_inside_it_goes():
    page = (
        "<html><body><p>I am a <a class='popup' onclick='return overlib(\"why?\")'>rather <em>elderly</em></a> man,"
        " said <a class='tooltip' href='/t'>the lawyer<span class='card'>A card about lawyers</span></a> once,"
        " and <a class='share' href='/s'>Share this</a> or <a class='popup ad' href='/x'>Win a prize</a>.</p>"
        "<div class='modal'><p>Sign in to read on.</p></div></body></html>"
    )
    tree = lxml.html.document_fromstring(page)
    prune_boilerplate(tree)
    text = " ".join(tree.text_content().split())
    assert "I am a rather elderly man, said once, and or ." in text
    for gone in ("A card about lawyers", "Share this", "Win a prize", "Sign in to read on."):
        assert gone not in text


def test_a_line_of_the_pages_tags_is_chrome_but_a_sentence_after_such_a_word_is_not():
    for line in (
        "Topics: uber, libertarians, Sydney, Editor's Picks, sharing economy, Technology News",
        "Filed under: Khawarij |",
        "Mots-clés : Assemblée nationale, renseignement",
        "Themen: Bundestag, Haushalt",
    ):
        assert is_call_to_action(line), line
    for line in (
        "Topics: the council spent most of the evening on the harbour budget. Then it voted.",
        "The topics: housing and transport were left for next week's meeting!",
        "Tags: " + ", ".join(["a long run of names"] * 20),  # longer than any tag line
    ):
        assert not is_call_to_action(line), line


def test_a_call_to_action_is_judged_by_its_words_once_spaced_however_long_its_raw_text():
    # Whitespace between the words does not count against the length: the text is judged once its spacing is undone.
    assert is_call_to_action("Comments are closed" + " \n\t" * 200 + "here.")
    # 220 characters once spaced is still a line; one word more is a paragraph (the split stops at 110 words).
    assert is_call_to_action("Comments are closed" + " x" * 100)
    assert not is_call_to_action("Comments are closed" + " x" * 101)
    assert not is_call_to_action("Comments are closed" + " x" * 5000)
