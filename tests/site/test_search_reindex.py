"""After a publisher's display policy changes, search follows: results and snippets show only what the new policy
lets us show. The change is made where an operator makes it, the publisher's admin page; the request only asks for
the reindex, a worker's cycle carries it out, and meanwhile a tightened publisher's articles are left out of search."""

from io import StringIO

import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from newsdesk.articles.admin import SEARCH_REINDEX_QUEUED
from newsdesk.articles.models import Article, SearchReindexRequest
from newsdesk.ingest.models import PeriodicJob
from newsdesk.sources.models import Publisher
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db

BODY_WORD = "quokkasentinel"


def _search(client, query: str) -> str:
    return client.get("/search/", {"q": query}).content.decode().split("</header>", 1)[1]


def _admin_change_policy(client, publisher: Publisher, policy: str):
    """Submit the publisher's admin change form as a browser would, with only the policy changed."""
    path = f"/admin/sources/publisher/{publisher.pk}/change/"
    form = lxml.html.fromstring(client.get(path).content).get_element_by_id("publisher_form")
    data = dict(form.form_values())
    data["display_policy"] = policy
    return client.post(path, data, follow=True)


def _worker_once() -> str:
    """One real `newsdesk worker --once` cycle, its search reindex job due (as it is a few seconds after the last)."""
    PeriodicJob.objects.filter(name="search_reindex").update(next_run_at=timezone.now())
    out = StringIO()
    call_command("worker", "--once", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_search_stops_matching_body_text_when_the_admin_makes_a_publisher_headline_only(client):
    publisher = make_publisher(name="Harbour Gazette", policy=Publisher.DisplayPolicy.FULL)
    article = make_article(
        publisher, title="Pier reopens", summary="A pier story.", body_text=f"The {BODY_WORD} swam by."
    )
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-for-tests")
    assert "1 result for" in _search(client, BODY_WORD)

    client.force_login(admin)
    response = _admin_change_policy(client, publisher, Publisher.DisplayPolicy.HEADLINE)
    client.logout()

    assert SEARCH_REINDEX_QUEUED in response.content.decode()
    assert Publisher.objects.get(pk=publisher.pk).display_policy == Publisher.DisplayPolicy.HEADLINE
    assert BODY_WORD in Article.objects.get(pk=article.pk).search_text  # the request left the reindex to a worker
    assert f"Nothing found for “{BODY_WORD}”" in _search(client, BODY_WORD)  # meanwhile the publisher is left out
    assert "Pier reopens" not in _search(client, "pier")

    assert "job search_reindex: 1 article reindexed" in _worker_once()

    assert BODY_WORD not in Article.objects.get(pk=article.pk).search_text
    assert not SearchReindexRequest.objects.exists()
    assert f"Nothing found for “{BODY_WORD}”" in _search(client, BODY_WORD)
    by_title = _search(client, "pier")
    assert "Pier reopens" in by_title
    assert "A pier story." not in by_title  # the snippet follows the policy too
    assert BODY_WORD not in by_title


def test_search_follows_each_policy_change_both_ways(client):
    publisher = make_publisher(name="Harbour Gazette", policy=Publisher.DisplayPolicy.HEADLINE)
    make_article(
        publisher, title="Pier reopens", summary="A pier story.", body_text=f"The {BODY_WORD} swam by.", image_url=""
    )
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-for-tests")
    assert f"Nothing found for “{BODY_WORD}”" in _search(client, BODY_WORD)

    def change_policy(policy: str) -> None:
        client.force_login(admin)
        _admin_change_policy(client, publisher, policy)
        client.logout()
        _worker_once()

    change_policy(Publisher.DisplayPolicy.FULL)
    assert "1 result for" in _search(client, BODY_WORD)
    assert "Pier reopens" in _search(client, BODY_WORD)

    change_policy(Publisher.DisplayPolicy.EXCERPT)
    assert f"Nothing found for “{BODY_WORD}”" in _search(client, BODY_WORD)
    assert "A pier story." in _search(client, "pier story")


@pytest.mark.parametrize("words", ["0", "1001", "5000"])
def test_an_excerpt_length_the_policy_cannot_take_is_refused_by_the_form_on_change_and_on_add(client, words):
    """It was a 500 on the change page (publisher_policy_set refuses it) and stored as typed on the add page."""
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-for-tests"))
    publisher = make_publisher(display_policy=Publisher.DisplayPolicy.EXCERPT)
    path = f"/admin/sources/publisher/{publisher.pk}/change/"
    form = lxml.html.fromstring(client.get(path).content).get_element_by_id("publisher_form")
    changed = {**dict(form.form_values()), "excerpt_words": words}
    added = {**changed, "name": "Another Gazette", "slug": "another-gazette", "homepage": "https://another.example/"}

    for response in (client.post(path, changed), client.post("/admin/sources/publisher/add/", added)):
        assert response.status_code == 200
        assert "excerpt_words" in response.context["adminform"].form.errors
    assert Publisher.objects.get().excerpt_words == publisher.excerpt_words
