import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from tests.factories import make_article, make_category, make_publisher

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
