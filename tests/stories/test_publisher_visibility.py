"""A story follows whether readers are shown its publishers: a deactivated or blocked publisher's report neither
leads it (headline, summary, image) nor counts in its outlets and languages, and leads again once reactivated."""

from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

import lxml.html
import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.connection import ConnectionDoesNotExist

from newsdesk.articles.services import publisher_policy_set
from newsdesk.sources.models import Publisher
from newsdesk.stories import counts
from newsdesk.stories.counts import story_counts_refresh
from newsdesk.stories.models import Story
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["rows", "database"])
def counted(request, monkeypatch):
    """Both ways a story is counted: from its members' rows (a small story) and by aggregates (a large one)."""
    if request.param == "database":
        monkeypatch.setattr(counts, "SMALL_STORY", 0)
    return request.param


@pytest.fixture
def story():
    """A story first reported by the Courier (it leads), then by the Herald, then in German by the Rundschau."""
    now = timezone.now()
    courier = make_publisher(name="Northbridge Courier")
    herald = make_publisher(name="Lakeshore Herald")
    rundschau = make_publisher(name="Nordstädter Rundschau", language="de")
    first = make_article(courier, title="Dam opens its gates", published_at=now - timedelta(hours=3))
    second = make_article(herald, title="Gates of the dam open", published_at=now - timedelta(hours=2))
    german = make_article(rundschau, title="Staudamm öffnet Tore", language="de", published_at=now - timedelta(hours=1))
    made = make_story([first, second, german])
    story_counts_refresh(made)
    return made, first, second, german


def _told(story: Story) -> tuple:
    story.refresh_from_db()
    return (story.lead_article_id, story.headline, story.image_article_id, story.outlet_count, story.languages)


def test_deactivating_the_lead_publisher_re_leads_its_stories_and_reactivating_restores_them(counted, story):
    made, first, second, _german = story
    before = _told(made)
    assert before == (first.pk, "Dam opens its gates", first.pk, 3, ["en", "de"])

    publisher_policy_set(publisher=first.publisher, display_policy=first.publisher.display_policy, is_active=False)
    assert _told(made) == (second.pk, "Gates of the dam open", second.pk, 2, ["en", "de"])
    assert made.size == 3  # the clusterer's bookkeeping keeps every member

    publisher_policy_set(publisher=first.publisher, display_policy=first.publisher.display_policy, is_active=True)
    assert _told(made) == before


def test_blocking_a_publisher_takes_its_language_out_of_the_story(counted, story):
    made, first, _second, german = story

    publisher_policy_set(publisher=german.publisher, display_policy=Publisher.DisplayPolicy.BLOCKED)
    assert _told(made) == (first.pk, "Dam opens its gates", first.pk, 2, ["en"])

    publisher_policy_set(publisher=german.publisher, display_policy=Publisher.DisplayPolicy.FULL)
    assert _told(made) == (first.pk, "Dam opens its gates", first.pk, 3, ["en", "de"])


def test_a_story_none_of_whose_reports_is_shown_is_shown_nowhere_until_one_is_again(client, counted, story):
    made, first, second, german = story
    for article in (first, second, german):
        publisher_policy_set(publisher=article.publisher, display_policy="full", is_active=False)

    lead, headline, image, outlets, languages = _told(made)
    assert (lead, image, outlets, languages, made.report_count) == (first.pk, None, 0, [], 0)
    assert headline == "Dam opens its gates"
    assert client.get(made.get_absolute_url()).status_code == 404
    assert client.get(f"/api/stories/{made.pk}").status_code == 404
    assert made.pk not in [item["id"] for item in client.get("/api/stories").json()["items"]]

    publisher_policy_set(publisher=second.publisher, display_policy="full", is_active=True)
    assert _told(made) == (second.pk, "Gates of the dam open", second.pk, 1, ["en"])
    assert client.get(made.get_absolute_url()).status_code == 200
    assert made.pk in [item["id"] for item in client.get("/api/stories").json()["items"]]


def test_the_admin_deactivating_a_publisher_re_leads_its_story_on_the_site(client, story):
    made, first, second, _german = story
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-for-tests")
    client.force_login(admin)
    path = f"/admin/sources/publisher/{first.publisher_id}/change/"
    form = lxml.html.fromstring(client.get(path).content).get_element_by_id("publisher_form")
    data = dict(form.form_values())
    data.pop("is_active")  # an unticked box is not sent
    response = client.post(path, data, follow=True)
    client.logout()

    assert response.status_code == 200
    assert Publisher.objects.get(pk=first.publisher_id).is_active is False
    assert _told(made)[:2] == (second.pk, "Gates of the dam open")
    page = client.get(made.get_absolute_url()).content.decode()
    assert "Gates of the dam open" in page
    assert "Dam opens its gates" not in page


def test_a_closed_story_stays_closed_when_its_lead_publisher_is_deactivated(counted, story):
    made, first, second, _ = story
    Story.objects.filter(pk=made.pk).update(is_closed=True)

    publisher_policy_set(publisher=first.publisher, display_policy="full", is_active=False)
    made.refresh_from_db()
    assert (made.lead_article_id, made.is_closed) == (second.pk, True)


def _told_sizes(client, made: Story) -> tuple:
    """The article count each surface gives the story: its page's kicker, the API (item and list), the feeds."""
    page = lxml.html.fromstring(client.get(made.get_absolute_url()).content)
    kicker = page.find_class("kicker")[0].text_content()
    item = client.get(f"/api/stories/{made.pk}").json()
    listed = {row["id"]: row["article_count"] for row in client.get("/api/stories").json()["items"]}
    feed = {
        row["id"].rsplit("/", 2)[-2]: row["_newsdesk"]["size"]
        for row in client.get("/stories/feed.json").json()["items"]
    }
    rss = client.get("/stories/rss.xml").content.decode()
    return (
        kicker.split("·")[2].strip(),
        item["article_count"],
        listed[made.pk],
        feed[str(made.pk)],
        rss.count("3 articles,"),
        rss.count("2 articles,"),
    )


def test_every_surface_counts_the_articles_readers_are_shown(client, counted, story):
    made, first, _second, _german = story
    assert _told_sizes(client, made) == ("3 articles", 3, 3, 3, 1, 0)

    publisher_policy_set(publisher=first.publisher, display_policy="full", is_active=False)
    made.refresh_from_db()
    assert (made.size, made.shown_size) == (3, 2)  # the clustering keeps every member; readers see two
    assert _told_sizes(client, made) == ("2 articles", 2, 2, 2, 0, 1)

    publisher_policy_set(publisher=first.publisher, display_policy="full", is_active=True)
    assert _told_sizes(client, made) == ("3 articles", 3, 3, 3, 1, 0)


def test_the_migration_counts_the_shown_articles_of_the_stories_already_stored(story):
    made, first, _second, _german = story
    Publisher.objects.filter(pk=first.publisher_id).update(
        is_active=False
    )  # as before publisher_policy_set told stories
    Story.objects.update(shown_size=0)

    migration = import_module("newsdesk.stories.migrations.0004_story_shown_size")
    # Under `newsdesk db copy` the database migrated is not the default one: nothing is read or written there.
    elsewhere = SimpleNamespace(connection=SimpleNamespace(alias="copy-target"))
    with pytest.raises(ConnectionDoesNotExist):
        migration.shown_sizes_count(django_apps, elsewhere)
    assert Story.objects.get(pk=made.pk).shown_size == 0

    migration.shown_sizes_count(django_apps, SimpleNamespace(connection=connection))
    made.refresh_from_db()
    assert (made.size, made.shown_size) == (3, 2)


def test_a_recount_failing_half_way_leaves_the_publisher_and_every_story_as_they_were(story, monkeypatch):
    made, first, _second, _german = story
    other = make_story(
        [make_article(first.publisher, title="Bridge reopens"), make_article(make_publisher(), title="x")]
    )
    story_counts_refresh(other)
    before = [_told(made), _told(other)]
    recounted = []

    def fail_on_the_second(stories: list[Story]) -> None:
        for story in stories:
            if recounted:
                raise RuntimeError("database went away")
            story_counts_refresh(story, reopen=False)
            recounted.append(story.pk)

    monkeypatch.setattr("newsdesk.stories.services.stories_counts_refresh", fail_on_the_second)
    with pytest.raises(RuntimeError):
        publisher_policy_set(publisher=first.publisher, display_policy="full", is_active=False)

    assert len(recounted) == 1  # one story was recounted before the failure, and rolled back with the rest
    assert Publisher.objects.get(pk=first.publisher_id).is_active is True
    assert [_told(made), _told(other)] == before
