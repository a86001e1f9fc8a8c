"""A reader who asked for a language (`?lang=`) sees each story as its report in that language tells it: on the
home page's cards, in the story feeds and in the API's list; without `?lang=` every story shows its lead."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.sources.models import Publisher
from newsdesk.stories.models import Story
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_group, make_story

pytestmark = pytest.mark.django_db

GERMAN = "Wahl in Valdeluna: Bürgermeisterin abgewählt"
FRENCH = "Élection à Valdeluna : la maire battue"
FRENCH_SUMMARY = "La maire de Valdeluna a perdu son siège dimanche."
HEADLINE_ONLY = "Valdeluna : la maire perd"
HOUR = timedelta(hours=1)


@pytest.fixture
def german_story() -> dict:
    """A story led by a German report (three of its six articles are German), covered in French too: first by a
    publisher that allows headlines only, then by one that shows text, then a wire copy of that French report."""
    now = timezone.now()
    german = make_article(
        make_publisher(language="de"),
        title=GERMAN,
        language="de",
        summary="Die Bürgermeisterin verlor am Sonntag.",
        published_at=now - timedelta(hours=5),
    )
    more_german = [
        make_article(make_publisher(language="de"), language="de", published_at=now - timedelta(hours=4, minutes=n))
        for n in range(2)
    ]
    headline_only = make_article(
        make_publisher(language="fr", policy=Publisher.DisplayPolicy.HEADLINE),
        title=HEADLINE_ONLY,
        language="fr",
        published_at=now - timedelta(hours=3),
    )
    french = make_article(
        make_publisher(language="fr"),
        title=FRENCH,
        language="fr",
        summary=FRENCH_SUMMARY,
        published_at=now - timedelta(hours=2),
    )
    copy = make_article(
        make_publisher(language="fr"), title="Copie de dépêche", language="fr", published_at=now - timedelta(hours=1)
    )
    make_group(french, [copy])
    story = make_story([german, *more_german, headline_only, french, copy])
    assert (story.language, story.headline) == ("de", GERMAN)
    return {"story": story, "french": french}


def _cards(html: str) -> list[tuple[str, str, str]]:
    """(lang, link, headline) of each story card of a page."""
    found = re.findall(r'<li class="story-card" lang="(\w+)">.*?<a href="([^"]+)">([^<]+)</a>', html, re.S)
    return [(lang, link.replace("&amp;", "&"), headline) for lang, link, headline in found]


def test_home_in_french_shows_each_story_as_its_french_report_tells_it(client, german_story):
    story = german_story["story"]
    url = story.get_absolute_url()

    french = client.get("/?lang=fr").content.decode()
    everything = client.get("/").content.decode()

    # The report that would lead in French: the first that may show text (not the headline-only one, not a copy).
    assert _cards(french) == [("fr", f"{url}?lang=fr", FRENCH)]
    assert FRENCH_SUMMARY in french
    assert GERMAN not in french
    assert _cards(everything) == [("de", url, GERMAN)]
    cards = everything.split('<section class="section"')[0]  # (the sections below list every article)
    assert FRENCH not in cards
    assert FRENCH_SUMMARY not in cards
    # A German reader sees the German lead: a story led in the language asked for is shown as it is.
    assert _cards(client.get("/?lang=de").content.decode()) == [("de", url, GERMAN)]


@pytest.mark.parametrize("fragments", [True, False], ids=["cached pages", "pages from scratch"])
def test_the_story_page_in_french_is_headed_by_the_french_report_the_card_linked(
    client, settings, german_story, fragments
):
    settings.FRAGMENT_CACHE_ENABLED = fragments
    url = german_story["story"].get_absolute_url()

    french = client.get(f"{url}?lang=fr").content.decode()
    plain = client.get(url).content.decode()

    assert f'<h1 lang="fr">{FRENCH}</h1>' in french
    assert f'<p class="story-summary" lang="fr">{FRENCH_SUMMARY}</p>' in french
    # One story, one page: its French reading names the plain page as canonical.
    assert re.search(rf'<link rel="canonical" href="[^"]*{re.escape(url)}">', french)
    assert f'<h1 lang="de">{GERMAN}</h1>' in plain
    assert '<p class="story-summary" lang="de">' in plain
    # Led in German already, no such language: the page as it is; junk: a 400 naming it, as the API's story says.
    for other in ("de", "es"):
        assert client.get(f"{url}?lang={other}").content.decode().count(f'<h1 lang="de">{GERMAN}</h1>') == 1
    junk = client.get(f"{url}?lang=zzzz-ΩΩ")
    assert junk.status_code == 400
    assert "lang must be a language code such as en, fr or pt-BR" in junk.content.decode()


@pytest.mark.parametrize("fragments", [True, False], ids=["cached cards", "cards from scratch"])
def test_a_french_card_follows_an_edit_of_its_french_report(client, settings, german_story, fragments):
    settings.FRAGMENT_CACHE_ENABLED = fragments
    assert FRENCH in client.get("/?lang=fr").content.decode()
    french = german_story["french"]
    french.title = "Valdeluna : la maire battue au second tour"
    french.save()  # moves its updated_at, which the card is keyed on

    html = client.get("/?lang=fr").content.decode()

    assert "la maire battue au second tour" in html
    assert FRENCH not in html


def test_story_feeds_and_api_list_in_french_give_each_story_its_french_report(client, german_story):
    url = german_story["story"].get_absolute_url()

    feed = json.loads(client.get("/stories/feed.json?lang=fr").content)
    rss = client.get("/stories/rss.xml?lang=fr").content.decode()
    api = client.get("/api/stories?lang=fr").json()
    everything = client.get("/api/stories").json()

    (item,) = feed["items"]
    assert (item["title"], item["language"]) == (FRENCH, "fr")
    assert item["url"].endswith(f"{url}?lang=fr")  # its French reading
    assert FRENCH_SUMMARY in item["content_text"]
    assert f"<title>{FRENCH}</title>" in rss
    (listed,) = api["items"]
    assert (listed["headline"], listed["language"], listed["summary"]) == (FRENCH, "fr", FRENCH_SUMMARY)
    assert listed["languages"] == ["de", "fr"]  # the coverage is the story's, whichever report tells it
    # Its page as the item tells it, like the feed's link; `url` stays the story's identity, like the feed's id.
    assert (listed["url"], listed["reader_url"]) == (f"http://testserver{url}", f"http://testserver{url}?lang=fr")
    assert [(i["headline"], i["language"]) for i in everything["items"]] == [(GERMAN, "de")]
    assert everything["items"][0]["reader_url"] == everything["items"][0]["url"] == f"http://testserver{url}"
    story_id = german_story["story"].pk
    detail = client.get(f"/api/stories/{story_id}?lang=fr").json()
    assert (detail["headline"], detail["language"], detail["summary"]) == (FRENCH, "fr", FRENCH_SUMMARY)
    assert detail["reader_url"] == f"http://testserver{url}?lang=fr"
    assert len(detail["articles"]) == 5  # its coverage as without `lang`
    assert client.get(f"/api/stories/{story_id}").json()["headline"] == GERMAN
    junk = client.get(f"/api/stories/{story_id}?lang=1x")
    assert junk.status_code == 400
    assert "lang" in junk.json()["error"]


def test_every_surface_retells_the_same_stories_by_one_rule_the_language_of_the_lead(client, german_story):
    # The home page asked whether the lead article was in the reader's language, the feeds and the API whether the
    # story's stored language was: a story whose stored language went stale was told in French on one and not the
    # other. Now story_language_leads alone decides, by the lead's language.
    story = german_story["story"]
    Story.objects.filter(pk=story.pk).update(language="fr")

    home = _cards(client.get("/?lang=fr").content.decode())
    (item,) = json.loads(client.get("/stories/feed.json?lang=fr").content)["items"]
    (listed,) = client.get("/api/stories?lang=fr").json()["items"]
    page = client.get(f"{story.get_absolute_url()}?lang=fr").content.decode()

    assert [card[2] for card in home] == [FRENCH]
    assert (item["title"], listed["headline"]) == (FRENCH, FRENCH)
    assert f'<h1 lang="fr">{FRENCH}</h1>' in page


def test_a_story_led_in_the_asked_language_costs_no_query(django_assert_num_queries, german_story):
    from newsdesk.stories.selectors import story_language_leads

    story = german_story["story"]
    with django_assert_num_queries(0):
        assert story_language_leads({story.pk: "de"}, language="de") == {}
        assert story_language_leads({story.pk: "de"}, language="") == {}
    assert story_language_leads({story.pk: "de"}, language="fr")[story.pk].title == FRENCH


def _items(xml: str, tag: str, link: str, ident: str) -> list[tuple[str, str]]:
    """(link, id) of each item (`tag`) of an RSS or Atom feed."""
    items = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", xml, re.S)
    return [(re.search(link, item).group(1), re.search(ident, item).group(1)) for item in items]


def test_story_feed_items_in_french_link_the_french_reading_and_keep_the_plain_ids(client, german_story):
    url = german_story["story"].get_absolute_url()
    shapes = {
        "rss.xml": ("item", r"<link>([^<]+)</link>", r"<guid[^>]*>([^<]+)</guid>"),
        "atom.xml": ("entry", r'<link href="([^"]+)"', r"<id>([^<]+)</id>"),
    }

    for lang, reading in (("fr", f"{url}?lang=fr"), ("de", url), ("", url)):
        query = f"?lang={lang}" if lang else ""
        (item,) = json.loads(client.get(f"/stories/feed.json{query}").content)["items"]
        assert item["url"].endswith(reading)
        # A feed reader keys items on their ids: the link of a reading must not make the story a new item.
        assert item["id"].endswith(url)
        for path, (tag, link, ident) in shapes.items():
            xml = client.get(f"/stories/{path}{query}").content.decode().replace("&amp;", "&")
            ((linked, guid),) = _items(xml, tag, link, ident)
            assert linked.endswith(reading)
            assert guid.endswith(url)


def test_a_story_feed_in_french_names_itself_with_the_filter_as_the_article_feeds_do(client, german_story):
    # A feed reader subscribes to (and may move to) the feed's own URL: without `?lang=fr` there, a French reader's
    # subscription would become every language.
    rss = client.get("/stories/rss.xml?lang=fr").content.decode().replace("&amp;", "&")
    atom = client.get("/stories/atom.xml?lang=fr").content.decode().replace("&amp;", "&")
    feed = json.loads(client.get("/stories/feed.json?lang=fr").content)
    plain = json.loads(client.get("/stories/feed.json").content)

    assert re.search(r'<atom:link href="[^"]+/stories/rss\.xml\?lang=fr" rel="self"', rss)
    assert "<language>fr</language>" in rss
    assert re.search(r'<link href="[^"]+/stories/atom\.xml\?lang=fr" rel="self"', atom)
    assert re.search(r'<link href="[^"]+/\?lang=fr" rel="alternate"', atom)
    assert re.search(r'<feed [^>]*xml:lang="fr"', atom)
    assert feed["feed_url"].endswith("/stories/feed.json?lang=fr")
    assert feed["home_page_url"].endswith("/?lang=fr")
    assert feed["language"] == "fr"
    assert plain["feed_url"].endswith("/stories/feed.json")
    assert plain["home_page_url"].endswith("/")
    # Unfiltered, the feed says the language its items share: its one story is told in German (its lead's).
    assert plain["language"] == "de"


@pytest.mark.parametrize("fragments", [True, False], ids=["cached pages", "pages from scratch"])
def test_a_story_page_read_in_a_language_offers_the_feeds_in_that_language(client, settings, german_story, fragments):
    settings.FRAGMENT_CACHE_ENABLED = fragments
    url = german_story["story"].get_absolute_url()

    def feeds(query: str) -> list[str]:
        html = client.get(f"{url}{query}").content.decode()
        return [h.replace("&amp;", "&") for h in re.findall(r'<link rel="alternate" [^>]*href="([^"]+)"', html)]

    plain = feeds("")
    # Led in German already: the same page as the plain one but for its feed links (a cached plain page must not
    # answer for it, nor it for the plain page).
    german, french, plain_again = feeds("?lang=de"), feeds("?lang=fr"), feeds("")

    assert "/stories/rss.xml" in plain
    assert "/stories/rss.xml?lang=de" in german
    assert "/feeds/feed.json?lang=de" in german
    assert "/stories/atom.xml?lang=fr" in french
    assert plain_again == plain
    assert not [href for href in plain if "lang=" in href]


@pytest.mark.parametrize("fragments", [True, False], ids=["cached pages", "pages from scratch"])
def test_the_story_page_in_french_names_its_comments_feed_by_the_french_headline(
    client, settings, german_story, fragments
):
    settings.FRAGMENT_CACHE_ENABLED = fragments
    url = german_story["story"].get_absolute_url()

    def head(query: str) -> tuple[str, str]:
        html = client.get(f"{url}{query}").content.decode()
        title = re.search(r"<title>([^<]+)</title>", html).group(1)
        comments = re.search(r'<link rel="alternate" type="application/atom\+xml" title="Comments on “([^”]+)”', html)
        return title, comments.group(1)

    french_title, french_comments = head("?lang=fr")
    plain_title, plain_comments = head("")

    assert french_title.startswith(FRENCH)
    assert french_comments == FRENCH  # the headline the page is headed by, not the lead's
    assert plain_title.startswith(GERMAN)
    assert plain_comments == GERMAN
    assert head("?lang=es") == (plain_title, plain_comments)


def test_a_story_whose_french_reports_are_all_headline_only_shows_the_first_without_summary(client):
    now = timezone.now()
    german = make_article(make_publisher(language="de"), title=GERMAN, language="de", published_at=now - 2 * HOUR)
    headline_only = make_publisher(language="fr", policy=Publisher.DisplayPolicy.HEADLINE)
    first = make_article(headline_only, title=HEADLINE_ONLY, language="fr", summary=FRENCH_SUMMARY, published_at=now)
    make_story([german, make_article(make_publisher(language="de"), language="de"), first])

    html = client.get("/?lang=fr").content.decode()

    assert [card[2] for card in _cards(html)] == [HEADLINE_ONLY]
    assert FRENCH_SUMMARY not in html


@pytest.mark.parametrize("fragments", [True, False], ids=["cached cards", "cards from scratch"])
@pytest.mark.parametrize("path", ["/?lang=fr", "/stories/feed.json?lang=fr", "/api/stories?lang=fr&limit=100"])
def test_french_cards_cost_the_same_queries_for_2_stories_and_for_12(client, settings, path, fragments):
    settings.FRAGMENT_CACHE_ENABLED = fragments

    def grow(stories: int) -> None:
        for n in range(Story.objects.count(), Story.objects.count() + stories):
            german = make_article(make_publisher(language="de"), title=f"Bericht {n}", language="de")
            second = make_article(make_publisher(language="de"), language="de")
            french = make_article(make_publisher(language="fr"), title=f"Reportage {n}", language="fr")
            make_story([german, second, french])

    def queries() -> tuple[int, int]:
        client.get(path)  # warms what caches there are
        with CaptureQueriesContext(connection) as captured:
            body = client.get(path).content.decode()
        return len(captured.captured_queries), len(set(re.findall(r"Reportage \d+", body)))

    grow(2)
    small, shown_small = queries()
    grow(10)
    big, shown_big = queries()

    assert Story.objects.count() == 12
    assert (shown_small, shown_big) == (2, 12)
    assert small == big


def test_a_french_wire_copy_standing_in_for_a_hidden_primary_retells_the_story_in_french(client):
    # The story page reports a wire text whose primary it does not show by its earliest shown copy; the language
    # cards left every copy out, so a story whose only French report is such a copy was not told in French.
    now = timezone.now()
    german = make_article(
        make_publisher(language="de"), title=GERMAN, language="de", published_at=now - timedelta(hours=5)
    )
    agency, first, second = (
        make_article(
            make_publisher(language="fr", **extra), title=title, language="fr", published_at=now - timedelta(hours=h)
        )
        for title, h, extra in (
            ("Agence : la maire battue", 4, {"policy": Publisher.DisplayPolicy.BLOCKED}),
            (FRENCH, 3, {}),
            ("Copie : la maire battue", 2, {}),
        )
    )
    make_group(agency, [first, second])
    story = make_story([german, agency, first, second], lead_article=german, language="de")
    from newsdesk.stories.selectors import story_language_leads

    assert story_language_leads({story.pk: "de"}, language="fr")[story.pk].id == first.pk
    (listed,) = client.get("/api/stories?lang=fr").json()["items"]
    assert listed["headline"] == FRENCH
