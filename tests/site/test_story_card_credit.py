"""Every story card names the publisher whose headline and summary it shows (its lead, or with `?lang=` its report in
that language), linking our page of that publisher, with the wire credit its articles show: the product's rule that
every item shows its attribution. A card is cached (newsdesk.site.cards); a new lead or a renamed publisher shows at
once, and a publisher the site does not show is never named."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.articles.services import publisher_policy_set
from newsdesk.sources.models import Publisher
from newsdesk.stories.counts import story_counts_refresh
from newsdesk.stories.presentation import story_card
from newsdesk.stories.selectors import stories_by_id
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    """A story led by the Courier's English wire report, then the Herald's, then Le Quotidien's French report."""
    now = timezone.now()
    courier = make_publisher(name="Courier Kvx", slug="courier-kvx")
    herald = make_publisher(name="Herald Kvx", slug="herald-kvx")
    quotidien = make_publisher(name="Le Quotidien Kvx", slug="le-quotidien-kvx", language="fr")
    lead = make_article(
        courier, title="Harbour bridge closes", wire_credit="AFP", published_at=now - timedelta(hours=3)
    )
    second = make_article(herald, title="Harbour bridge shut", published_at=now - timedelta(hours=2))
    french = make_article(
        quotidien, title="Le pont du port fermé", language="fr", published_at=now - timedelta(hours=1)
    )
    story = make_story([lead, second, french])
    story_counts_refresh(story)
    story.refresh_from_db()
    assert story.lead_article_id == lead.pk
    return story


def _credits(html: str) -> list[tuple[str, str] | None]:
    """The publisher named on each story card of a page: (its link, its name), None for a card naming none."""
    cards = re.findall(r'<li class="story-card".*?</li>', html, re.S)
    return [
        match.groups() if (match := re.search(r'<a class="publisher" href="([^"]+)">([^<]+)</a>', card)) else None
        for card in cards
    ]


def test_a_home_card_names_its_leads_publisher_with_the_wire_credit(client, story):
    html = client.get("/").content.decode()

    assert _credits(html) == [("/publisher/courier-kvx/", "Courier Kvx")]
    card = re.search(r'<li class="story-card".*?</li>', html, re.S).group()
    assert '<span class="badge wire" lang="en">With AFP</span>' in card


def test_a_card_in_french_names_the_french_reports_publisher(client, story):
    html = client.get("/?lang=fr").content.decode()

    assert _credits(html) == [("/publisher/le-quotidien-kvx/", "Le Quotidien Kvx")]
    assert "With AFP" not in html
    assert _credits(client.get("/").content.decode()) == [("/publisher/courier-kvx/", "Courier Kvx")]


def test_after_the_lead_publisher_is_blocked_the_card_names_the_new_leads_publisher(client, story):
    assert _credits(client.get("/").content.decode())[0][1] == "Courier Kvx"  # the card is cached now

    publisher_policy_set(publisher=story.lead_article.publisher, display_policy=Publisher.DisplayPolicy.BLOCKED)

    html = client.get("/").content.decode()
    assert _credits(html) == [("/publisher/herald-kvx/", "Herald Kvx")]
    assert "Courier" not in html
    assert "With AFP" not in html


def test_a_renamed_publisher_shows_its_new_name_on_the_cached_card(client, story):
    assert _credits(client.get("/").content.decode())[0][1] == "Courier Kvx"
    Publisher.objects.filter(pk=story.lead_article.publisher_id).update(name="Courier Kvx Daily")

    assert _credits(client.get("/").content.decode())[0][1] == "Courier Kvx Daily"


@pytest.mark.parametrize("hidden", [{"display_policy": Publisher.DisplayPolicy.BLOCKED}, {"is_active": False}])
def test_a_lead_whose_publisher_is_not_shown_is_credited_nowhere(story, hidden):
    # Written behind the services' back (they choose another lead at once): the card still names nobody hidden.
    Publisher.objects.filter(pk=story.lead_article.publisher_id).update(**hidden)
    (loaded,) = stories_by_id([story.pk])

    assert story_card(loaded).told_by is None
    assert story_card(loaded, lead=loaded.lead_article).told_by is None


def _page_credit(client, path: str) -> tuple[tuple[str, str] | None, str]:
    """The publisher a story page's header names (its link, its name), and that header."""
    html = client.get(path).content.decode()
    header = html.split('<header class="article-header">')[1].split("</header>")[0]
    return _credits(f'<li class="story-card">{header}</li>')[0], header


def test_the_story_page_names_whose_headline_heads_it_in_each_language(client, story):
    url = story.get_absolute_url()
    credit, header = _page_credit(client, url)
    assert credit == ("/publisher/courier-kvx/", "Courier Kvx")
    assert "With AFP" in header
    assert _page_credit(client, f"{url}?lang=fr")[0] == ("/publisher/le-quotidien-kvx/", "Le Quotidien Kvx")

    publisher_policy_set(publisher=story.lead_article.publisher, display_policy=Publisher.DisplayPolicy.BLOCKED)

    assert _page_credit(client, url)[0] == ("/publisher/herald-kvx/", "Herald Kvx")
    assert "Courier" not in client.get(url).content.decode()
