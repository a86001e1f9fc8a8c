"""A headline alone takes the words of its URL's slug that it lacks (ClusterOptions.title_url_weight): the slug is
the longest path segment of three or more words of letters; ids, dates, hashes, page suffixes and section names are
not slugs. Only headlines scored by their words alone take them: full text has words enough, and an embedding
already brings the related words."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, article_features, clustering_features
from newsdesk.reader.cluster.features import url_words

SBARRO = (
    "Sbarro pizza chain files for bankruptcy again",
    "http://www.nj.com/business/index.ssf/2014/03/sbarro_pizza_chain_files_for_bankruptcy_for_second_time.html",
)
# The same event in other words: only its slug says what the headline does not.
SBARRO_AGAIN = (
    "Restaurant operator seeks court protection",
    "http://example.com/news/2014/03/11/sbarro-files-for-bankruptcy-again-1.12345",
)
BITCOIN = ("Bitcoin exchange closes its doors", "http://example.com/business/mt-gox-bitcoin-exchange-shuts-down/")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (SBARRO[1], ["sbarro", "pizza", "chain", "files", "for", "bankruptcy", "for", "second", "time"]),
        # An id glued to the slug is dropped, the slug kept; the longer of two slugs wins.
        (
            "http://www.bidnessetc.com/21217-microsoft-titanfall-xbox-one/the-bachelor-news/",
            ["microsoft", "titanfall", "xbox", "one"],
        ),
        ("http://www.globaltimes.cn/content/847489.shtml", []),  # an id alone
        ("http://example.com/the-bachelor/2014-03-10/", []),  # a section name, a date
        ("http://example.com/story/article_b355b71e-eee0-5069-bb80-2bc2f8277de9", []),  # a hash
        ("not a url at all", []),
        ("http://[broken/", []),
    ],
)
def test_url_words_are_the_longest_slug_of_letters(url, words):
    assert url_words(url) == words


def test_the_slugs_missing_words_join_the_terms_at_their_weight_never_the_entities():
    plain = article_features(*SBARRO_AGAIN[:1])
    features = article_features(SBARRO_AGAIN[0], "", SBARRO_AGAIN[1], 0.5)

    assert features.terms["sbarro"] == 0.5
    assert features.terms["bankru"] == 0.5
    # The headline's own terms keep their weight; the slug's word for one of them adds nothing.
    assert {term: features.terms[term] for term in plain.terms} == plain.terms
    assert features.entities == plain.entities
    assert article_features(SBARRO_AGAIN[0], "", SBARRO_AGAIN[1], 0.0) == plain


def test_only_a_headline_alone_scored_by_its_words_takes_its_slug():
    options = ClusterOptions()
    title, url = SBARRO_AGAIN

    assert "sbarro" in clustering_features(options, title=title, url=url).terms
    assert "sbarro" not in clustering_features(options, title=title, url=url, embedded=True).terms
    assert "sbarro" not in clustering_features(options, title=title, text="A restaurant operator.", url=url).terms
    assert "sbarro" not in clustering_features(replace(options, title_url_weight=0.0), title=title, url=url).terms


@pytest.mark.parametrize(("weight", "together"), [(ClusterOptions().title_url_weight, True), (0.0, False)])
def test_a_headline_in_other_words_joins_its_story_through_its_slug(weight, together):
    clusterer = StoryClusterer(replace(ClusterOptions(), title_url_weight=weight))
    first = clusterer.assign(title=SBARRO[0], url=SBARRO[1])
    clusterer.assign(title=BITCOIN[0], url=BITCOIN[1])
    again = clusterer.assign(title=SBARRO_AGAIN[0], url=SBARRO_AGAIN[1])

    assert (again.story == first.story) is together
    assert again.opened is not together


def test_the_headlines_own_words_split_at_apostrophes_are_not_new_the_parts_of_a_hyphenated_word_are():
    title = "L'accord de coalition : Bürgerbund sous pression"
    url = "https://x.example/politique/2026-11-28/l-accord-de-coalition-burgerbund-sous-pression/"

    assert article_features(title, "", url, 1.0) == article_features(title)
    # A hyphenated word is one term of its first letters ("comcas"): its other parts are new.
    features = article_features(
        "Franken slams Comcast-Time Warner deal", "", "https://x.example/comcast-time-warner-deal", 1.0
    )
    assert (features.terms["comcas"], features.terms["time"]) == (2.0, 1.0)
    longer = url.replace("-pression/", "-pression-apres-le-vote-de-confiance/")
    assert article_features(title, "", longer, 1.0).terms["confia"] == 1.0
