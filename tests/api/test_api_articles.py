import json

import pytest
from django.test import Client, override_settings

from newsdesk.api.articles import ERROR_BAD_OFFSET
from newsdesk.api.pagination import ERROR_BAD_LIMIT
from newsdesk.api.responses import ERROR_METHOD_NOT_ALLOWED, ERROR_NOT_FOUND
from newsdesk.sources.models import Publisher
from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_story


def get_json(client, path: str, params: dict | None = None, status: int = 200, **headers: str) -> dict:
    response = client.get(path, params or {}, **headers)
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
    assert data["next"].startswith("http://testserver/api/articles?limit=20&cursor=")
    rest = get_json(client, data["next"])
    assert [item["id"] for item in rest["items"]] == [a.pk for a in articles[20:]]
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
    assert data["url"] == "http://testserver" + article.get_absolute_url()
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
    assert data["image_url"] == f"http://testserver/images/{article.image_key}-lead.webp"
    assert "excerpt" not in data


@pytest.mark.django_db
def test_excerpt_article_has_only_an_excerpt_field(client):
    article = make_article(make_publisher(policy=Publisher.DisplayPolicy.EXCERPT), summary="Short.")

    data = get_json(client, f"/api/articles/{article.pk}")

    assert data["excerpt"] == "Short."
    assert "body_html" not in data
    assert "body_text" not in data
    assert data["image_url"] == f"http://testserver/images/{article.image_key}-lead.webp"


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
    "path", ["/api/articles/999999", "/api/articles/abc", "/api/articles/" + "9" * 30, "/api/nothing", "/api/nothing/"]
)
def test_missing_things_are_404_json(client, path):
    assert get_json(client, path, status=404) == {"error": ERROR_NOT_FOUND}


@pytest.mark.django_db
def test_inactive_publisher_articles_are_404(client):
    article = make_article(make_publisher(is_active=False))

    assert get_json(client, f"/api/articles/{article.pk}", status=404) == {"error": ERROR_NOT_FOUND}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "location"),
    [
        ("/api", 301, "/api/"),  # Django's APPEND_SLASH, which led to the JSON 404 the API root was
        ("/api/", 302, "/api/docs"),
        ("/api/?x=1", 302, "/api/docs?x=1"),
        ("/api/articles/7/", 301, "/api/articles/7"),
        ("/api/stories/7/?lang=fr", 301, "/api/stories/7?lang=fr"),
        # An id typed with leading zeros leads to its one address, as the site's pages do (/article/01/), in one hop.
        ("/api/articles/07", 301, "/api/articles/7"),
        ("/api/stories/007?lang=fr", 301, "/api/stories/7?lang=fr"),
        ("/api/articles/07/", 301, "/api/articles/7"),
        ("/api/stories/007/", 301, "/api/stories/7"),
    ],
)
def test_the_api_root_and_details_typed_with_a_final_slash_lead_where_the_api_answers(path, status, location):
    response = Client().get(path)

    assert (response.status_code, response["Location"]) == (status, location)


@pytest.mark.django_db
def test_a_zero_led_id_leads_to_the_item_and_an_id_of_zeros_is_the_json_404():
    article = make_article(make_publisher(name="Planet"), title="Quake hits coast")
    story = make_story([article])
    client = Client()

    article_zeros = client.get(f"/api/articles/0{article.pk}", follow=True)
    story_zeros = client.get(f"/api/stories/00{story.pk}", follow=True)

    assert article_zeros.redirect_chain == [(f"/api/articles/{article.pk}", 301)]
    assert article_zeros.json()["title"] == "Quake hits coast"
    assert story_zeros.redirect_chain == [(f"/api/stories/{story.pk}", 301)]
    assert story_zeros.json()["id"] == story.pk
    for path in ("/api/articles/0", "/api/articles/00", "/api/stories/000"):
        assert get_json(client, path, status=404) == {"error": ERROR_NOT_FOUND}, path
    nothing_stored = client.get("/api/articles/0999999", follow=True)
    assert (nothing_stored.status_code, nothing_stored.json()) == (404, {"error": ERROR_NOT_FOUND})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/articles", "/api/articles/1", "/api/stories", "/api/stories/1", "/api/nope", "/api/", "/api/stories/1/"],
)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused_with_json_405(path, method):
    """As a real client meets it: with the CSRF check on (Django's test client turns it off), a write is told in
    the API's JSON, not answered with the CSRF failure's HTML page."""
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(path)

    assert response.status_code == 405
    assert json.loads(response.content) == {"error": ERROR_METHOD_NOT_ALLOWED}
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.django_db
@override_settings(SITE_URL_CONFIGURED=False, ALLOWED_HOSTS=["news.lan", "192.0.2.5"])
def test_without_a_configured_site_url_absolute_urls_follow_the_request_host(client):
    publisher = make_publisher()
    articles = [make_article(publisher) for _ in range(3)]

    listed = get_json(client, "/api/articles", {"limit": "1"}, HTTP_HOST="192.0.2.5:8000")
    detail = get_json(client, f"/api/articles/{articles[0].pk}", HTTP_HOST="news.lan")

    assert listed["next"].startswith("http://192.0.2.5:8000/api/articles?limit=1&cursor=")
    assert listed["items"][0]["url"] == "http://192.0.2.5:8000" + articles[0].get_absolute_url()
    assert detail["url"] == "http://news.lan" + articles[0].get_absolute_url()


@pytest.mark.django_db
@override_settings(SITE_URL_CONFIGURED=True, SITE_URL="https://news.example.org", ALLOWED_HOSTS=["192.0.2.5"])
def test_a_configured_site_url_wins_over_the_request_host(client):
    publisher = make_publisher()
    articles = [make_article(publisher) for _ in range(2)]

    listed = get_json(client, "/api/articles", {"limit": "1"}, HTTP_HOST="192.0.2.5")

    assert listed["next"].startswith("https://news.example.org/api/articles?limit=1&cursor=")
    assert listed["items"][0]["url"] == "https://news.example.org" + articles[0].get_absolute_url()


@pytest.mark.django_db
@override_settings(SITE_URL_CONFIGURED=False, ALLOWED_HOSTS=["news.example.org"])
def test_a_host_outside_allowed_hosts_gets_no_links_to_it(client):
    response = client.get("/api/articles", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert b"http://evil.example" not in response.content


@pytest.mark.django_db
@override_settings(SITE_URL_CONFIGURED=False, ALLOWED_HOSTS=["news.lan"])
def test_story_api_urls_follow_the_request_host_too(client):
    publisher = make_publisher()
    story = make_story([make_article(publisher), make_article(make_publisher(name="Other", slug="other"))])
    make_story([make_article(publisher)])

    listed = get_json(client, "/api/stories", {"limit": "1"}, HTTP_HOST="news.lan")
    detail = get_json(client, f"/api/stories/{story.pk}", HTTP_HOST="news.lan")

    assert listed["next"].startswith("http://news.lan/api/stories?limit=1&cursor=")
    assert listed["items"][0]["url"].startswith("http://news.lan/")
    assert detail["url"] == "http://news.lan" + story.get_absolute_url()
    assert all(article["url"].startswith("http://news.lan/article/") for article in detail["articles"])
