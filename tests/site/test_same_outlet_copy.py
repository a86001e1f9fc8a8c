"""An outlet that prints its own text again under a new address (a slug changed with the headline, a site moved)
has the second one grouped as a copy of the first, so lists show the text once; but no surface says the outlet
"also carried" its own text, or that other outlets printed it when none did."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_article, make_publisher
from tests.stories.rows import make_group, make_story

pytestmark = pytest.mark.django_db


def _carried_by(html: str) -> list[str]:
    found = re.search(r'<p class="carried-by">(.*?)</p>', html, re.S)
    return re.findall(r">([^<]+)</a>", found.group(1)) if found else []


@pytest.fixture
def texts():
    now = timezone.now()
    courier, herald = make_publisher(name="Courier Vqx"), make_publisher(name="Herald Vqx")
    first = make_article(courier, title="Harbour strike ends", published_at=now - timedelta(hours=3))
    again = make_article(courier, title="Harbour strike ends", published_at=now - timedelta(hours=2))
    other = make_article(herald, title="Harbour strike ends", published_at=now - timedelta(hours=1))
    return first, again, other


def test_an_outlets_own_second_copy_is_not_named_as_carrying_it(client, texts):
    first, again, other = texts
    make_group(first, [again, other])
    story = make_story([first, again, other])

    article_page = client.get(first.get_absolute_url()).content.decode()
    story_page = client.get(story.get_absolute_url()).content.decode()
    api = client.get(f"/api/articles/{first.pk}").json()

    assert _carried_by(article_page) == ["Herald Vqx"]
    assert _carried_by(story_page) == ["Herald Vqx"]
    assert api["also_carried_by"] == [f"http://testserver/article/{other.pk}/"]


def test_a_text_only_its_own_outlet_printed_twice_claims_no_other_outlet(client, texts):
    first, again, _ = texts
    make_group(first, [again])
    make_story([first, again])

    page = client.get(first.get_absolute_url()).content.decode()

    assert "other outlets also printed" not in page
    assert _carried_by(page) == []
