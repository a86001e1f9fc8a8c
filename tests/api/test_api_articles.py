import json

import pytest
from django.conf import settings

from newsdesk.api.articles import ERROR_BAD_LIMIT, ERROR_BAD_OFFSET
from newsdesk.api.responses import ERROR_METHOD_NOT_ALLOWED, ERROR_NOT_FOUND
from newsdesk.sources.models import Publisher
from tests.factories import make_article, make_category, make_publisher


def get_json(client, path: str, params: dict | None = None, status: int = 200) -> dict:
    response = client.get(path, params or {})
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


@pytest.mark.django_db
def test_article_list_defaults_to_20_newest_first_with_next_link(client):
    publisher = make_publisher()
    articles = [make_article(publisher) for _ in range(25)]

    data = get_json(client, "/api/articles")

    assert len(data["items"]) == 20
    assert data["items"][0]["id"] == articles[0].pk
    assert data["limit"] == 20
    assert data["offset"] == 0
    assert data["next"] == f"{settings.SITE_URL}/api/articles?limit=20&offset=20"
    rest = get_json(client, "/api/articles", {"offset": "20"})
    assert len(rest["items"]) == 5
    assert rest["next"] is None


@pytest.mark.django_db
def test_article_list_honours_limit_up_to_100(client):
    publisher = make_publisher()
    for _ in range(3):
        make_article(publisher)

    assert len(get_json(client, "/api/articles", {"limit": "2"})["items"]) == 2
    assert len(get_json(client, "/api/articles", {"limit": "100"})["items"]) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "", "1.5", "²", "9" * 5000, "\x00"])
def test_bad_limit_is_a_400_json_error(client, limit):
    assert get_json(client, "/api/articles", {"limit": limit}, status=400) == {"error": ERROR_BAD_LIMIT}


@pytest.mark.django_db
@pytest.mark.parametrize("offset", ["-1", "abc", "100001"])
def test_bad_offset_is_a_400_json_error(client, offset):
    assert get_json(client, "/api/articles", {"offset": offset}, status=400) == {"error": ERROR_BAD_OFFSET}


@pytest.mark.django_db
def test_article_detail_has_attribution_fields(client):
    publisher = make_publisher(name="Planet", slug="planet", homepage="https://planet.example/", country="DE")
    category = make_category("World", slug="world")
    article = make_article(
        publisher,
        category=category,
        original_url="https://planet.example/a",
        original_title="Original",
        wire_credit="AP",
        byline="Ann",
    )

    data = get_json(client, f"/api/articles/{article.pk}")

    assert data["id"] == article.pk
    assert data["url"] == settings.SITE_URL + article.get_absolute_url()
    assert data["publisher"] == {
        "name": "Planet",
        "slug": "planet",
        "homepage": "https://planet.example/",
        "country": "DE",
    }
    assert data["original_url"] == "https://planet.example/a"
    assert data["original_title"] == "Original"
    assert data["wire_credit"] == "AP"
    assert data["byline"] == "Ann"
    assert data["category"] == {"name": "World", "slug": "world"}
    assert data["language"] == "en"
    assert data["published_at"] == article.published_at.isoformat()
    assert data["fetched_at"] == article.fetched_at.isoformat()
    assert data["body_html"] == article.body_html
    assert data["body_text"] == article.body_text
    assert data["image_url"] == article.image_url
    assert "excerpt" not in data


@pytest.mark.django_db
def test_excerpt_article_has_only_an_excerpt_field(client):
    article = make_article(make_publisher(policy=Publisher.DisplayPolicy.EXCERPT), summary="Short.")

    data = get_json(client, f"/api/articles/{article.pk}")

    assert data["excerpt"] == "Short."
    assert "body_html" not in data
    assert "body_text" not in data
    assert data["image_url"] == article.image_url


@pytest.mark.django_db
def test_headline_article_has_no_body_fields_and_no_image(client):
    article = make_article(make_publisher(policy=Publisher.DisplayPolicy.HEADLINE))

    data = get_json(client, f"/api/articles/{article.pk}")
    listed = get_json(client, "/api/articles")["items"][0]

    for item in (data, listed):
        assert not {"body_html", "body_text", "excerpt", "image_url"} & set(item)
        assert item["display_policy"] == "headline"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/articles/999999", "/api/articles/abc", "/api/articles/" + "9" * 30, "/api/nothing", "/api/"]
)
def test_missing_things_are_404_json(client, path):
    assert get_json(client, path, status=404) == {"error": ERROR_NOT_FOUND}


@pytest.mark.django_db
def test_inactive_publisher_articles_are_404(client):
    article = make_article(make_publisher(is_active=False))

    assert get_json(client, f"/api/articles/{article.pk}", status=404) == {"error": ERROR_NOT_FOUND}


@pytest.mark.django_db
def test_writes_are_refused_with_json_405(client):
    response = client.post("/api/articles", {})

    assert response.status_code == 405
    assert json.loads(response.content) == {"error": ERROR_METHOD_NOT_ALLOWED}
