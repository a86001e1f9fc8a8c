"""`newsdesk demo --port N` serves on 127.0.0.1:N: unless NEWSDESK_SITE_URL says otherwise, the absolute URLs of its
pages (canonical links), feeds, sitemaps, robots.txt and emails name that port, not the settings' default :8000."""

import pytest

from newsdesk_world.demo_command import demo_site_url_set

pytestmark = pytest.mark.django_db


def test_the_demo_on_another_port_links_to_that_port(settings, client):
    settings.SITE_URL_CONFIGURED, settings.SITE_URL = False, "http://127.0.0.1:8000"

    demo_site_url_set(port=8611)

    assert settings.SITE_URL == "http://127.0.0.1:8611"
    assert settings.CSRF_TRUSTED_ORIGINS == ["http://127.0.0.1:8611"]
    assert "Sitemap: http://127.0.0.1:8611/sitemap.xml" in client.get("/robots.txt").content.decode()
    assert "http://127.0.0.1:8611/feeds/rss.xml" in client.get("/feeds/rss.xml").content.decode()


def test_a_site_url_set_by_the_operator_is_kept(settings):
    settings.SITE_URL_CONFIGURED, settings.SITE_URL = True, "https://news.example.org"

    demo_site_url_set(port=8611)

    assert settings.SITE_URL == "https://news.example.org"
