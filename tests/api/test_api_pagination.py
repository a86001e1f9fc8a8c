"""Cursor pagination and filters of /api/articles and /api/stories."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.api.pagination import DEPRECATION_LINK, ERROR_BAD_CURSOR, ERROR_CURSOR_AND_OFFSET, cursor_encode
from newsdesk.articles.filters import (
    ERROR_BAD_CATEGORY,
    ERROR_BAD_LANG,
    ERROR_BAD_PUBLISHER,
    ERROR_BAD_SINCE,
    ERROR_BAD_UNTIL,
    ERROR_EMPTY_RANGE,
)
from tests.factories import make_article, make_category, make_publisher

BASE = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def get_json(client, path: str, params: dict | None = None, status: int = 200) -> dict:
    response = client.get(path, params or {})
    assert response.status_code == status, response.content
    return json.loads(response.content)


def walk(client, path: str, between_pages=None) -> list[int]:
    """Every id the list yields by following `next`, calling `between_pages(n)` after page n."""
    seen: list[int] = []
    url, page = path, 0
    while url:
        data = get_json(client, url)
        seen.extend(item["id"] for item in data["items"])
        url = data["next"]
        if between_pages is not None:
            between_pages(page)
        page += 1
    return seen


@pytest.mark.django_db
def test_cursor_pages_visit_every_article_once_while_articles_are_inserted(client):
    publisher = make_publisher()
    # Ties on published_at, undated articles and dated ones: every branch of the keyset.
    existing = [make_article(publisher, published_at=BASE - timedelta(minutes=i // 3)) for i in range(40)]
    existing += [make_article(publisher, published_at=None) for _ in range(7)]
    inserted = []

    def insert(page: int) -> None:
        # Newer than everything, tied with the page edge, older than everything and undated: none may make a
        # page repeat or skip a row that existed before.
        inserted.append(make_article(publisher, published_at=BASE + timedelta(hours=page + 1)))
        inserted.append(make_article(publisher, published_at=BASE - timedelta(minutes=page)))
        inserted.append(make_article(publisher, published_at=BASE - timedelta(days=30 + page)))
        inserted.append(make_article(publisher, published_at=None))

    seen = walk(client, "/api/articles?limit=5", between_pages=insert)

    assert len(seen) == len(set(seen)), "an article was returned twice"
    assert {a.pk for a in existing} <= set(seen), "an article that existed all along was skipped"
    assert set(seen) <= {a.pk for a in existing + inserted}


@pytest.mark.django_db
def test_cursor_pages_follow_newest_first_with_undated_last(client):
    publisher = make_publisher()
    undated = make_article(publisher, published_at=None)
    old = make_article(publisher, published_at=BASE - timedelta(days=1))
    new = make_article(publisher, published_at=BASE)

    assert walk(client, "/api/articles?limit=1") == [new.pk, old.pk, undated.pk]


@pytest.mark.django_db
def test_next_link_keeps_the_filters(client):
    publisher = make_publisher(slug="planet")
    for _ in range(3):
        make_article(publisher, language="fr")
    make_article(publisher, language="en")

    first = get_json(client, "/api/articles", {"limit": "2", "lang": "fr", "publisher": "planet"})

    assert "lang=fr" in first["next"]
    assert "publisher=planet" in first["next"]
    assert len(first["items"]) + len(get_json(client, first["next"])["items"]) == 3


@pytest.mark.django_db
def test_filters_narrow_the_list(client):
    planet, other = make_publisher(slug="planet"), make_publisher(slug="other")
    world = make_category("World", slug="world")
    french = make_article(planet, language="fr-BE", published_at=BASE)
    english = make_article(other, language="en", category=world, published_at=BASE - timedelta(days=2))
    make_article(other, language="en", published_at=None)

    def ids(**params: str) -> list[int]:
        return [item["id"] for item in get_json(client, "/api/articles", params)["items"]]

    assert ids(lang="fr") == [french.pk]
    assert ids(lang="FR-be") == [french.pk]
    assert ids(publisher="planet") == [french.pk]
    assert ids(category="world") == [english.pk]
    assert ids(since="2026-11-01") == [french.pk]
    assert ids(until="2026-11-01T00:00:00+00:00") == [english.pk]
    assert ids(since="2026-10-30T12:00:00", until="2026-11-01T12:00:01Z") == [french.pk, english.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"lang": "english!"}, ERROR_BAD_LANG),
        ({"lang": "e"}, ERROR_BAD_LANG),
        ({"lang": "en-" + "x" * 20}, ERROR_BAD_LANG),
        ({"publisher": "nobody"}, ERROR_BAD_PUBLISHER),
        ({"publisher": "p" * 500}, ERROR_BAD_PUBLISHER),
        ({"category": "nothing"}, ERROR_BAD_CATEGORY),
        ({"since": "yesterday"}, ERROR_BAD_SINCE),
        ({"since": "2026-13-01"}, ERROR_BAD_SINCE),
        ({"since": "9" * 100}, ERROR_BAD_SINCE),
        ({"until": "2026-12-01T25:00"}, ERROR_BAD_UNTIL),
        # Outside the calendar once in UTC (a 500 when the query was compiled)
        ({"since": "0001-01-01T00:00:00+14:00"}, ERROR_BAD_SINCE),
        ({"until": "9999-12-31T23:59:59-14:00"}, ERROR_BAD_UNTIL),
        ({"since": "2026-12-02", "until": "2026-12-01"}, ERROR_EMPTY_RANGE),
        ({"cursor": "not a cursor"}, ERROR_BAD_CURSOR),
        ({"cursor": "e30"}, ERROR_BAD_CURSOR),  # {} : not a list
        ({"cursor": cursor_encode(["2026-01-01T00:00:00", 3])}, ERROR_BAD_CURSOR),  # naive time
        ({"cursor": cursor_encode(["tomorrow", 3])}, ERROR_BAD_CURSOR),
        ({"cursor": cursor_encode(["0001-01-01T00:00:00+14:00", 3])}, ERROR_BAD_CURSOR),  # before year 1 in UTC
        ({"cursor": cursor_encode([None, True])}, ERROR_BAD_CURSOR),
        ({"cursor": cursor_encode([None, 0])}, ERROR_BAD_CURSOR),
        ({"cursor": cursor_encode([None, 1, 2])}, ERROR_BAD_CURSOR),
        ({"cursor": "x" * 600}, ERROR_BAD_CURSOR),
        ({"cursor": "é"}, ERROR_BAD_CURSOR),
        ({"cursor": cursor_encode([None, 5]), "offset": "1"}, ERROR_CURSOR_AND_OFFSET),
    ],
)
def test_bad_filter_or_cursor_is_a_400_json_error(client, params, error):
    make_publisher(slug="planet")

    assert get_json(client, "/api/articles", params, status=400) == {"error": error}


@pytest.mark.django_db
def test_offset_still_works_but_says_it_is_deprecated(client):
    publisher = make_publisher()
    articles = [make_article(publisher) for _ in range(3)]

    response = client.get("/api/articles", {"offset": "1", "limit": "1"})

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [articles[1].pk]
    assert response["Deprecation"] == "true"
    assert response["Link"] == DEPRECATION_LINK
    assert "cursor=" in response.json()["next"]
    assert "Deprecation" not in client.get("/api/articles")


@pytest.mark.django_db
def test_api_responses_carry_an_etag_and_answer_if_none_match_with_304(client):
    publisher = make_publisher()
    make_article(publisher)

    first = client.get("/api/articles")
    again = client.get("/api/articles", HTTP_IF_NONE_MATCH=first["ETag"])
    make_article(publisher)
    changed = client.get("/api/articles", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["ETag"].startswith('"')
    assert again.status_code == 304
    assert again.content == b""
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "ETag" not in client.get("/api/articles?limit=0")


@pytest.mark.django_db
def test_story_cursor_pages_visit_every_story_once(client):
    from tests.stories.rows import make_story

    stories = [make_story([make_article(make_publisher())]) for _ in range(7)]

    seen = walk(client, "/api/stories?limit=2")

    assert sorted(seen) == sorted(story.pk for story in stories)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor",
    [
        "junk",
        cursor_encode(["2026-01-01T00:00:00+00:00", 1.0, "2026-01-01T00:00:00", 3]),
        cursor_encode(["later", 1.0, "2026-01-01T00:00:00+00:00", 3]),
        cursor_encode(["2026-01-01T00:00:00+00:00", 1, "2026-01-01T00:00:00+00:00", 3]),
    ],
)
def test_bad_story_cursor_is_a_400_json_error(client, cursor):
    assert get_json(client, "/api/stories", {"cursor": cursor}, status=400) == {"error": ERROR_BAD_CURSOR}


@pytest.mark.django_db
def test_story_list_refuses_a_malformed_language_and_offset_with_cursor(client):
    assert get_json(client, "/api/stories", {"lang": "???"}, status=400) == {"error": ERROR_BAD_LANG}
    assert get_json(client, "/api/stories", {"offset": "1", "cursor": "x"}, status=400) == {
        "error": ERROR_CURSOR_AND_OFFSET
    }
    assert client.get("/api/stories", {"offset": "0"})["Deprecation"] == "true"
