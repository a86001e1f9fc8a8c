"""An article page's "Part of the story" link tells the story in the article's language, as a home card does for a
reader who asked for that language (stories.selectors.story_language_leads): its report in that language heads
it, the link opens that reading of the story page (`?lang=`), and its `lang` says which language the link is in."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.stories.counts import story_counts_refresh
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    """A story led by a German report, then an English and a second German one."""
    now = timezone.now()
    german = make_publisher(name="Rundschau Qzv", slug="rundschau-qzv", language="de")
    english = make_publisher(name="Courier Qzv", slug="courier-qzv")
    lead = make_article(german, title="Brücke im Hafen gesperrt", language="de", published_at=now - timedelta(hours=3))
    report = make_article(english, title="Harbour bridge closes", published_at=now - timedelta(hours=2))
    later = make_article(german, title="Hafenbrücke bleibt zu", language="de", published_at=now - timedelta(hours=1))
    story = make_story([lead, report, later])
    story_counts_refresh(story)
    story.refresh_from_db()
    assert story.lead_article_id == lead.pk
    return story


def _story_link(client, article) -> str:
    page = client.get(f"/article/{article.pk}/").content.decode()
    return re.search(r'<p class="story-link">.*?</p>', page, re.S).group()


def test_an_article_in_another_language_than_its_storys_lead_links_the_story_told_in_its_own(client, story):
    english = Article.objects.get(story_membership__story=story, language="en")

    link = _story_link(client, english)

    assert f'<a href="/stories/{story.pk}/?lang=en" lang="en">Harbour bridge closes</a>' in link
    assert "Brücke" not in link
    heading = client.get(f"/stories/{story.pk}/?lang=en").content.decode()
    assert '<h1 lang="en">Harbour bridge closes</h1>' in heading  # the page the link opens is headed so


def test_an_article_in_its_storys_language_links_the_plain_story_page(client, story):
    second_german = Article.objects.get(story_membership__story=story, title="Hafenbrücke bleibt zu")

    link = _story_link(client, second_german)

    assert f'<a href="/stories/{story.pk}/" lang="de">Brücke im Hafen gesperrt</a>' in link
