import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from protego import Protego

from newsdesk.site.sitemaps import SITEMAPS, ArticleSitemap, StorySitemap
from newsdesk.stories.counts import story_counts_refresh
from tests.factories import make_article, make_category, make_publisher
from tests.rights.removal import operator_takedown
from tests.site.sitemap_pages import SITEMAP, sitemap_locations, sitemap_pages, sitemap_text
from tests.stories.rows import make_story


@pytest.mark.django_db
def test_robots_allows_all_and_points_to_absolute_sitemap(client):
    response = client.get("/robots.txt")

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in body
    assert "Allow: /" in body
    assert "Disallow: /\n" not in body
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in body
    assert ET.fromstring(client.get("/sitemap.xml").content).tag == f"{SITEMAP}sitemapindex"


@pytest.mark.django_db
def test_robots_keeps_crawlers_off_the_forms_every_page_links_and_on_everything_read(client):
    # Each article and story page linked its own sign-in (?next=…) and comment form: one more address per page.
    article = make_article(make_publisher())
    rules = Protego.parse(client.get("/robots.txt").content.decode())
    page = client.get(article.get_absolute_url()).content.decode()
    linked_forms = [f"/accounts/login/?next={article.get_absolute_url()}%23leave-a-comment", "/accounts/signup/"]

    for path in linked_forms:
        assert path in page
    for path in (*linked_forms, f"/comments/articles.article/{article.pk}/post/", "/admin/"):
        assert not rules.can_fetch(f"{settings.SITE_URL}{path}", "Googlebot"), path
    for path in (
        "/",
        article.get_absolute_url(),
        "/search/?q=x",
        "/feeds/rss.xml",
        f"/comments/articles.article/{article.pk}/feed.atom",
        "/api/articles",
        "/sitemap.xml",
    ):
        assert rules.can_fetch(f"{settings.SITE_URL}{path}", "Googlebot"), path


@pytest.mark.django_db
def test_sitemap_lists_articles_publishers_and_categories_on_site_url(client, settings):
    settings.SITE_URL = "https://news.example.org"
    publisher = make_publisher()
    category = make_category("World")
    article = make_article(publisher, category=category)
    hidden = make_article(make_publisher(is_active=False))

    locations = sitemap_locations(client)

    assert "https://news.example.org/" in locations
    assert f"https://news.example.org{article.get_absolute_url()}" in locations
    assert f"https://news.example.org{publisher.get_absolute_url()}" in locations
    assert f"https://news.example.org{category.get_absolute_url()}" in locations
    assert f"https://news.example.org{hidden.get_absolute_url()}" not in locations


@pytest.mark.django_db
def test_the_index_lists_each_section_on_site_url_whatever_host_asked(client, settings):
    settings.SITE_URL = "https://news.example.org/desk"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "192.0.2.5"]
    article = make_article(make_publisher(), category=make_category("World"))
    article.refresh_from_db()

    response = client.get("/sitemap.xml", HTTP_HOST="192.0.2.5")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    assert [loc.text for loc in root.iter(f"{SITEMAP}loc")] == [
        f"https://news.example.org/desk/sitemap-{section}.xml"
        for section in ("home", "categories", "publishers", "stories", "articles")
    ]
    # The sections with dated rows say when they last changed; an empty one (no story yet) does not.
    lastmods = {
        entry.findtext(f"{SITEMAP}loc").rsplit("/", 1)[1]: entry.findtext(f"{SITEMAP}lastmod")
        for entry in root.iter(f"{SITEMAP}sitemap")
    }
    assert datetime.fromisoformat(lastmods["sitemap-articles.xml"]) == article.updated_at
    assert lastmods["sitemap-stories.xml"] is None


@pytest.mark.django_db
def test_a_section_longer_than_its_limit_has_further_pages_in_the_index(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    monkeypatch.setattr(StorySitemap, "limit", 2)
    publisher = make_publisher()
    articles = [make_article(publisher) for _ in range(5)]
    stories = [make_story([article]) for article in articles[:3]]
    for story in stories:
        story_counts_refresh(story)

    pages = sitemap_pages(client)

    assert [path for path in pages if "articles" in path] == [
        "/sitemap-articles.xml",
        "/sitemap-articles.xml?p=2",
        "/sitemap-articles.xml?p=3",
    ]
    assert [path for path in pages if "stories" in path] == ["/sitemap-stories.xml", "/sitemap-stories.xml?p=2"]
    listed = [
        loc.text for path in pages if "articles" in path for loc in ET.fromstring(pages[path]).iter(f"{SITEMAP}loc")
    ]
    # Oldest first, each once, 2 + 2 + 1: new articles go on the last page and the others keep their URLs.
    assert [urlsplit(url).path for url in listed] == [article.get_absolute_url() for article in articles]
    assert len(ET.fromstring(pages["/sitemap-articles.xml?p=3"]).findall(f"{SITEMAP}url")) == 1
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404


@pytest.mark.django_db
def test_a_sections_page_costs_the_same_queries_however_many_pages_it_has(
    client, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    publisher = make_publisher()
    make_article(publisher)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/sitemap-articles.xml").status_code == 200
        assert client.get("/sitemap.xml").status_code == 200
    for _ in range(6):
        make_article(publisher)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/sitemap-articles.xml?p=3").status_code == 200
        assert client.get("/sitemap.xml").status_code == 200
    assert len(many) == len(few)
    # A page: the section's size and latest change in one query, its rows in another.
    with django_assert_num_queries(2):
        client.get("/sitemap-articles.xml?p=4")


@pytest.mark.django_db
def test_what_no_page_shows_is_in_no_section(client, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(ArticleSitemap, "limit", 1)
    monkeypatch.setattr(StorySitemap, "limit", 1)
    shown = make_publisher()
    kept = [make_article(shown) for _ in range(3)]
    gone = make_article(shown)
    blocked = make_publisher(policy="blocked")
    inactive = make_publisher(is_active=False)
    hidden = [make_article(blocked), make_article(inactive)]
    stories = [make_story([kept[0]]), make_story([hidden[0]]), make_story([hidden[1]]), make_story([gone])]
    for story in stories:
        story_counts_refresh(story)
    assert gone.get_absolute_url() in sitemap_text(client)

    with django_capture_on_commit_callbacks(execute=True):  # the story of the removed article follows it out
        assert operator_takedown(gone.canonical_url) == 1

    paths = [urlsplit(url).path for url in sitemap_locations(client)]
    assert all(paths.count(article.get_absolute_url()) == 1 for article in kept)
    for article in [gone, *hidden]:
        assert article.get_absolute_url() not in paths
    for publisher in (blocked, inactive):
        assert publisher.get_absolute_url() not in paths
    story_paths = [path for path in paths if path.startswith("/stories/")]
    assert story_paths == [stories[0].get_absolute_url()]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/sitemap-nothing.xml",
        "/sitemap-articles.xml?p=2",
        "/sitemap-articles.xml?p=0",
        "/sitemap-articles.xml?p=-1",
        "/sitemap-articles.xml?p=abc",
        "/sitemap-articles.xml?p=99999999999999999999",
        "/sitemap-.xml",
    ],
)
def test_an_unknown_section_or_page_is_a_404(client, path):
    make_article(make_publisher())

    response = client.get(path)

    assert response.status_code == 404
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_sitemap_lists_the_stories_readers_are_shown(client, settings):
    # The story pages are what the site is about, and the sitemap left them out.
    settings.SITE_URL = "https://news.example.org"
    shown = make_story([make_article(make_publisher()), make_article(make_publisher())])
    hidden = make_story([make_article(make_publisher(is_active=False))])
    for story in (shown, hidden):
        story_counts_refresh(story)

    root = ET.fromstring(client.get("/sitemap-stories.xml").content)

    stories = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root.findall(f"{SITEMAP}url")
    }
    shown.refresh_from_db()
    assert stories == {
        f"https://news.example.org{shown.get_absolute_url()}": f"{timezone.localtime(shown.updated_at):%Y-%m-%d}"
    }


URLSETS = {
    "empty": [],
    "every field": [
        {
            "location": "https://news.example.org/a?x=1&y=<2>",
            "lastmod": datetime(2026, 12, 5, 23, 30, tzinfo=UTC),  # the 6th in Auckland
            "changefreq": "hourly",
            "priority": "0.6",
            "alternates": [{"lang_code": "fr", "location": 'https://news.example.org/fr/a?x=1&y="2"'}],
        },
        {
            "location": "https://news.example.org/b",
            "lastmod": None,
            "changefreq": None,
            "priority": "",
            "alternates": [],
        },
        {
            "location": "https://news.example.org/c",
            "lastmod": date(999, 1, 2),
            "changefreq": "never",
            "priority": "1.0",
        },
        {
            "location": "https://news.example.org/d",
            "lastmod": datetime(2026, 1, 1, 12),  # naive: shown as it is
            "changefreq": "a&b",
            "priority": "0.5",
            "alternates": [],
        },
    ],
}


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland"])
@pytest.mark.parametrize("urlset", URLSETS.values(), ids=URLSETS.keys())
def test_our_sitemap_template_writes_what_djangos_writes(urlset, zone):
    with timezone.override(zone):
        assert render_to_string("site/sitemap.xml", {"urlset": urlset}) == render_to_string(
            "sitemap.xml", {"urlset": urlset}
        )


@pytest.mark.django_db
def test_the_sitemap_is_djangos_sitemap_byte_for_byte(rf, settings):
    publisher = make_publisher()
    category = make_category("World & Co")
    for _ in range(3):
        make_article(publisher, category=category)
    make_article(make_publisher(policy="blocked"))
    ours = sitemap(rf.get("/sitemap.xml"), sitemaps=SITEMAPS, template_name="site/sitemap.xml")
    djangos = sitemap(rf.get("/sitemap.xml"), sitemaps=SITEMAPS)
    assert ours.render().content == djangos.render().content
    # home, the category, the shown publisher's page, its three articles (nothing of the blocked publisher's)
    assert ours.content.count(b"<url>") == 1 + 1 + 1 + 3
