import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.template.loader import render_to_string
from django.utils import timezone

from newsdesk.site.sitemaps import SITEMAPS
from newsdesk.stories.counts import story_counts_refresh
from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_story

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


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


@pytest.mark.django_db
def test_sitemap_lists_articles_publishers_and_categories_on_site_url(client, settings):
    settings.SITE_URL = "https://news.example.org"
    publisher = make_publisher()
    category = make_category("World")
    article = make_article(publisher, category=category)
    hidden = make_article(make_publisher(is_active=False))

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = {url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")}
    assert "https://news.example.org/" in locations
    assert f"https://news.example.org{article.get_absolute_url()}" in locations
    assert f"https://news.example.org{publisher.get_absolute_url()}" in locations
    assert f"https://news.example.org{category.get_absolute_url()}" in locations
    assert f"https://news.example.org{hidden.get_absolute_url()}" not in locations


@pytest.mark.django_db
def test_sitemap_lists_the_stories_readers_are_shown(client, settings):
    # The story pages are what the site is about, and the sitemap left them out.
    settings.SITE_URL = "https://news.example.org"
    shown = make_story([make_article(make_publisher()), make_article(make_publisher())])
    hidden = make_story([make_article(make_publisher(is_active=False))])
    for story in (shown, hidden):
        story_counts_refresh(story)

    root = ET.fromstring(client.get("/sitemap.xml").content)

    stories = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.findall(f"{SITEMAP}url")
        if "/stories/" in url.findtext(f"{SITEMAP}loc")
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
