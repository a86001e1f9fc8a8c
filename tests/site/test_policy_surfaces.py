"""The display policy holds on every surface: a word we may not show appears nowhere we serve."""

import pytest

from newsdesk.sources.models import Publisher
from tests.factories import make_article, make_category, make_publisher

HIDDEN = "zyxwvsentinel"
HIDDEN_HTML = "htmlonlysentinel"
HIDDEN_IMAGE = "imagesentinel"


def surfaces(article) -> list[str]:
    publisher, category = article.publisher.slug, article.category.slug
    return [
        "/",
        article.get_absolute_url(),
        f"/publisher/{publisher}/",
        f"/category/{category}/",
        "/search/?q=headline",
        "/feeds/rss.xml",
        "/feeds/atom.xml",
        "/feeds/feed.json",
        f"/publisher/{publisher}/rss.xml",
        f"/publisher/{publisher}/atom.xml",
        f"/publisher/{publisher}/feed.json",
        f"/category/{category}/rss.xml",
        f"/category/{category}/atom.xml",
        f"/category/{category}/feed.json",
        "/api/articles",
        f"/api/articles/{article.pk}",
    ]


def fetch_all(client, article) -> dict[str, str]:
    pages = {}
    for path in surfaces(article):
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.content.decode()
    return pages


@pytest.mark.django_db
def test_headline_only_article_shows_nothing_but_title_and_credit_anywhere(client):
    publisher = make_publisher(policy=Publisher.DisplayPolicy.HEADLINE)
    article = make_article(
        publisher,
        category=make_category("World"),
        title="Unique headline here",
        summary=f"summary {HIDDEN}",
        body_text=f"text {HIDDEN}",
        body_html=f"<p>{HIDDEN_HTML}</p>",
        image_url=f"https://img.example/{HIDDEN_IMAGE}.jpg",
    )

    for path, body in fetch_all(client, article).items():
        assert "Unique headline here" in body, path
        assert HIDDEN not in body, path
        assert HIDDEN_HTML not in body, path
        assert HIDDEN_IMAGE not in body, path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("policy", "noarchive"), [(Publisher.DisplayPolicy.EXCERPT, False), (Publisher.DisplayPolicy.FULL, True)]
)
def test_excerpt_article_shows_only_the_excerpt_anywhere(client, policy, noarchive):
    publisher = make_publisher(policy=policy)
    lead = "Visible lead sentence. " * 10
    article = make_article(
        publisher,
        category=make_category("World"),
        title="Unique headline here",
        summary="",
        body_text=lead + "filler words " * 100 + HIDDEN,
        body_html=f"<p>{HIDDEN_HTML}</p>",
        noarchive=noarchive,
    )

    pages = fetch_all(client, article)

    for path, body in pages.items():
        assert HIDDEN not in body, path
        assert HIDDEN_HTML not in body, path
    assert "Visible lead sentence." in pages[article.get_absolute_url()]
    assert "Visible lead sentence." in pages["/feeds/feed.json"]
    assert "Visible lead sentence." in pages[f"/api/articles/{article.pk}"]


@pytest.mark.django_db
def test_search_never_matches_text_the_policy_hides(client):
    make_article(make_publisher(policy=Publisher.DisplayPolicy.HEADLINE), title="Plain title", body_text=HIDDEN)

    html = client.get("/search/", {"q": HIDDEN}).content.decode()
    by_title = client.get("/search/", {"q": "plain"}).content.decode()

    assert "Plain title" not in html
    assert f"Nothing found for “{HIDDEN}”" in html
    # The article itself is searchable: by the title the policy lets us show.
    assert "Plain title" in by_title
    assert "1 result for “plain”" in by_title
