"""url_for gives exactly what reverse() gives, for every one-argument route the models link to."""

import pytest
from django.urls import reverse

from newsdesk.common.url_patterns import route, url_for


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("site:article", 7),
        ("site:article", 2**63 - 1),
        ("site:story", 12),
        ("site:publisher", "daily-news"),
        ("site:category", "world"),
        ("api:article_detail", "42"),
    ],
)
def test_url_for_is_reverse(name, value):
    assert url_for(name, value) == reverse(name, args=[value])


def test_a_route_without_an_argument_is_refused():
    with pytest.raises(ValueError, match="does not take one argument"):
        url_for("site:home", 1)


@pytest.mark.parametrize("name", ["site:home", "site:search", "accounts:login", "rights:takedown", "site:home_rss"])
def test_route_is_reverse(name):
    assert route(name) == reverse(name)
