"""The ensemble keeps the body its candidates agree on, asks for tie-breakers only on disagreement, and says why."""

from __future__ import annotations

import dataclasses
import gc
import json

import lxml.html
import pytest
from lxml import etree

from newsdesk.reader.extract import ensemble, extract_article
from newsdesk.reader.extract.candidates import (
    FEED,
    JSON_LD,
    READABILITY,
    TRAFILATURA,
    TRAFILATURA_PRECISION,
    _drop_top_chrome,
    _drop_trailing_rail,
    _truncated,
    html_candidate,
    readability_candidate,
    text_candidate,
    trafilatura_candidate,
    words_of,
)
from newsdesk.reader.extract.ensemble import (
    DEFAULT_PARAMS,
    PUBLISHER_DIFFERS,
    Doubt,
    DoubtSign,
    EnsembleParams,
    choose_body,
    doubts,
    similarity,
    worth_a_second_opinion,
)

ARTICLE = " ".join(f"Sentence {i} of the article tells what happened in the town on day {i}." for i in range(12))
NO_VOTE = EnsembleParams(outside_sources_vote=False)
RAIL = " ".join(f"Related headline {i} about something else entirely from another desk." for i in range(12))


def _candidate(source: str, text: str):
    return text_candidate(source, text)


def said(signs: list[DoubtSign]) -> list[str]:
    """The signs as the reasons say them."""
    return [str(sign) for sign in signs]


def test_similarity_is_one_for_the_same_words_and_zero_for_none_shared():
    assert similarity(ARTICLE, ARTICLE) == 1.0
    assert similarity(ARTICLE, RAIL) == 0.0


def test_close_agreement_keeps_trafilatura_without_asking_for_tie_breakers():
    asked = []
    choice = choose_body(
        [_candidate(TRAFILATURA, ARTICLE), _candidate(READABILITY, ARTICLE)],
        tie_breakers=lambda: asked.append(1) or [],
    )
    assert choice.source == TRAFILATURA
    assert asked == []
    assert "agrees with readability" in choice.reasons[-1]


def test_disagreement_is_settled_by_the_tie_breakers():
    choice = choose_body(
        [_candidate(TRAFILATURA, ARTICLE + " " + RAIL), _candidate(READABILITY, ARTICLE)],
        tie_breakers=lambda: [_candidate(TRAFILATURA_PRECISION, ARTICLE)],
    )
    assert choice.source == TRAFILATURA_PRECISION  # ties with readability: the higher-priority source wins
    assert choice.candidate.text.startswith("Sentence 0")
    assert "disagree" in choice.reasons[0]
    assert "most agreement" in choice.reasons[-1]


def test_a_teaser_ending_in_an_ellipsis_and_a_short_candidate_do_not_vote():
    teaser = " ".join(ARTICLE.split()[:40]) + " …"
    choice = choose_body(
        [_candidate(TRAFILATURA, ARTICLE), _candidate(JSON_LD, teaser), _candidate(FEED, "Read more")],
        params=EnsembleParams(agree_threshold=1.01, only_when_doubtful=False),
    )
    assert choice.source == TRAFILATURA
    assert any("ellipsis" in reason for reason in choice.reasons)
    assert any("too short" in reason for reason in choice.reasons)
    assert "no other body to weigh it against" in choice.reasons[-1]


def test_no_candidate_is_no_body():
    choice = choose_body([])
    assert choice.candidate is None
    assert choice.source == ""
    assert choice.reasons == ("no candidate body",)


def test_outside_sources_can_be_kept_out_of_the_vote():
    choice = choose_body(
        [_candidate(JSON_LD, ARTICLE), _candidate(FEED, ARTICLE)],
        params=EnsembleParams(outside_sources_vote=False),
    )
    assert choice.candidate is None


def test_feed_html_candidate_is_sanitized_and_plain_text_feed_content_is_split_into_paragraphs():
    html = html_candidate(
        FEED, "<p>One <script>x()</script>paragraph.</p><p>Two.</p>", base_url="", allow_loopback=False
    )
    assert "<script" not in html.html
    assert html.text.splitlines()[0] == "One paragraph."
    plain = html_candidate(FEED, "First line.\nSecond line.", base_url="", allow_loopback=False)
    assert plain.html == "<p>First line.</p><p>Second line.</p>"
    assert html_candidate(FEED, "  ", base_url="", allow_loopback=False) is None


def test_json_ld_article_body_wins_when_the_page_hides_the_text():
    """A page whose visible body is a stub (rendered by script) but whose JSON-LD carries the article."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Town council votes",
        "articleBody": ARTICLE,
    }
    page = (
        "<html><head><title>Town council votes</title>"
        f'<script type="application/ld+json">{json.dumps(data)}</script></head>'
        "<body><article><h1>Town council votes</h1><div id='app'>Loading…</div></article></body></html>"
    )
    article = extract_article(page.encode(), url="https://news.example/a")
    assert article.body_text.startswith("Sentence 0 of the article")
    assert "Sentence 11" in article.body_text
    # trafilatura falls back on the JSON-LD text itself when the page's is a stub; the publisher's own text agreeing
    # with it, readability (which would see only the stub) is not asked.
    assert article.body_reasons == (f"{TRAFILATURA}: agrees with {JSON_LD} (1.00)",)


def test_feed_content_is_a_candidate_of_extract_article():
    page = "<html><head><title>T</title></head><body><div id='app'>Loading…</div></body></html>"
    article = extract_article(page.encode(), url="https://news.example/a", feed_html=f"<p>{ARTICLE}</p>")
    assert article.body_source == FEED
    assert "Sentence 11" in article.body_text


def test_the_trafilatura_candidates_leave_the_shared_pruned_tree_as_it_was():
    """Both trafilatura settings read the same pruned tree without copying it first: bare_extraction copies a tree
    it is handed before changing it. A trafilatura upgrade that stopped doing so fails here."""
    page = (
        "<html><head><title>Harbour reopens</title></head><body><nav><a href='/'>Home</a></nav><article>"
        f"<h1>Harbour reopens</h1><p>{ARTICLE}</p><ul><li>Related one</li><li>Related two</li></ul>"
        "<div class='comments'><p>First!</p></div></article><footer>© Example</footer></body></html>"
    )
    tree = lxml.html.document_fromstring(page)
    before = lxml.html.tostring(tree)
    for source in (TRAFILATURA, TRAFILATURA_PRECISION):
        found = trafilatura_candidate(
            tree, source=source, url="https://example.org/a", title="Harbour reopens", base_url="", allow_loopback=False
        )
        assert found is not None
        assert "Sentence 11" in found.text
    assert lxml.html.tostring(tree) == before


def test_no_tie_break_when_readability_holds_all_of_trafilatura_or_none_of_it():
    """The tie-breakers only take text out of trafilatura's: they could not make readability's longer text win."""
    for readable in (ARTICLE + " " + RAIL, RAIL):
        asked = []
        choice = choose_body(
            [_candidate(TRAFILATURA, ARTICLE), _candidate(READABILITY, readable)],
            tie_breakers=lambda asked=asked: asked.append(1) or [_candidate(TRAFILATURA_PRECISION, ARTICLE)],
        )
        assert choice.source == TRAFILATURA
        assert asked == []
        assert "could only confirm it" in choice.reasons[-1]


def _sentences(first: int, last: int) -> str:
    return " ".join(ARTICLE.split(". ")[first:last])


def test_no_tie_break_against_a_fragment_of_trafilaturas_body_but_one_against_a_larger_part():
    """Against a fragment every trafilatura run that keeps it agrees with it, the shortest most: the vote would pick
    the precision run for being short, not for being right."""
    main = _candidate(TRAFILATURA, ARTICLE + " " + RAIL)
    fragment = _sentences(0, 3)  # under a quarter of trafilatura's text

    def tie_breakers(asked):
        return lambda: asked.append(1) or [_candidate(TRAFILATURA_PRECISION, ARTICLE)]

    asked: list[int] = []
    kept = choose_body([main, _candidate(READABILITY, fragment)], tie_breakers=tie_breakers(asked))
    assert kept.source == TRAFILATURA
    assert asked == []
    assert "a fragment" in kept.reasons[-1]
    assert "no tie-break" in kept.reasons[-1]
    unbounded = choose_body(
        [main, _candidate(READABILITY, fragment)],
        tie_breakers=tie_breakers([]),
        params=EnsembleParams(fragment_share=0),
    )
    assert unbounded.source == TRAFILATURA_PRECISION  # what the bound spares: the shorter run wins against it
    asked = []
    larger = choose_body([main, _candidate(READABILITY, _sentences(0, 6))], tie_breakers=tie_breakers(asked))
    assert asked == [1]
    assert "tie-break" in larger.reasons[0]
    assert larger.source == TRAFILATURA_PRECISION


def test_the_tie_break_still_runs_when_asked_to_or_when_an_outside_source_votes():
    readable = ARTICLE + " " + RAIL
    always = choose_body(
        [_candidate(TRAFILATURA, ARTICLE), _candidate(READABILITY, readable)],
        tie_breakers=lambda: [_candidate(TRAFILATURA_PRECISION, ARTICLE)],
        params=EnsembleParams(contained_share=1.01),
    )
    assert "tie-break" in always.reasons[0]
    outside = choose_body(
        [_candidate(TRAFILATURA, ARTICLE), _candidate(READABILITY, readable), _candidate(JSON_LD, readable)],
    )
    assert outside.source == JSON_LD  # the publisher's own text sides with readability (and wins the tie with it)
    assert "most agreement" in outside.reasons[-1]


def test_a_chosen_draft_is_sanitized_and_its_text_read_from_what_is_kept():
    summary = lxml.html.fragment_fromstring(
        f"<div><p>{ARTICLE}</p><p onclick='x()'>More <a href='javascript:alert(1)'>text</a>.</p></div>"
    )
    page = lxml.html.document_fromstring(f"<html><body>{lxml.html.tostring(summary).decode()}</body></html>")
    draft = readability_candidate(page, title="", base_url="https://example.org/", allow_loopback=False)
    assert draft.html == ""  # not sanitized before it is chosen
    shown = draft.finished()
    assert shown.source == READABILITY
    assert "onclick" not in shown.html
    assert "javascript" not in shown.html
    assert "Sentence 11" in shown.text
    assert "More text." in shown.text
    assert shown.finished() is shown


def test_the_publishers_own_text_agreeing_with_trafilatura_spares_readability():
    asked = []
    choice = choose_body(
        [_candidate(TRAFILATURA, ARTICLE), _candidate(FEED, ARTICLE)],
        second_opinion=lambda: asked.append(1) or [_candidate(READABILITY, RAIL)],
    )
    assert choice.source == TRAFILATURA
    assert asked == []
    assert choice.reasons == ("trafilatura: agrees with feed (1.00)",)


def test_readability_is_asked_when_the_publishers_text_differs_or_may_not_vote():
    always = EnsembleParams(outside_sources_vote=False, only_when_doubtful=False)
    short = " ".join(ARTICLE.split()[:60])  # a second sign: the publisher's text differing is not enough alone
    for main, outside, params, expected in (
        (short, _candidate(JSON_LD, RAIL), DEFAULT_PARAMS, [1]),
        (ARTICLE, _candidate(JSON_LD, RAIL), DEFAULT_PARAMS, []),
        (ARTICLE, _candidate(JSON_LD, ARTICLE), always, [1]),
    ):
        asked = []
        choose_body(
            [_candidate(TRAFILATURA, main), outside],
            second_opinion=lambda asked=asked: asked.append(1) or [_candidate(READABILITY, ARTICLE)],
            params=params,
        )
        assert asked == expected, main[:20]


# --- readability only when trafilatura's body is doubtful ---------------------------------------------------------

DESCRIPTION = "The council voted on Tuesday to reopen the harbour after a year of repairs."
SHORT = " ".join(ARTICLE.split()[:60])
SIGNS = {
    "words": (_candidate(TRAFILATURA, SHORT), "", EnsembleParams(doubt_words=0)),
    "description": (
        _candidate(TRAFILATURA, f"{DESCRIPTION}\n\n{ARTICLE}"),
        DESCRIPTION,
        EnsembleParams(doubt_lead=1.01),
    ),
    "heading": (
        dataclasses.replace(_candidate(TRAFILATURA, ARTICLE), opens_with_heading=True),
        "",
        EnsembleParams(doubt_heading=False),
    ),
    "url": (
        _candidate(TRAFILATURA, f"{ARTICLE}\n\nhttps://news.example/2019/11/harbour-reopens.php"),
        "",
        EnsembleParams(doubt_url=False),
    ),
    "one block": (
        dataclasses.replace(_candidate(TRAFILATURA, ARTICLE), one_block=True),
        "",
        EnsembleParams(doubt_one_block=False),
    ),
}


def _asked(main, description: str, params: EnsembleParams = DEFAULT_PARAMS):
    asked = []
    choice = choose_body(
        [main],
        second_opinion=lambda: asked.append(1) or [_candidate(READABILITY, ARTICLE)],
        description=description,
        params=params,
    )
    return bool(asked), choice


def test_readability_is_not_asked_when_trafilaturas_body_shows_no_sign_of_doubt():
    asked, choice = _asked(_candidate(TRAFILATURA, ARTICLE), "Something else entirely about another town.")
    assert not asked
    assert choice.source == TRAFILATURA
    assert choice.reasons == ("trafilatura: no sign of doubt, readability not asked",)
    # The old cascade, readability always asked, stays one setting away (the cross-validation compares both).
    asked, _ = _asked(_candidate(TRAFILATURA, ARTICLE), "", EnsembleParams(only_when_doubtful=False))
    assert asked


ANY_SIGN = EnsembleParams(doubt_signs=1)


@pytest.mark.parametrize("sign", sorted(SIGNS))
def test_each_sign_of_doubt_asks_readability_and_can_be_turned_off(sign):
    main, description, without = SIGNS[sign]
    asked, choice = _asked(main, description, ANY_SIGN)
    assert asked, sign
    assert "readability asked" in choice.reasons[0]
    assert doubts(main, description) != []
    asked, choice = _asked(main, description, dataclasses.replace(without, doubt_signs=1))
    assert not asked, sign
    assert doubts(main, description, without) == []


@pytest.mark.parametrize(
    ("sign", "alone"),
    [("heading", True), ("one block", True), ("words", False), ("description", False), ("url", False)],
)
def test_a_heading_or_one_block_asks_readability_alone_any_other_sign_only_with_a_second(sign, alone):
    main, description, _ = SIGNS[sign]
    asked, choice = _asked(main, description)
    assert asked is alone, sign
    if not alone:
        assert choice.source == TRAFILATURA
        assert choice.reasons[0].startswith("trafilatura: one sign of doubt alone (")
        assert "readability not asked" in choice.reasons[0]
        # With a second sign (a URL line; for that sign, a short body too) readability is asked.
        url_line = "\n\nhttps://news.example/2019/11/harbour-reopens.php"
        second = _candidate(TRAFILATURA, (SHORT if sign == "url" else main.text) + url_line)
        asked, choice = _asked(second, description)
        assert asked, sign
        assert "readability asked" in choice.reasons[0]


def test_a_sign_is_told_by_its_kind_not_by_its_wording():
    # The signs enough alone were found by the prefix of their text; a sign is now its kind, and its words come from
    # the kind (Doubt's values), so rewording one cannot change which signs ask for readability.
    assert worth_a_second_opinion([DoubtSign(Doubt.HEADING, "a kept kicker")])
    assert worth_a_second_opinion([DoubtSign(Doubt.ONE_BLOCK, "all in one")])
    assert not worth_a_second_opinion([DoubtSign(Doubt.SHORT, "opens with a heading of 60 words")])
    assert not worth_a_second_opinion([PUBLISHER_DIFFERS])
    assert worth_a_second_opinion([PUBLISHER_DIFFERS, DoubtSign.of(Doubt.SHORT, words=60)])
    kept = dataclasses.replace(_candidate(TRAFILATURA, "\n\nhttps://news.example/a"), opens_with_heading=True)
    assert [(sign.kind, str(sign)) for sign in doubts(kept, "")] == [
        (Doubt.SHORT, f"{kept.words} words"),
        (Doubt.HEADING, "opens with a heading"),
        (Doubt.URL_LINE, "a paragraph that is only a URL"),
    ]


def test_a_kicker_heading_alone_still_asks_readability_and_the_vote_drops_the_rail_after_the_article():
    # CNBC's page (goose-lead): a heading above the article ("Market Insider") is the only sign, and enough alone;
    # readability's article disagrees (no rail of teasers after it) and the tie-break's stricter run, without the rail,
    # wins the vote.
    kept = dataclasses.replace(
        _candidate(TRAFILATURA, f"Market Insider\n\n{ARTICLE}\n\n{RAIL}"), opens_with_heading=True
    )
    assert said(doubts(kept, "")) == ["opens with a heading"]
    asked = []
    choice = choose_body(
        [kept],
        second_opinion=lambda: asked.append(1) or [_candidate(READABILITY, ARTICLE)],
        tie_breakers=lambda: [_candidate(TRAFILATURA_PRECISION, f"Market Insider\n\n{ARTICLE}")],
        params=NO_VOTE,
    )
    assert asked == [1]
    assert choice.source == TRAFILATURA_PRECISION
    assert "Related headline" not in choice.candidate.text


COMMENTS = "\n\n".join(
    f"{stamp}\n\nReader {n} says the council should have done this years ago, and more besides."
    for n, stamp in enumerate(["Hace una hora", "Hace 2 horas", "Hace 2 horas", "Hace 2 horas"])
)


def test_reader_comments_kept_after_a_standfirst_still_ask_readability_and_the_tie_break_drops_them():
    # The page's description opening the body is one sign, not enough alone; the comments' timestamps repeated down
    # the body are a second (newspaper4k's Spanish page: its comments went only through the tie-break).
    body = f"{DESCRIPTION}\n\n{ARTICLE}\n\n{COMMENTS}"
    assert said(doubts(_candidate(TRAFILATURA, body), DESCRIPTION)) == [
        "opens with the page's description",
        "a line repeated 3 times (Hace 2 horas)",
    ]
    asked = []
    choice = choose_body(
        [_candidate(TRAFILATURA, body)],
        second_opinion=lambda: asked.append(1) or [_candidate(READABILITY, f"{DESCRIPTION}\n\n{ARTICLE}")],
        tie_breakers=lambda: [_candidate(TRAFILATURA_PRECISION, f"{DESCRIPTION}\n\n{ARTICLE}")],
        description=DESCRIPTION,
        params=NO_VOTE,
    )
    assert asked == [1]
    assert choice.source == TRAFILATURA_PRECISION
    assert "Hace 2 horas" not in choice.candidate.text
    # The lines repeated alone are one sign: an article quoting a refrain three times is not doubted for it.
    assert not _asked(_candidate(TRAFILATURA, f"{ARTICLE}\n\n{COMMENTS}"), "")[0]
    # Lines of more than eight words are not such lines.
    long_line = "The council met again on Tuesday in the town hall."
    assert doubts(_candidate(TRAFILATURA, f"{ARTICLE}\n\n" + f"\n\n{long_line}" * 4), "") == []


def test_the_signs_are_read_from_what_the_body_says():
    assert said(doubts(_candidate(TRAFILATURA, SHORT), "")) == ["60 words"]
    assert doubts(_candidate(TRAFILATURA, f"{ARTICLE}\n\n{RAIL}\n\n{DESCRIPTION}"), DESCRIPTION) == []  # 3rd: not lead
    lead = f"Opening words here.\n\n{DESCRIPTION.replace('Tuesday', 'Monday')}\n\n{ARTICLE}"
    assert doubts(_candidate(TRAFILATURA, lead), DESCRIPTION) == []  # one word of 14 differs: Jaccard 0.87
    assert said(doubts(_candidate(TRAFILATURA, lead), DESCRIPTION, EnsembleParams(doubt_lead=0.8))) == [
        "opens with the page's description"
    ]
    url_in_text = f"{ARTICLE} More at https://news.example/a."
    assert doubts(_candidate(TRAFILATURA, url_in_text), "") == []  # a URL inside a sentence is not a URL line


def test_trafilaturas_whole_page_fallback_yields_to_readability_on_a_tie():
    # trafilatura's body in one block is its fallback (the whole page, menus and all); two candidates that disagree
    # agree equally with each other, and the tie goes to readability's article instead of the priority's pick.
    dump = dataclasses.replace(_candidate(TRAFILATURA, f"{RAIL}\n{ARTICLE}\n{RAIL}"), one_block=True)
    choice = choose_body([dump], second_opinion=lambda: [_candidate(READABILITY, ARTICLE)], params=NO_VOTE)
    assert choice.source == READABILITY
    assert choice.reasons[0].startswith("trafilatura doubtful (one block of")
    # The same text in paragraphs is trafilatura's own extraction: the tie is trafilatura's, as before.
    paragraphs = _candidate(TRAFILATURA, f"{RAIL}\n\n{ARTICLE}\n\n{RAIL}")
    choice = choose_body([paragraphs], second_opinion=lambda: [_candidate(READABILITY, ARTICLE)], params=NO_VOTE)
    assert choice.source == TRAFILATURA


def _trafilatura_body(page: str):
    return trafilatura_candidate(
        lxml.html.document_fromstring(page),
        source=TRAFILATURA,
        url="https://example.org/a",
        title="Harbour reopens",
        base_url="",
        allow_loopback=False,
    )


def test_a_trafilatura_body_knows_whether_it_is_one_block():
    def body(article: str):
        return _trafilatura_body(f"<html><body><div id='menu'>{RAIL}</div><div>{article}</div></body></html>")

    assert not body("".join(f"<p>{sentence}.</p>" for sentence in ARTICLE.split(". "))).one_block
    assert body(ARTICLE.replace(". ", ".<br><br>")).one_block  # no paragraph found: the whole page in one


def test_a_trafilatura_body_knows_whether_it_opens_with_a_heading():
    def body(top: str):
        return _trafilatura_body(
            f"<html><body><article><h1>Harbour reopens</h1>{top}<p>{ARTICLE}</p></article></body></html>"
        )

    kept = body("<h2>The council votes to reopen it after a year of repairs and a long row</h2>")
    assert kept.opens_with_heading  # a dek under the headline, which the title does not match
    assert not body("").opens_with_heading  # the headline itself is dropped (it is the title)


def test_extract_article_asks_readability_only_for_a_doubtful_page():
    def page(top: str) -> bytes:
        return (
            "<html><head><title>Harbour reopens</title>"
            f'<meta name="description" content="{DESCRIPTION}"></head><body><nav><a href="/">Home</a></nav>'
            f"<article><h1>Harbour reopens</h1>{top}"
            + "".join(f"<p>{sentence}.</p>" for sentence in ARTICLE.split(". "))
            + "</article></body></html>"
        ).encode()

    sure = extract_article(page(""), url="https://news.example/a")
    assert sure.body_reasons == ("trafilatura: no sign of doubt, readability not asked",)
    standfirst = f"<p class='standfirst'>{DESCRIPTION}</p>"
    one_sign = extract_article(page(standfirst), url="https://news.example/a")
    assert one_sign.body_reasons == (
        "trafilatura: one sign of doubt alone (opens with the page's description), readability not asked",
    )
    doubtful = extract_article(page(f"<h2>What the council said</h2>{standfirst}"), url="https://news.example/a")
    assert "opens with the page's description" in doubtful.body_reasons[0]
    assert "readability asked" in doubtful.body_reasons[0]
    assert "readability" in doubtful.body_reasons[1]


def _ending(heading: str, items: int = 4, after: str = "") -> str:
    # trafilatura's body tree: <p>, <head>, <list>/<item> (what _drop_trailing_rail reads)
    rail = "".join(f"<item>Another headline number {n} from the desk</item>" for n in range(items))
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in ARTICLE.split(". "))
    body = etree.fromstring(f"<body>{paragraphs}<head>{heading}</head><list>{rail}</list>{after}</body>")
    _drop_trailing_rail(body)
    return " ".join("".join(body.itertext()).split())


@pytest.mark.parametrize("heading", ["More Must-Reads From TIME", "Related stories", "À lire aussi", "Most read"])
def test_a_rail_of_headlines_at_the_end_of_trafilaturas_body_goes(heading):
    text = _ending(heading, after="<p>Write to the author at desk@example.org</p>")
    assert "Sentence 11 of the article" in text
    assert heading not in text
    assert "Another headline number" not in text
    assert "Write to the author" not in text


@pytest.mark.parametrize(
    ("heading", "items", "after"),
    [
        ("More than 300 people were evacuated", 4, ""),  # a heading of the article's own, not a rail's name
        ("Related stories", 2, ""),  # two links are not a rail
        ("Related stories", 4, f"<p>{ARTICLE}</p>"),  # the article goes on after it
    ],
)
def test_a_list_that_is_not_a_trailing_rail_stays(heading, items, after):
    text = _ending(heading, items=items, after=after)
    assert heading in text
    assert "Another headline number 1" in text


def _tail(heading: str, tail: str) -> str:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in ARTICLE.split(". "))
    body = etree.fromstring(f"<body>{paragraphs}<head>{heading}</head>{tail}</body>")
    _drop_trailing_rail(body)
    return " ".join("".join(body.itertext()).split())


SLIDE = "<item><list><item>Previous</item><item>Next</item></list><head>A nation of girls slideshow</head>{}</item>"
QUOTE = (
    "<p>“In life many people have two faces. You think you know someone, but they are not always what they seem.”</p>"
)


@pytest.mark.parametrize(
    ("heading", "tail"),
    [
        # a slideshow: its controls, then slides that are cards (a heading each), then another rail's placeholder
        (
            "Featured Slide Shows",
            "<list><item>1 of 5</item><item>Close</item></list>"
            f"<list>{SLIDE.format('<p>A photo contest winner</p>')}{SLIDE.format(QUOTE)}{SLIDE.format(QUOTE)}</list>"
            "<head>Related Videos</head><p>Loading Comments...</p>",
        ),
        ("Related Videos", "<p>Loading Comments...</p>"),  # the rail's items load by script
        ("Today on WebMD", "<p>Please wait...</p><p>This feature is temporarily unavailable. Try again later.</p>"),
        ("Related stories", ""),
    ],
)
def test_a_rail_whose_items_are_cards_or_never_came_goes(heading, tail):
    text = _tail(heading, tail)
    assert text.endswith("Sentence 11 of the article tells what happened in the town on day 11..")
    for gone in (heading, "Loading", "slideshow", "Please wait"):
        assert gone not in text


@pytest.mark.parametrize(
    "tail",
    [
        f"<p>{ARTICLE}</p>",  # the article goes on under it
        "<p>A line under the heading of the article's own closing section.</p>" * 3,  # more than a line or two
        f"<list><item>{ARTICLE}</item><item>{ARTICLE}</item><item>{ARTICLE}</item></list>",  # long points, no cards
    ],
)
def test_a_rail_name_followed_by_the_articles_own_text_stays(tail):
    assert "Related stories" in _tail("Related stories", tail)


def _cards(heading: str, cards: list[tuple[str, str]]) -> str:
    # trafilatura's body tree for a rail of teaser cards: <head> headline, then a <p> standfirst (or none)
    tail = "".join(f"<head>{title}</head>" + (f"<p>{lead}</p>" if lead else "") for title, lead in cards)
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in ARTICLE.split(". "))
    body = etree.fromstring(f"<body>{paragraphs}<head>{heading}</head>{tail}</body>")
    _drop_trailing_rail(body)
    return " ".join("".join(body.itertext()).split())


STANDFIRST = "A columnist's first sentence, a line or two long, under the headline of the column."


@pytest.mark.parametrize("heading", ["Other Opinion Columns", "Other stories", "Related"])
def test_a_rail_of_teaser_cards_at_the_end_of_trafilaturas_body_goes(heading):
    cards = [("Editorial Fraser's lasting legacy", STANDFIRST), ("Wave of stupidity", STANDFIRST), ("Own backyard", "")]
    text = _cards(heading, cards)
    assert "Sentence 11 of the article" in text
    for gone in (heading, "columnist", "Wave of stupidity", "Own backyard"):
        assert gone not in text


@pytest.mark.parametrize(
    "cards",
    [
        [("Editorial", STANDFIRST), ("Wave of stupidity", STANDFIRST)],  # two cards are not a rail
        [("Editorial", STANDFIRST), ("Wave", STANDFIRST), ("Own backyard", ARTICLE)],  # a section of the article
        [("Editorial", STANDFIRST), ("Wave", STANDFIRST + "</p><p>" + STANDFIRST), ("Own backyard", STANDFIRST)],
    ],
)
def test_headings_with_more_than_a_standfirst_under_them_stay(cards):
    text = _cards("Other stories", cards)
    assert "Other stories" in text
    assert "columnist" in text


def _top(*lines: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in lines)
    body = etree.fromstring(f"<body>{paragraphs}<p>{ARTICLE}</p></body>")
    _drop_top_chrome(body)
    return "\n".join("".join(p.itertext()) for p in body)


def test_a_breadcrumb_or_a_bare_timestamp_above_the_article_goes():
    text = _top("News &gt; Economy &gt; Business", "Published 2013-10-24 03:00:00 Updated 2013-10-24 03:00:00")
    assert text == ARTICLE
    assert (
        _top("뉴스 \u203a 경제 \u203a 기업·CEO", "기사입력 2013-10-24 03:00:00 기사수정 2013-10-24 03:00:00") == ARTICLE
    )
    assert _top("Posted 10/24/2013 3:00 p.m.") == ARTICLE
    assert _top("Sunday, Feb 1, 2015 11:57 AM UTC", "Updated September 3rd, 2019") == ARTICLE


def test_lines_that_say_more_than_a_date_or_sit_lower_stay():
    kept = [
        "The council met on 2013-10-24 and voted to reopen the harbour.",  # a sentence with a date in it
        "On May 5, 2019 the council voted to reopen the harbour.",
        "Prices rose &gt; 5% in March &gt; the fastest pace &gt; since the spring of last year",  # too long a crumb
    ]
    for line in kept:
        assert _top(line).startswith(line.replace("&gt;", ">"))
    lower = _top("First line of the story.", "Second line of the story.", "Third line.", "News &gt; Economy &gt; Jobs")
    assert "News > Economy > Jobs" in lower


def test_no_tie_break_when_readability_has_no_body_and_no_outside_source_votes():
    """trafilatura and its stricter run agree with each other the same both ways: the tie would go to trafilatura."""
    asked = []
    choice = choose_body(
        [_candidate(TRAFILATURA, ARTICLE)],
        second_opinion=lambda: [_candidate(READABILITY, "Too short to be a body.")],
        tie_breakers=lambda: asked.append(1) or [_candidate(TRAFILATURA_PRECISION, ARTICLE[:400])],
        params=EnsembleParams(only_when_doubtful=False),
    )
    assert (choice.source, asked) == (TRAFILATURA, [])
    assert "could only confirm it" in choice.reasons[-1]
    # With an outside source in the vote, or trafilatura's body its whole-page fallback, the tie-break still runs.
    one_block = dataclasses.replace(_candidate(TRAFILATURA, ARTICLE), one_block=True)
    for found in ([_candidate(TRAFILATURA, ARTICLE), _candidate(JSON_LD, ARTICLE + " " + RAIL)], [one_block]):
        asked.clear()
        choose_body(
            found,
            tie_breakers=lambda: asked.append(1) or [_candidate(TRAFILATURA_PRECISION, ARTICLE[:400])],
            params=EnsembleParams(only_when_doubtful=False, outside_agree=1.01),
        )
        assert asked == [1]


def test_an_ellipsis_is_read_from_the_end_of_the_text_only():
    long = ARTICLE * 50
    for ending in ("...", "…", "[...]", "… \n\n  "):
        assert _truncated(long + " and then" + ending), ending
    for text in (long, "A teaser… that goes on to the end.", "Text [...] then more", ""):
        assert not _truncated(text), text


def test_a_candidates_word_count_is_its_texts():
    candidate = _candidate(TRAFILATURA, ARTICLE)
    assert candidate.words == candidate.words == len(ARTICLE.split())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("one two three four five " * 3, "two three four five one two three four five"),
        (ARTICLE, ARTICLE + " " + RAIL),
        (RAIL, ARTICLE),
        ("a b c", "a b c"),  # shorter than a 4-gram: one gram of its words
        ("", ARTICLE),
    ],
)
def test_shared_four_grams_count_each_repeated_gram_as_often_as_both_texts_hold_it(a, b):
    ours, theirs = ensemble._shingles(a), ensemble._shingles(b)
    expected = sum((ours & theirs).values())  # the multiset intersection, as Counter defines it
    assert ensemble._shared(ours, theirs) == ensemble._shared(theirs, ours) == expected
    assert (expected > 0) == (similarity(a, b) > 0)


def test_four_grams_are_strings_the_garbage_collector_does_not_track_and_equal_only_for_the_same_words():
    grams = ensemble._shingles("one two three four five six")
    assert list(grams) == ["one two three four", "two three four five", "three four five six"]
    assert not any(gc.is_tracked(gram) for gram in grams)  # a tuple per gram set off collections
    # a text shorter than a gram is one gram of its words, never equal to a 4-gram of a longer text
    assert ensemble._shared(ensemble._shingles("one two three"), grams) == 0
    assert similarity("one two three", "one two three") == 1.0
    assert similarity("x " + ARTICLE, ARTICLE) == pytest.approx(2 * 165 / (166 + 165))  # 168 words, one more


def test_a_candidates_word_count_and_its_four_grams_read_the_same_words():
    text = "Don't split—this text's words: 2026-12-05, naïve café, x_y."
    assert text_candidate(TRAFILATURA, text).words == len(words_of(text)) == 13
    assert ensemble._shingles(text).total() == len(words_of(text)) - 3


@pytest.mark.parametrize("at_least", [0, 1, 12, 13, 14, 150])
def test_has_words_says_whether_the_word_count_reaches_a_bound_before_and_after_the_count_is_known(at_least):
    text = "Don't split—this text's words: 2026-12-05, naïve café, x_y."  # 13 words
    fresh, counted = text_candidate(TRAFILATURA, text), text_candidate(TRAFILATURA, text)
    assert counted.words == 13
    assert fresh.has_words(at_least) == counted.has_words(at_least) == (at_least <= 13)
    assert "words" not in fresh.__dict__  # the bound was checked without counting every word
