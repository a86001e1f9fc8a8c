"""The pruning done once before the body candidates run: inert markup goes, chrome containers go, text stays."""

from __future__ import annotations

import lxml.html

from newsdesk.reader.extract.boilerplate import _boilerplate_tokens, is_call_to_action, prune_boilerplate, strip_inert

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


def test_names_without_boilerplate_share_one_empty_set_and_names_with_it_get_their_tokens():
    # One shared object for the many class names that name nothing: the cache keeps no frozenset per name for the
    # garbage collector to count and walk.
    assert _boilerplate_tokens("story-body lead") is _boilerplate_tokens("headline") == frozenset()
    assert _boilerplate_tokens("Related_Stories sidebar") == {"related", "sidebar"}
