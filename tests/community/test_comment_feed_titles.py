"""A comments feed item's title is plain text: the comment as it shows, its Markdown rendered away. It showed the
source ("Reader 1: *first*"), since Atom titles are text and a feed reader shows the asterisks."""

import pytest
from django.test import Client
from lxml import etree

from newsdesk.community import services

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ATOM = "{http://www.w3.org/2005/Atom}"


def entry_titles(article) -> list[str]:
    feed = Client().get(f"/comments/articles.article/{article.pk}/feed.atom").content
    return [entry.findtext(f"{ATOM}title") for entry in etree.fromstring(feed).iter(f"{ATOM}entry")]


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("*first*", "first"),
        ("**Bold** claim, `code` and [a link](https://x.example/a)", "Bold claim, code and a link"),
        (
            "One paragraph.\n\nAnother.\n\n- a list\n- of two\n\n> a quote",
            "One paragraph. Another. a list of two a quote",
        ),
        ("a line\nbreak", "a line break"),
        ("5 < 6 & <b>not markup</b>", "5 < 6 & <b>not markup</b>"),
        ("**" + "x" * 100 + "**", "x" * 80),  # eighty characters of what shows, not of its source
    ],
)
def test_an_items_title_is_the_comment_as_plain_text(article, trusted_reader, body, title):
    services.comment_create(author=trusted_reader, target=article, body=body)

    assert entry_titles(article) == [f"{trusted_reader.member.display_name}: {title}"]
