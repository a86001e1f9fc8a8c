"""Key queries compiled once per argument set (newsdesk.common.compiled) give what the ORM gives, value for value,
see rows written after they were compiled, and stay bounded in number."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.articles.selectors import ARTICLE_KEY_FIELDS, article_keys, article_keys_of, article_list
from newsdesk.common import compiled
from newsdesk.common.compiled import key_rows
from newsdesk.stories.models import Story
from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    compiled.forget()
    yield
    compiled.forget()


def _articles():
    publisher = make_publisher(name="Compiled Post", policy="excerpt")
    category = make_category(name="Compiled")
    return [
        make_article(publisher, title="Dated", category=category, noarchive=True, robots_directives="noimageindex"),
        make_article(publisher, title="Undated", published_at=None),  # NULL date and category: None, as the ORM
    ]


def test_rows_equal_the_orms_with_the_same_types_and_row_class():
    articles = _articles()
    make_story(articles[:1])
    queries = {
        "article keys": lambda: article_list().order_by("id").values_list(*ARTICLE_KEY_FIELDS, named=True),
        # a JSON column (the languages list) goes through the ORM's own converter
        "story": lambda: Story.objects.values_list("id", "languages", "last_seen", "is_closed", named=True),
        # an aggregate's date has no declared column type: SQLite gives it as text, parsed as the ORM parses it
        "aggregate": lambda: (
            Article.objects.values("publisher_id")
            .annotate(newest=Max("published_at"))
            .values_list("publisher_id", "newest", named=True)
        ),
    }
    for name, build in queries.items():
        expected = list(build())
        got = key_rows(name, build)
        assert got == expected, name
        assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in expected], name
        assert [row._fields for row in got] == [row._fields for row in expected], name
    keys = article_keys_of("all", lambda: article_list().order_by("id"))
    assert keys == article_keys(article_list().order_by("id"))
    assert keys[0].noarchive is True
    assert keys[0].published_at.tzinfo is not None
    assert keys[1].published_at is None


def test_compiled_once_then_one_query_that_sees_new_rows():
    publisher = make_publisher(name="Once", policy="full")
    make_article(publisher, title="First")
    built = []

    def build():
        built.append(1)
        return article_list().filter(publisher=publisher).order_by("id").values_list("id", "title", named=True)

    assert [row.title for row in key_rows(("once", publisher.pk), build)] == ["First"]
    make_article(publisher, title="Second")
    with CaptureQueriesContext(connection) as queries:
        rows = key_rows(("once", publisher.pk), build)
    assert [row.title for row in rows] == ["First", "Second"]
    assert len(built) == 1
    assert len(queries) == 1


def test_a_query_that_can_match_nothing_runs_no_statement():
    build = lambda: Article.objects.filter(pk__in=[]).values_list("id", named=True)  # noqa: E731
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert key_rows("nothing", build) == []
        assert len(queries) == 0


def test_only_named_value_rows_are_accepted():
    with pytest.raises(ValueError, match="named=True"):
        key_rows("plain", lambda: Article.objects.values_list("id"))
    with pytest.raises(ValueError, match="named=True"):
        key_rows("instances", lambda: Article.objects.all())


def test_the_least_recently_used_statement_goes_first(monkeypatch):
    monkeypatch.setattr(compiled, "COMPILED_QUERIES", 2)
    built = []

    def build_of(name):
        def build():
            built.append(name)
            return Article.objects.filter(title=name).values_list("id", named=True)

        return build

    for name in ("a", "b", "a", "c", "a", "b"):  # "c" pushes out "b" (used less recently than "a")
        key_rows(name, build_of(name))
    assert built == ["a", "b", "c", "b"]


def test_api_pages_with_different_filters_or_cursors_are_different_statements(client):
    publisher = make_publisher(name="Filter Post", policy="full")
    now = timezone.now()
    english = make_article(publisher, title="English", language="en", published_at=now)
    french = make_article(publisher, title="Français", language="fr", published_at=now - timedelta(hours=1))

    def ids(url):
        return [item["id"] for item in client.get(url).json()["items"]]

    assert ids("/api/articles?lang=en") == [english.pk]
    assert ids("/api/articles?lang=fr") == [french.pk]
    assert ids("/api/articles") == [english.pk, french.pk]
    page = client.get("/api/articles?limit=1").json()
    assert [item["id"] for item in page["items"]] == [english.pk]
    assert ids(page["next"]) == [french.pk]
    assert ids("/api/articles?limit=1&offset=1") == [french.pk]
