"""The split and merge pass at a story's close, stored (stories.closing with ClusterOptions.regroup_at_close): a story
of two events becomes two Story rows (the kept part keeps the id, the page and the comments; the other part is a new
closed story its articles' pages link to); a small fragment merges into its event and its address redirects there;
a story of headlines alone never changes; with the option off nothing changes; an article's features are derived
again by a later close only when its text changed; a takedown in a part and a rebuild after a split keep its
stories."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.community.models import Comment
from newsdesk.ingest.jobs import periodic_jobs
from newsdesk.reader.cluster import StoryClusterer
from newsdesk.reader.cluster.refine import Member
from newsdesk.stories import closing
from newsdesk.stories.closing import _StoryMembers, stories_close, stories_close_quiet
from newsdesk.stories.frequencies import SeededFrequencies
from newsdesk.stories.models import Story, StoryMembership, StoryRedirect
from newsdesk.stories.rebuild import stories_rebuild
from newsdesk.stories.services import CLUSTER_OPTIONS, _story_state_rebuild
from tests.community.conftest import make_member
from tests.factories import make_article, make_publisher
from tests.reader.cluster.test_refine import MYSORE
from tests.reader.cluster.test_regroup import MYSORE_MORE, QUAKE
from tests.stories.rows import make_story

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ON = replace(CLUSTER_OPTIONS, regroup_at_close=True)


def stored_stories(layout: dict[str, list[tuple[str, str]]], *, headlines_only: bool = False):
    """Stories of these reports ({name: [(title, text), …]}), an hour apart in order, their states built from their
    members as assignment builds them: ({name: story}, {name: [articles]}, the time every story is quiet)."""
    start = timezone.now() - timedelta(days=2)
    made, articles, n = {}, {}, 0
    for name, reports in layout.items():
        articles[name] = []
        for title, text in reports:
            articles[name].append(
                make_article(
                    make_publisher(name=f"Outlet {n}"),
                    title=title,
                    body_text="" if headlines_only else text,
                    summary="",
                    published_at=start + timedelta(hours=n),
                )
            )
            n += 1
        made[name] = make_story(articles[name])
        _story_state_rebuild(made[name], CLUSTER_OPTIONS)
    return made, articles, start + timedelta(hours=n) + CLUSTER_OPTIONS.quiet_period


def members(story: Story) -> set[int]:
    return set(StoryMembership.objects.filter(story_id=story.pk).values_list("article_id", flat=True))


def test_a_story_of_two_events_splits_into_two_stories_at_its_close_and_its_address_keeps_the_larger_part():
    made, articles, quiet = stored_stories({"mixed": [*MYSORE, *QUAKE, MYSORE_MORE]})
    mixed = made["mixed"]
    comment = Comment.objects.create(
        target=mixed, author=make_member(), body="c", body_html="<p>c</p>", body_fingerprint="c", status="approved"
    )
    pirates, quakes = [*articles["mixed"][:3], articles["mixed"][-1]], articles["mixed"][3:6]

    (close,) = [job for job in periodic_jobs() if job.name == "stories_close"]  # the worker's, at the defaults
    assert close.run(quiet) == "2 stories closed, 3 articles moved"  # the story and its part; three reports moved

    mixed.refresh_from_db()
    (part,) = Story.objects.exclude(pk=mixed.pk)
    assert members(mixed) == {a.pk for a in pirates}  # the larger part keeps the id
    assert members(part) == {a.pk for a in quakes}
    assert (mixed.size, mixed.outlet_count, mixed.is_closed, mixed.state["size"]) == (4, 4, True, 4)
    assert (part.size, part.outlet_count, part.is_closed, part.state["size"]) == (3, 3, True, 3)
    assert part.headline == quakes[0].title
    assert (part.first_seen, part.last_seen) == (quakes[0].published_at, quakes[-1].published_at)
    assert (mixed.first_seen, mixed.last_seen) == (pirates[0].published_at, pirates[-1].published_at)
    assert mixed.state["last_seen"] == pirates[-1].published_at.isoformat()
    assert not StoryRedirect.objects.exists()  # nothing is gone: both ids answer

    client = Client()
    page = client.get(mixed.get_absolute_url())
    assert page.status_code == 200
    assert pirates[0].title in page.content.decode()
    assert quakes[0].title not in page.content.decode()
    assert "<p>c</p>" in page.content.decode()  # its comments stay with the id
    assert quakes[1].title in client.get(part.get_absolute_url()).content.decode()
    assert f'href="{part.get_absolute_url()}"' in client.get(quakes[0].get_absolute_url()).content.decode()
    assert client.get(f"/api/stories/{part.pk}").json()["article_count"] == 3
    comment.refresh_from_db()
    assert comment.target_id == mixed.pk

    # Closed once: nothing is due any more.
    assert stories_close(now=quiet + timedelta(hours=1), options=ON) == (0, 0)


def test_with_the_option_off_a_story_of_two_events_stays_one():
    made, articles, quiet = stored_stories({"mixed": [*MYSORE, *QUAKE, MYSORE_MORE]})
    state = Story.objects.get(pk=made["mixed"].pk).state

    assert CLUSTER_OPTIONS.regroup_at_close  # the product's default
    assert stories_close(now=quiet, options=replace(ON, regroup_at_close=False)) == (1, 0)

    assert Story.objects.count() == 1
    assert members(made["mixed"]) == {a.pk for a in articles["mixed"]}
    assert Story.objects.get(pk=made["mixed"].pk).state == state


def test_a_small_fragment_merges_into_its_event_and_its_address_leads_there():
    made, articles, quiet = stored_stories({"mysore": MYSORE[:2], "fragment": [MYSORE[2], MYSORE_MORE]})
    mysore, fragment = made["mysore"], made["fragment"]
    Story.objects.filter(pk=mysore.pk).update(last_seen=timezone.now())  # still open: only the fragment closes
    comment = Comment.objects.create(
        target=fragment, author=make_member(), body="f", body_html="<p>f</p>", body_fingerprint="f", status="approved"
    )

    assert stories_close(now=quiet, options=ON) == (0, 2)  # the fragment merged away: nothing left of it to close

    assert not Story.objects.filter(pk=fragment.pk).exists()
    mysore.refresh_from_db()
    assert members(mysore) == {a.pk for a in [*articles["mysore"], *articles["fragment"]]}
    assert (mysore.size, mysore.state["size"], mysore.is_closed) == (4, 4, False)  # it closes at its own time
    assert StoryRedirect.objects.get(old_id=fragment.pk).story_id == mysore.pk
    client = Client()
    assert client.get(fragment.get_absolute_url())["Location"] == mysore.get_absolute_url()
    assert client.get(f"/api/stories/{fragment.pk}")["Location"] == f"/api/stories/{mysore.pk}"
    comment.refresh_from_db()
    assert comment.target_id == mysore.pk
    memberships = StoryMembership.objects.filter(article__in=articles["fragment"])
    assert all(score >= ON.regroup_merge_bar for score in memberships.values_list("score", flat=True))


def test_a_story_of_headlines_alone_never_changes_with_the_option_on():
    made, articles, quiet = stored_stories({"mixed": [*MYSORE, *QUAKE], "mysore": [MYSORE_MORE]}, headlines_only=True)
    before = {story.pk: (story.size, story.state) for story in Story.objects.all()}

    closed = stories_close(now=quiet, options=ON)

    assert closed.moved == 0
    assert {story.pk: (story.size, story.state) for story in Story.objects.all()} == before
    assert members(made["mixed"]) == {a.pk for a in articles["mixed"]}
    assert set(Article.objects.values_list("story_membership__story_id", flat=True)) == set(before)


def test_a_close_derives_an_article_s_features_again_only_when_what_they_come_from_changed():
    made, articles, _ = stored_stories({"mysore": MYSORE})
    story, (first, second, _third) = made["mysore"], articles["mysore"]

    def read() -> dict[int, Member]:
        frequencies = SeededFrequencies(StoryClusterer(CLUSTER_OPTIONS), None)
        return {member.key: member for member in _StoryMembers(CLUSTER_OPTIONS, None, frequencies)(story.pk)}

    before = read()
    Article.objects.filter(pk=second.pk).update(body_text="Pirates released a hostage ship off Somalia.")
    after = read()

    assert after[first.pk] is before[first.pk]  # the thread's last close derived it from the same text
    assert after[second.pk] is not before[second.pk]
    assert "somalia" in after[second.pk].features.entities or "somalia" in after[second.pk].features.terms
    assert after[second.pk].features != before[second.pk].features


def test_a_derivation_that_failed_part_way_is_derived_again_by_the_next_close(monkeypatch):
    made, articles, _ = stored_stories({"mysore": MYSORE[:2]})
    story = made["mysore"]
    frequencies = SeededFrequencies(StoryClusterer(CLUSTER_OPTIONS), None)
    _StoryMembers(CLUSTER_OPTIONS, None, frequencies)(story.pk)  # the thread keeps both derived
    Article.objects.filter(pk=articles["mysore"][0].pk).update(body_text="Pirates freed a tanker off Oman.")

    def failing(*args, **kwargs):
        raise RuntimeError("the model failed")

    monkeypatch.setattr(closing, "articles_members", failing)
    with pytest.raises(RuntimeError):
        _StoryMembers(CLUSTER_OPTIONS, None, frequencies)(story.pk)
    monkeypatch.undo()

    found = _StoryMembers(CLUSTER_OPTIONS, None, frequencies)(story.pk)  # was a None member: every close failed

    assert [member.key for member in found] == [a.pk for a in articles["mysore"]]
    assert all(member is not None and member.features.terms for member in found)


def partition() -> set[frozenset[int]]:
    stories: dict[int, set[int]] = {}
    for article_id, story_id in StoryMembership.objects.values_list("article_id", "story_id"):
        stories.setdefault(story_id, set()).add(article_id)
    return {frozenset(members) for members in stories.values()}


def test_after_a_split_a_takedown_recounts_the_part_and_a_rebuild_ends_with_the_same_stories(
    django_capture_on_commit_callbacks,
):
    made, articles, quiet = stored_stories({"mixed": [*MYSORE, *QUAKE, MYSORE_MORE]})
    stories_close(now=quiet, options=ON)
    (part,) = Story.objects.exclude(pk=made["mixed"].pk)
    removed = articles["mixed"][3]

    with django_capture_on_commit_callbacks(execute=True):
        removed.delete()  # a takedown removes the row; the story follows once that commits

    part.refresh_from_db()
    assert (part.size, part.state["size"]) == (2, 2)
    split = partition()
    assert split == {
        frozenset(a.pk for a in [*articles["mixed"][:3], articles["mixed"][-1]]),
        frozenset(a.pk for a in articles["mixed"][4:6]),
    }

    stories_rebuild()
    stories_close_quiet(now=quiet, options=ON)

    assert partition() == split
