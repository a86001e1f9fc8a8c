"""A story merged away (an article bridged it to another) or emptied at its close keeps its address: its page and
its API item answer 301 to the story it became, one hop however often that one was merged in turn; once that one is
deleted for another reason (a takedown) the address answers 410 Gone; a rebuild leaves no redirect, and one to a
story readers are not shown is a 404. The admin lists the redirects, read only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from newsdesk.api.stories import ERROR_STORY_GONE
from newsdesk.common.content_version import content_version
from newsdesk.common.signals import target_replaced
from newsdesk.community.models import Comment
from newsdesk.community.spam import form_started_token
from newsdesk.reader.cluster.refine import Move
from newsdesk.sources.models import Publisher
from newsdesk.stories.closing import story_moves_apply
from newsdesk.stories.models import Story, StoryRedirect
from newsdesk.stories.rebuild import stories_rebuild
from newsdesk.stories.redirects import STORY_GONE, story_gone, story_redirect_target
from tests.community.conftest import make_member
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_story
from tests.stories.test_story_closing import (
    harbour_and_election,
    states_after,
    stories_apart_and_a_bridge,
    stories_bridge,
)

pytestmark = pytest.mark.django_db

FEEDS = ("/stories/rss.xml", "/stories/atom.xml", "/stories/feed.json")


def test_a_merged_away_story_s_page_api_item_and_feed_links_lead_to_the_story_it_became():
    apart, bridge = stories_apart_and_a_bridge()
    client = Client()
    feed_text = {path: client.get(path).content.decode() for path in FEEDS}
    assert all(client.get(f"/stories/{pk}/").status_code == 200 for pk in apart)  # cached as they were

    stories_bridge(bridge)

    (survivor,) = Story.objects.all()
    (gone,) = apart - {survivor.pk}
    assert StoryRedirect.objects.get(old_id=gone).story_id == survivor.pk
    page = client.get(f"/stories/{gone}/")
    assert (page.status_code, page["Location"]) == (301, f"/stories/{survivor.pk}/")
    api = client.get(f"/api/stories/{gone}")
    assert (api.status_code, api["Location"]) == (301, f"/api/stories/{survivor.pk}")
    assert client.get(f"/stories/{gone}/", follow=True).status_code == 200
    assert client.get(f"/api/stories/{gone}", follow=True).json()["id"] == survivor.pk
    # Its comments moved to the survivor, and their feed's address follows them.
    comments = client.get(reverse("community:comments_feed", args=["stories.story", gone]) + "?x=1")
    assert (comments.status_code, comments["Location"]) == (
        301,
        reverse("community:comments_feed", args=["stories.story", survivor.pk]) + "?x=1",
    )
    # The links feed readers were handed before the merge lead on too.
    for path, text in feed_text.items():
        assert f"/stories/{gone}/" in text, path
    # The survivor's own address is its page, never a redirect.
    assert client.get(f"/stories/{survivor.pk}/").status_code == 200


def test_a_reader_s_language_and_other_query_parameters_are_kept():
    apart, bridge = stories_apart_and_a_bridge()
    stories_bridge(bridge)
    (survivor,) = Story.objects.all()
    (gone,) = apart - {survivor.pk}

    page = Client().get(f"/stories/{gone}/?lang=en&utm_source=feed")
    assert page["Location"] == f"/stories/{survivor.pk}/?lang=en&utm_source=feed"
    assert Client().get(f"/api/stories/{gone}?lang=en")["Location"] == f"/api/stories/{survivor.pk}?lang=en"


def test_a_cached_page_of_the_merged_away_story_is_not_served_any_more(settings):
    settings.RESPONSE_CACHE_ENABLED = True
    apart, bridge = stories_apart_and_a_bridge()
    client = Client()
    for pk in apart:
        for path in (f"/stories/{pk}/", f"/api/stories/{pk}"):
            client.get(path)
            assert client.get(path)["X-Cache"] == "hit", path
    versions = {pk: content_version("stories.story", pk) for pk in apart}

    stories_bridge(bridge)

    (survivor,) = Story.objects.all()
    (gone,) = apart - {survivor.pk}
    # Its own version moved (a hard change of its pages), not only the soft one of everything a merge bumps.
    assert content_version("stories.story", gone) != versions[gone]
    assert client.get(f"/stories/{gone}/")["Location"] == f"/stories/{survivor.pk}/"
    assert client.get(f"/api/stories/{gone}")["Location"] == f"/api/stories/{survivor.pk}"
    assert client.get(f"/stories/{survivor.pk}/").status_code == 200


def test_a_story_emptied_at_its_close_leads_to_the_story_that_took_its_members():
    harbour, election, (_fire, vote, stray) = harbour_and_election()
    moves = [Move(vote.pk, election.pk, harbour.pk, 0.3), Move(stray.pk, election.pk, harbour.pk, 0.5)]

    story_moves_apply(moves=moves, states=states_after(moves, harbour, election))

    response = Client().get(election.get_absolute_url())
    assert (response.status_code, response["Location"]) == (301, harbour.get_absolute_url())
    assert Client().get(f"/api/stories/{election.pk}")["Location"] == f"/api/stories/{harbour.pk}"


def replaced(old: Story, new: Story) -> None:
    """What a merge does to `old`: announce its replacement, then delete it."""
    target_replaced.send(Story, old_pk=old.pk, new_pk=new.pk)
    Story.objects.filter(pk=old.pk).delete()


def three_stories() -> tuple[Story, Story, Story]:
    publisher = make_publisher()
    return tuple(make_story([make_article(publisher, title=f"Story {name}")]) for name in "ABC")


def test_a_chain_of_merges_is_one_hop():
    a, b, c = three_stories()

    replaced(a, b)
    replaced(b, c)

    assert dict(StoryRedirect.objects.values_list("old_id", "story_id")) == {a.pk: c.pk, b.pk: c.pk}
    for old in (a, b):
        response = Client().get(f"/stories/{old.pk}/")
        assert (response.status_code, response["Location"]) == (301, f"/stories/{c.pk}/")


def test_a_redirect_to_a_story_readers_are_not_shown_is_not_found():
    a, b, _ = three_stories()
    replaced(a, b)
    Publisher.objects.filter(pk=b.lead_article.publisher_id).update(is_active=False)
    Story.objects.filter(pk=b.pk).update(outlet_count=0)  # as its recount leaves a story of a deactivated publisher

    assert Client().get(f"/stories/{a.pk}/").status_code == 404
    assert Client().get(f"/api/stories/{a.pk}").status_code == 404


def test_an_address_whose_successor_was_taken_down_answers_gone(django_capture_on_commit_callbacks):
    a, b, _ = three_stories()
    replaced(a, b)

    with django_capture_on_commit_callbacks(execute=True):
        b.lead_article.delete()  # a takedown deletes the article; its emptied story goes

    assert not Story.objects.filter(pk=b.pk).exists()
    assert StoryRedirect.objects.get(old_id=a.pk).story_id is None
    page = Client().get(f"/stories/{a.pk}/")
    assert page.status_code == 410
    assert "Story removed" in page.content.decode()
    api = Client().get(f"/api/stories/{a.pk}")
    assert (api.status_code, api.json()) == (410, {"error": ERROR_STORY_GONE})
    # Its comments feed, whose address led to the successor's, is gone with it.
    feed = Client().get(reverse("community:comments_feed", args=["stories.story", a.pk]))
    assert feed.status_code == 410
    # The story taken down itself was never merged anywhere: its address is simply not found.
    assert Client().get(f"/stories/{b.pk}/").status_code == 404
    assert Client().get(f"/api/stories/{b.pk}").status_code == 404
    assert Client().get(reverse("community:comments_feed", args=["stories.story", b.pk])).status_code == 404


def test_a_chain_whose_last_story_is_taken_down_is_gone_at_every_hop(django_capture_on_commit_callbacks):
    a, b, c = three_stories()
    replaced(a, b)
    replaced(b, c)

    with django_capture_on_commit_callbacks(execute=True):
        c.lead_article.delete()

    assert dict(StoryRedirect.objects.values_list("old_id", "story_id")) == {a.pk: None, b.pk: None}
    for old in (a, b):
        assert Client().get(f"/stories/{old.pk}/").status_code == 410
        assert Client().get(f"/api/stories/{old.pk}").status_code == 410
        feed = Client().get(reverse("community:comments_feed", args=["stories.story", old.pk]))
        assert (feed.status_code, feed.content.decode()) == (410, f"Gone: {STORY_GONE}")
    assert story_redirect_target(story_id=a.pk) is None


def test_a_live_story_is_never_answered_gone():
    a = three_stories()[0]
    StoryRedirect.objects.create(old_id=a.pk, story=None)  # never written so: a row can not hide a live story
    assert Client().get(f"/stories/{a.pk}/").status_code == 200
    assert not story_gone(story_id=a.pk)


def test_the_admin_lists_the_redirects_read_only_and_finds_them_by_id(admin_client):
    a, b, c = three_stories()
    replaced(a, c)
    replaced(b, c)

    found = admin_client.get("/admin/stories/storyredirect/", {"q": str(a.pk)})
    assert found.status_code == 200
    assert list(found.context["cl"].result_list) == [StoryRedirect.objects.get(old_id=a.pk)]
    by_target = admin_client.get("/admin/stories/storyredirect/", {"q": str(c.pk)})
    assert len(by_target.context["cl"].result_list) == 2
    assert admin_client.get("/admin/stories/storyredirect/", {"q": "not-a-number"}).status_code == 200
    assert admin_client.get("/admin/stories/storyredirect/add/").status_code == 403
    redirect = StoryRedirect.objects.get(old_id=a.pk)
    change = admin_client.post(f"/admin/stories/storyredirect/{redirect.pk}/change/", {"old_id": 1, "story": b.pk})
    assert change.status_code == 403
    assert StoryRedirect.objects.get(pk=redirect.pk).story_id == c.pk


def test_unknown_ids_and_live_stories_never_redirect():
    a, b, c = three_stories()
    # A redirect row for an id that is a live story (never written so) does not hide it.
    StoryRedirect.objects.create(old_id=a.pk, story=b)
    Story.objects.filter(pk=a.pk).update(size=0, outlet_count=0, shown_size=0)

    assert story_redirect_target(story_id=a.pk) is None
    assert Client().get(f"/stories/{a.pk}/").status_code == 404
    unknown = c.pk + 1000
    assert Client().get(f"/stories/{unknown}/").status_code == 404
    assert Client().get(f"/api/stories/{unknown}").status_code == 404
    assert Client().get(f"/api/stories/{2**64}").status_code == 404
    for label in ("stories.story", "articles.article", "no.such"):  # a model that keeps no successor, no model
        assert Client().get(reverse("community:comments_feed", args=[label, unknown])).status_code == 404
    assert story_redirect_target(story_id=2**64) is None


def test_a_rebuild_clears_the_redirects_of_the_stories_it_forgets():
    apart, bridge = stories_apart_and_a_bridge()
    stories_bridge(bridge)
    (survivor,) = Story.objects.all()
    (gone,) = apart - {survivor.pk}

    stories_rebuild()

    # Its stories are new ones: an old address would lead to whatever story took the old one's id, so none does.
    assert not Story.objects.filter(pk__in=[*apart, survivor.pk]).exists()
    assert not StoryRedirect.objects.filter(old_id__in=apart).exists()
    assert Client().get(f"/stories/{gone}/").status_code == 404


def test_a_merged_away_story_s_comment_form_leads_to_the_story_it_became_and_a_post_lands_there(settings):
    settings.COMMUNITY_MIN_COMPOSE_SECONDS = 0
    a, b, _ = three_stories()
    replaced(a, b)
    reader = Client()
    reader.force_login(make_member(trusted=True))
    old_form = reverse("community:comment_post", args=["stories.story", a.pk])

    opened = reader.get(old_form + "?reply_to=3")
    posted = reader.post(old_form, {"body": "Still following this.", "started": form_started_token(), "website": ""})

    new_form = reverse("community:comment_post", args=["stories.story", b.pk])
    assert (opened.status_code, opened["Location"]) == (301, new_form + "?reply_to=3")
    assert reader.get(opened["Location"]).status_code == 200
    comment = Comment.objects.get()
    assert comment.target == b
    assert (posted.status_code, posted["Location"]) == (302, f"{b.get_absolute_url()}#comment-{comment.pk}")
    # A story never merged anywhere has no form to lead to.
    unknown = reverse("community:comment_post", args=["stories.story", b.pk + 1000])
    assert reader.get(unknown).status_code == 404
    assert reader.post(unknown, {"body": "Anyone?", "started": form_started_token()}).status_code == 404
