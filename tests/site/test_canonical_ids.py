"""An article or story id typed with leading zeros (/article/01/, /stories/007/) is a 301 to the page's one address,
not a second 200 copy of it whose canonical link names another URL."""

import pytest

from tests.factories import make_article, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db


def test_leading_zeros_in_an_article_or_story_id_move_permanently_to_the_plain_id(client):
    article = make_article(make_publisher(name="Planet"), title="Quake hits coast", language="en")
    story = make_story([article])

    article_zeros = client.get(f"/article/0{article.pk}/")
    story_zeros = client.get(f"/stories/00{story.pk}/", {"lang": "en"})

    assert article_zeros.status_code == 301
    assert article_zeros["Location"] == f"/article/{article.pk}/"
    assert story_zeros.status_code == 301
    assert story_zeros["Location"] == f"/stories/{story.pk}/?lang=en"
    assert client.get(article_zeros["Location"]).status_code == 200
    assert client.get(story_zeros["Location"]).status_code == 200


@pytest.mark.parametrize("path", ["/article/0/", "/article/00/", "/stories/000/", "/article/0999/"])
def test_an_id_of_zeros_or_of_nothing_stored_is_still_a_404(client, path):
    response = client.get(path, follow=True)

    assert response.status_code == 404
