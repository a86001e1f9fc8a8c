"""A publisher's page and feeds live under /publisher/<slug>/; the old /source/<slug>/ links answer 301 to them."""

import json

import pytest

from tests.factories import make_article, make_publisher


@pytest.fixture
def planet(db):
    publisher = make_publisher(name="Planet", slug="planet")
    make_article(publisher, title="Quake hits coast")
    return publisher


def test_a_publisher_page_is_at_its_publisher_url(client, planet):
    response = client.get("/publisher/planet/")

    assert planet.get_absolute_url() == "/publisher/planet/"
    assert response.status_code == 200
    assert "Quake hits coast" in response.content.decode()


def test_a_publisher_page_links_its_own_feeds_under_its_publisher_url(client, planet):
    html = client.get("/publisher/planet/").content.decode()

    for leaf in ("rss.xml", "atom.xml", "feed.json"):
        assert f'href="/publisher/planet/{leaf}"' in html
    assert "/source/" not in html


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/source/planet/", "/publisher/planet/"),
        ("/source/planet/?page=2", "/publisher/planet/?page=2"),
        ("/source/planet/rss.xml", "/publisher/planet/rss.xml"),
        ("/source/planet/atom.xml", "/publisher/planet/atom.xml"),
        ("/source/planet/feed.json", "/publisher/planet/feed.json"),
        ("/source/no-such-publisher/", "/publisher/no-such-publisher/"),
    ],
)
def test_an_old_source_url_redirects_permanently_to_the_publisher_url(client, planet, old, new):
    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == new


def test_following_an_old_feed_link_reaches_the_publisher_feed(client, planet):
    response = client.get("/source/planet/feed.json", follow=True)

    assert response.redirect_chain == [("/publisher/planet/feed.json", 301)]
    feed = json.loads(response.content)
    assert feed["home_page_url"].endswith("/publisher/planet/")
    assert feed["feed_url"].endswith("/publisher/planet/feed.json")
    assert [item["title"] for item in feed["items"]] == ["Quake hits coast"]


@pytest.mark.parametrize("path", ["/source/planet/secret.xml", "/publisher/planet/secret.xml"])
def test_only_the_page_and_its_three_feeds_exist_under_a_publisher(client, planet, path):
    assert client.get(path).status_code == 404
