"""Stories on the site, in the API and in feeds: one card per story, every outlet, primary sources first, each
wire text once, and nothing the display policy hides."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.api.openapi import openapi_schema
from newsdesk.articles.filters import FilterError, language_param
from newsdesk.sources.models import Publisher
from newsdesk.stories.counts import story_counts_refresh, story_image_refresh
from newsdesk.stories.models import Story
from newsdesk.stories.selectors import story_rank
from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_group, make_story

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HOUR = timedelta(hours=1)


@pytest.fixture
def wire_story():
    """A wire text printed by three outlets (one primary), plus an own report in German, as one story."""
    now = timezone.now()
    world = make_category("World")
    courier = make_publisher(name="Northbridge Courier", language="en")
    herald = make_publisher(name="Lakeshore Herald", language="en")
    gazette = make_publisher(name="Valley Gazette", language="en")
    rundschau = make_publisher(name="Nordstädter Rundschau", language="de")
    primary = make_article(
        courier,
        title="Harbour bridge closes after storm",
        wire_credit="AFP",
        category=world,
        published_at=now - timedelta(hours=3),
        summary="The harbour bridge closed on Monday after a storm damaged its cables.",
    )
    copy_one = make_article(
        herald,
        title="Harbour bridge shut after storm",
        wire_credit="AFP",
        category=world,
        published_at=now - timedelta(hours=2),
    )
    copy_two = make_article(
        gazette,
        title="Storm shuts harbour bridge",
        wire_credit="AFP",
        category=world,
        published_at=now - timedelta(hours=1),
    )
    german = make_article(
        rundschau,
        title="Hafenbrücke nach Sturm gesperrt",
        language="de",
        category=world,
        published_at=now - timedelta(minutes=30),
    )
    group = make_group(primary, [copy_one, copy_two])
    story = make_story([primary, copy_one, copy_two, german], report_count=2)
    return {
        "story": story,
        "primary": primary,
        "copies": [copy_one, copy_two],
        "german": german,
        "group": group,
        "category": world,
    }


def test_story_page_shows_headline_every_outlet_and_language_with_primary_sources_first(client, wire_story):
    response = client.get(wire_story["story"].get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 lang="en">Harbour bridge closes after storm</h1>' in html
    for name in ("Northbridge Courier", "Lakeshore Herald", "Valley Gazette", "Nordstädter Rundschau"):
        assert name in html
    assert 'lang="de"' in html
    assert 'lang="en"' in html
    coverage = html.split('id="coverage-heading"')[1].split('id="timeline-heading"')[0]
    reports = re.findall(r'<li class="item report( primary-source)?">', coverage)
    assert reports == [" primary-source", ""]  # the wire text's primary first, then the own report
    assert "Also carried by" in coverage
    # Repeats are not reports of their own: each appears once, under "Also carried by".
    assert coverage.count("Harbour bridge shut after storm") == 0
    assert coverage.count(wire_story["copies"][0].get_absolute_url()) == 1
    timeline = html.split('id="timeline-heading"')[1]
    assert timeline.index("Harbour bridge closes") < timeline.index("Hafenbrücke")
    assert "The harbour bridge closed on Monday" in html  # the lead article's summary (full policy)
    assert f"/images/{wire_story['primary'].image_key}-lead.webp" in html


def test_story_page_of_a_headline_only_lead_shows_neither_summary_nor_image(client):
    publisher = make_publisher(policy=Publisher.DisplayPolicy.HEADLINE)
    lead = make_article(publisher, title="Quiet vote", summary="zyxwvsentinel summary", body_text="zyxwvsentinel")
    story = make_story([lead])

    html = client.get(story.get_absolute_url()).content.decode()

    assert "Quiet vote" in html
    assert "zyxwvsentinel" not in html
    assert lead.image_url not in html


def test_a_story_whose_lead_may_not_show_its_image_shows_the_image_of_a_member_that_may(client):
    # In the demo world 17 of 55 stories showed no image: the story's image was the lead's whenever the lead had one,
    # though its display policy never let it be shown (headline-only outlets, noimageindex pages).
    now = timezone.now()
    lead = make_article(
        make_publisher(), title="Quiet vote", published_at=now - timedelta(hours=2), robots_directives="noimageindex"
    )
    headline_only = make_article(
        make_publisher(policy=Publisher.DisplayPolicy.HEADLINE), title="Quiet vote, again", published_at=now - HOUR
    )
    shown = make_article(make_publisher(policy=Publisher.DisplayPolicy.EXCERPT), title="Vote", published_at=now)
    story = make_story([lead, headline_only, shown])
    story_counts_refresh(story)

    story.refresh_from_db()
    html = client.get(story.get_absolute_url()).content.decode()
    card = client.get("/").content.decode()

    assert (story.lead_article_id, story.image_article_id) == (lead.pk, shown.pk)
    assert f"/images/{shown.image_key}-lead.webp" in html
    assert f"/images/{shown.image_key}-card.webp" in card
    assert lead.image_key not in html
    assert headline_only.image_key not in html


def test_a_story_whose_first_report_is_headline_only_is_led_by_one_that_may_show_a_summary(client):
    # In the demo world 10 of 55 stories had no summary: their lead came from a headline-only outlet, though a later
    # report in the same language could show one.
    now = timezone.now()
    first = make_article(
        make_publisher(policy=Publisher.DisplayPolicy.HEADLINE),
        title="Quiet vote in the council",
        summary="zyxwvsentinel summary",
        published_at=now - timedelta(hours=3),
    )
    noted = make_article(
        make_publisher(),
        title="Council vote, again",
        published_at=now - timedelta(hours=2),
        robots_directives="nosnippet",
    )
    french = make_article(
        make_publisher(language="fr"), title="Vote au conseil", language="fr", published_at=now - timedelta(hours=2)
    )
    later = make_article(
        make_publisher(policy=Publisher.DisplayPolicy.EXCERPT),
        title="Council approves the harbour budget",
        summary="The council approved the harbour budget after a long debate.",
        published_at=now - timedelta(hours=1),
    )
    story = make_story([first, noted, french, later])
    story_counts_refresh(story)

    story.refresh_from_db()
    html = client.get(story.get_absolute_url()).content.decode()

    assert (story.lead_article_id, story.headline, story.language) == (later.pk, later.title, "en")
    assert '<h1 lang="en">Council approves the harbour budget</h1>' in html
    assert "The council approved the harbour budget" in html
    assert "zyxwvsentinel" not in html


@pytest.mark.parametrize(("path", "target"), [("/stories/", "/"), ("/stories/?lang=fr&page=2", "/?lang=fr&page=2")])
def test_the_stories_folder_leads_to_the_home_page_of_stories(client, path, target):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.parametrize("path", ["/stories/999999/", "/stories/99999999999999999999/"])
def test_unknown_story_is_a_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404


def test_home_shows_one_card_per_story_each_with_its_own_lang_and_outlets(client, wire_story):
    french = make_article(make_publisher(language="fr"), title="Élection municipale à Valdeluna", language="fr")
    make_story([french])

    html = client.get("/").content.decode()

    cards = re.findall(r'<li class="story-card" lang="(\w+)">', html)
    assert sorted(cards) == ["en", "fr"]
    assert html.count(wire_story["story"].get_absolute_url()) == 1
    assert "4 outlets" in html
    assert '<span class="badge language" lang="de">Deutsch</span>' in html  # the language's own name, not "de"


def test_home_sections_show_each_wire_text_once(client, wire_story):
    html = client.get("/").content.decode()

    sections = html.split('class="section"', 1)[1]
    for copy in wire_story["copies"]:
        assert copy.get_absolute_url() not in sections
    # One report a story: its newest (the German one) stands for it, the primary is on the story's card and page.
    assert wire_story["german"].get_absolute_url() in sections
    assert wire_story["primary"].get_absolute_url() not in sections


def test_home_pages_through_stories_with_a_more_link(client):
    publisher = make_publisher()
    now = timezone.now()
    for n in range(25):
        make_story([make_article(publisher, title=f"Event {n}", published_at=now - timedelta(minutes=n))])

    first = client.get("/").content.decode()
    second = client.get("/?page=2")

    assert first.count('class="story-card"') == 20
    assert 'rel="next" href="?page=2"' in first
    assert second.status_code == 200
    assert second.content.decode().count('class="story-card"') == 5
    assert client.get("/?page=3").status_code == 404
    assert client.get("/?page=junk").status_code == 400


def test_home_language_filter_keeps_stories_covered_in_that_language(client, wire_story):
    make_story([make_article(make_publisher(language="fr"), title="Élection à Valdeluna", language="fr")])

    german = client.get("/?lang=de-AT").content.decode()
    french = client.get("/?lang=fr").content.decode()

    assert wire_story["story"].get_absolute_url() in german
    assert "Élection" not in german
    assert "Élection" in french
    assert wire_story["story"].get_absolute_url() not in french


def test_home_in_a_language_names_it_and_a_language_with_no_name_known_is_shown_as_given(client, wire_story):
    # A reader reads "Top stories in German", not a code, and the name the language menu and the badges give it
    # (its own, marked with its lang); a language neither Django nor CLDR names (Central Bikol) stays a code, and a
    # code that names no language at all is refused (tests/site/test_language_codes.py).
    german = client.get("/?lang=de").content.decode()
    assert 'Top stories <span class="muted-heading">in German (<span lang="de">Deutsch</span>)</span>' in german
    english = client.get("/?lang=en").content.decode()
    assert 'Top stories <span class="muted-heading">in English</span>' in english  # its own name is its English one
    unnamed = client.get("/?lang=bcl")
    assert unnamed.status_code == 200
    assert "No stories covered in bcl yet." in unnamed.content.decode()
    assert "No stories covered in bcl yet." in client.get("/?lang=bcl-Latn").content.decode()
    assert client.get("/?lang=zz").status_code == 400


def test_home_in_a_language_no_story_is_covered_in_says_so_and_leads_back(client, wire_story):
    # "No articles yet … as soon as the first feeds have been fetched" was what a site full of articles said.
    html = client.get("/?lang=pt").content.decode()

    assert "No articles yet" not in html
    assert 'No stories covered in Portuguese (<span lang="pt">Português</span>) yet.' in html
    assert '<a href="/">Top stories in every language</a>' in html


@pytest.mark.parametrize(("raw", "expected"), [("fr", "fr"), ("fr-BE", "fr"), ("EN_us", "en"), ("", ""), (None, "")])
def test_language_filter_takes_the_primary_subtag(raw, expected):
    assert language_param(raw) == expected


@pytest.mark.parametrize("raw", ["1x", "é", "english"])
def test_a_malformed_language_filter_is_refused(raw):
    with pytest.raises(FilterError):
        language_param(raw)


def test_more_outlets_rank_higher_and_old_stories_fade():
    from newsdesk.stories.models import Story

    now = timezone.now()
    wide = Story(outlet_count=8, languages=["en", "fr"], report_count=3, last_seen=now)
    narrow = Story(outlet_count=2, languages=["en"], report_count=2, last_seen=now)
    stale = Story(outlet_count=8, languages=["en", "fr"], report_count=3, last_seen=now - timedelta(days=3))

    assert story_rank(wide, now=now) > story_rank(narrow, now=now) > story_rank(stale, now=now)


def test_article_page_links_its_story_and_credits_the_primary_source(client, wire_story):
    copy = wire_story["copies"][0]

    html = client.get(copy.get_absolute_url()).content.decode()

    assert f'href="{wire_story["story"].get_absolute_url()}"' in html
    context = html.split('class="story-context"')[1].split("</section>")[0]
    assert "Primary source:" in context
    assert wire_story["primary"].get_absolute_url() in context
    assert "Also carried by" in context
    assert "Valley Gazette" in context
    assert "Lakeshore Herald" not in context  # the page's own outlet is not "also" carrying it


def test_primary_article_page_says_it_is_the_primary_source(client, wire_story):
    html = client.get(wire_story["primary"].get_absolute_url()).content.decode()

    assert "This is the primary source" in html
    assert "Lakeshore Herald" in html
    assert "Valley Gazette" in html


def test_article_without_story_has_no_coverage_block(client):
    article = make_article(make_publisher())
    assert 'class="story-context"' not in client.get(article.get_absolute_url()).content.decode()


def test_category_page_and_feeds_show_each_wire_text_once(client, wire_story):
    slug = wire_story["category"].slug
    surfaces = [f"/category/{slug}/", f"/category/{slug}/rss.xml", "/feeds/rss.xml", "/feeds/feed.json"]
    for path in surfaces:
        body = client.get(path).content.decode()
        assert wire_story["primary"].get_absolute_url() in body, path
        for copy in wire_story["copies"]:
            assert copy.get_absolute_url() not in body, path
    # A publisher's own feed keeps its copy: it is that publisher's article.
    herald = wire_story["copies"][0].publisher
    assert (
        wire_story["copies"][0].get_absolute_url() in client.get(f"/publisher/{herald.slug}/rss.xml").content.decode()
    )


def test_story_api_lists_top_stories_and_details_one_with_its_articles(client, wire_story):
    listing = client.get("/api/stories").json()
    detail = client.get(f"/api/stories/{wire_story['story'].pk}").json()

    assert listing["items"][0]["id"] == wire_story["story"].pk
    assert listing["items"][0]["outlet_count"] == 4
    assert listing["items"][0]["languages"] == ["en", "de"]
    assert listing["next"] is None
    assert detail["headline"] == "Harbour bridge closes after storm"
    assert [a["primary_source"] for a in detail["articles"]] == [True, False]
    assert len(detail["articles"][0]["also_carried_by"]) == 2
    assert "Valley Gazette" in detail["outlets"]


def test_story_api_pages_filters_by_language_and_rejects_bad_input(client, wire_story):
    make_story([make_article(make_publisher(language="fr"), title="Élection", language="fr")])

    page = client.get("/api/stories?limit=1").json()
    french = client.get("/api/stories?lang=fr").json()

    assert len(page["items"]) == 1
    assert "limit=1&cursor=" in page["next"]
    rest = client.get(page["next"]).json()
    assert [item["id"] for item in rest["items"]] != [item["id"] for item in page["items"]]
    assert len(rest["items"]) == 1
    assert [item["headline"] for item in french["items"]] == ["Élection"]
    assert client.get("/api/stories?limit=0").status_code == 400
    assert client.get("/api/stories?offset=-1").status_code == 400
    assert client.get("/api/stories/abc").status_code == 404
    assert client.get("/api/stories/99999999999999999999").status_code == 404
    assert client.post("/api/stories").status_code == 405


@pytest.mark.parametrize("path", ["/stories/rss.xml", "/stories/atom.xml", "/stories/feed.json"])
def test_story_feeds_carry_one_item_per_story_linking_the_story_page(client, wire_story, path):
    response = client.get(path)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count(wire_story["story"].get_absolute_url()) >= 1
    assert "Harbour bridge closes after storm" in body
    assert "4 outlets, 4 articles, languages" in body  # counted as the story page counts them ("4 outlet(s)" was)
    assert "languages: English, German" in body  # named, not coded
    if path.endswith(".json"):
        document = json.loads(body)
        assert len(document["items"]) == 1
        assert document["items"][0]["_newsdesk"]["languages"] == ["en", "de"]


def test_story_feed_items_credit_the_report_whose_headline_and_summary_they_carry(client, wire_story):
    # The item's headline and summary are a publisher's words: named, its original linked and its wire credited, as
    # every article feed item is, and in the reader's language the report that tells it there.
    primary, german = wire_story["primary"], wire_story["german"]
    credit = f"Originally published by Northbridge Courier: {primary.original_url} — With AFP"

    feed = json.loads(client.get("/stories/feed.json").content)
    rss = ET.fromstring(client.get("/stories/rss.xml").content)
    atom = ET.fromstring(client.get("/stories/atom.xml").content)
    (item,) = feed["items"]
    (german_item,) = json.loads(client.get("/stories/feed.json?lang=de").content)["items"]

    assert credit in item["content_text"]
    assert f'<a href="{primary.original_url}">' in item["content_html"]
    assert "Originally published by Northbridge Courier" in rss.findtext("./channel/item/description")
    assert f'<a href="{primary.original_url}">' in atom.findtext(f"{ATOM}entry/{ATOM}summary")
    assert f"Originally published by Nordstädter Rundschau: {german.original_url}" in german_item["content_text"]
    assert "Northbridge Courier" not in german_item["content_text"]


def test_the_story_api_credits_the_report_whose_headline_and_summary_an_item_carries(client, wire_story):
    primary, german = wire_story["primary"], wire_story["german"]
    story_id = wire_story["story"].pk

    (item,) = client.get("/api/stories").json()["items"]
    detail = client.get(f"/api/stories/{story_id}").json()
    (german_item,) = client.get("/api/stories?lang=de").json()["items"]

    credit = {
        "url": f"http://testserver{primary.get_absolute_url()}",
        "publisher": "Northbridge Courier",
        "original_url": primary.original_url,
        "wire_credit": "AFP",
    }
    assert item["told_by"] == credit
    assert detail["told_by"] == credit
    assert german_item["told_by"]["publisher"] == "Nordstädter Rundschau"
    assert german_item["told_by"]["original_url"] == german.original_url
    assert german_item["told_by"]["wire_credit"] == ""


def test_story_atom_feed_entries_say_their_own_language(client, wire_story):
    # The feed is labelled with the site's language (its title is English); a German story's entry said nothing and
    # so read as English.
    french = make_article(make_publisher(language="fr"), title="Élection municipale à Valdeluna", language="fr")
    make_story([french])

    root = ET.fromstring(client.get("/stories/atom.xml").content)

    entries = {entry.findtext(f"{ATOM}title"): entry.get(XML_LANG) for entry in root.findall(f"{ATOM}entry")}
    assert root.get(XML_LANG) == "en"
    assert entries == {"Harbour bridge closes after storm": "en", "Élection municipale à Valdeluna": "fr"}


def test_story_atom_feed_names_an_author_for_its_entries(client, wire_story, settings):
    # RFC 4287 4.1.1: a feed names an author unless every entry does; a story's entries name none (it has many
    # outlets), and the feed named none either, so validators refused it.
    root = ET.fromstring(client.get("/stories/atom.xml?lang=en").content)

    assert root.findall(f"{ATOM}entry")
    assert [author.findtext(f"{ATOM}name") for author in root.findall(f"{ATOM}author")] == [settings.SITE_NAME]
    assert "<author>" not in client.get("/stories/rss.xml").content.decode()


def test_story_feeds_are_announced_on_the_home_page(client, wire_story):
    html = client.get("/").content.decode()
    assert 'href="/stories/rss.xml"' in html
    assert 'href="/stories/feed.json"' in html


def test_search_shows_each_wire_text_once_unless_narrowed_to_one_publisher(client, wire_story):
    # Searching the demo for "law" listed one wire text three times: its primary and two copies.
    primary, copies = wire_story["primary"], wire_story["copies"]

    everywhere = client.get("/search/?q=harbour+bridge").content.decode()
    one_outlet = client.get(f"/search/?q=harbour+bridge&publisher={copies[0].publisher.slug}").content.decode()

    assert everywhere.count(primary.get_absolute_url()) == 1
    for copy in copies:
        assert copy.get_absolute_url() not in everywhere
    assert copies[0].get_absolute_url() in one_outlet
    assert primary.get_absolute_url() not in one_outlet


def test_the_article_api_names_its_story_primary_source_and_the_other_outlets(client, wire_story):
    # The article page said all this; the API's article said none of it.
    primary, (copy_one, copy_two), german = wire_story["primary"], wire_story["copies"], wire_story["german"]
    story_url = "http://testserver" + wire_story["story"].get_absolute_url()

    def get(article) -> dict:
        return client.get(f"/api/articles/{article.pk}").json()

    def url(article) -> str:
        return "http://testserver" + article.get_absolute_url()

    of_primary, of_copy, of_own = get(primary), get(copy_one), get(german)
    assert of_primary["story"] == {"id": wire_story["story"].pk, "url": story_url}
    assert (of_primary["primary_source"], of_primary["primary_source_url"]) == (True, None)
    assert of_primary["also_carried_by"] == [url(copy_one), url(copy_two)]
    assert (of_copy["primary_source"], of_copy["primary_source_url"]) == (False, url(primary))
    assert of_copy["also_carried_by"] == [url(copy_two)]
    assert (of_own["story"]["url"], of_own["primary_source"], of_own["also_carried_by"]) == (story_url, False, [])
    declared = openapi_schema(server_url="http://testserver")["components"]["schemas"]
    described = set(declared["Article"]["properties"]) | set(declared["ArticleDetail"]["allOf"][1]["properties"])
    assert set(of_primary) <= described


def test_the_article_api_list_gives_each_wire_text_once_unless_narrowed_to_one_publisher(client, wire_story):
    primary, copies = wire_story["primary"], wire_story["copies"]

    everywhere = [item["id"] for item in client.get("/api/articles", {"limit": 100}).json()["items"]]
    one_outlet = client.get("/api/articles", {"publisher": copies[0].publisher.slug}).json()["items"]

    assert primary.pk in everywhere
    assert wire_story["german"].pk in everywhere
    assert not {copy.pk for copy in copies} & set(everywhere)
    assert [item["id"] for item in one_outlet] == [copies[0].pk]


@pytest.mark.parametrize("hide", ["inactive", "blocked"])
def test_copies_of_a_primary_no_surface_shows_stay_in_the_api_list_and_search(client, wire_story, hide):
    # The primary's publisher deactivated (or blocked): its copies were still marked repeats and left out, so the API
    # list and search showed the wire text nowhere.
    primary, copies = wire_story["primary"], wire_story["copies"]
    publisher = primary.publisher
    if hide == "inactive":
        publisher.is_active = False
    else:
        publisher.display_policy = Publisher.DisplayPolicy.BLOCKED
    publisher.save()

    listed = [item["id"] for item in client.get("/api/articles", {"limit": 100}).json()["items"]]
    found = client.get("/search/?q=harbour+bridge").content.decode()

    assert primary.pk not in listed
    assert {copy.pk for copy in copies} <= set(listed)
    assert primary.get_absolute_url() not in found
    for copy in copies:
        assert copy.get_absolute_url() in found


def test_a_story_whose_lead_went_since_it_was_read_keeps_its_image_choice_for_the_recount():
    # stories_images_follow reads its stories, then each one's lead: a takedown committing in between (PostgreSQL)
    # made that read raise DoesNotExist, and the whole image step failed.
    now = timezone.now()
    lead = make_article(make_publisher(), image_url="https://example.com/a.jpg", published_at=now - HOUR)
    member = make_article(make_publisher(), image_url="https://example.com/b.jpg", image_key="k" * 16, published_at=now)
    story = make_story([lead, member], image_article=None)
    assert story.lead_article_id == lead.pk
    read = Story.objects.get(pk=story.pk)
    lead.delete()

    assert story_image_refresh(read) is False
    assert Story.objects.get(pk=story.pk).image_article_id is None  # left to the recount the deletion queued
