"""compiled_rows runs an ORM query's SQL, built once per process, with the caller's arguments swapped in: the rows
are the ones the ORM query gives for those arguments."""

import pytest

from newsdesk.articles.models import Article
from newsdesk.common.compiled import compiled_rows
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db


def _by_publisher(publisher_id: int, newer_than: int):
    return (
        Article.objects.filter(publisher_id=publisher_id, id__gt=newer_than).values_list("id", "title").order_by("id")
    )


def test_each_call_gets_the_rows_of_its_own_arguments():
    first, second = make_publisher(), make_publisher()
    articles = [make_article(first, title=f"First {n}") for n in range(3)] + [make_article(second, title="Second")]
    for publisher, newer_than in [(first, 0), (first, articles[0].pk), (second, 0), (second, articles[-1].pk)]:
        expected = [tuple(row) for row in _by_publisher(publisher.pk, newer_than)]
        assert compiled_rows("test-by-publisher", _by_publisher, publisher.pk, newer_than) == expected
    assert len(compiled_rows("test-by-publisher", _by_publisher, first.pk, 0)) == 3


def test_an_argument_that_does_not_reach_the_query_once_as_a_parameter_is_refused():
    with pytest.raises(ValueError, match="once, as a parameter"):
        compiled_rows("test-twice", lambda pk: Article.objects.filter(pk=pk, id__gte=pk).values_list("id"), 1)
    with pytest.raises(ValueError, match="not in tuple"):
        compiled_rows("test-unused", lambda pk: Article.objects.values_list("id"), 1)
