"""Closing stories: a few at a time, the longest quiet first; and moves of members between stories stored whole —
memberships, both stories' states and counts, an emptied story gone with its comments handed on."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.community.models import Comment
from newsdesk.ingest.jobs import periodic_jobs
from newsdesk.reader.cluster import ClusterOptions, StoryState, clustering_features
from newsdesk.reader.cluster.refine import Move
from newsdesk.stories.closing import stories_close, stories_close_quiet, story_moves_apply
from newsdesk.stories.embedding import articles_embed, assignment_embedder, story_state_restore
from newsdesk.stories.models import Story, StoryMembership
from newsdesk.stories.services import CLUSTER_OPTIONS, _story_state_rebuild, stories_assign, story_assign
from newsdesk.stories.syndication_services import article_text
from tests.community.conftest import make_member
from tests.factories import make_article, make_publisher
from tests.reader.cluster.test_refine import MYSORE, STRAY, SUKANYA
from tests.stories.rows import make_story

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def quiet_story(name: str, *, quiet_for: timedelta) -> Story:
    last = timezone.now() - quiet_for
    return Story.objects.create(headline=name, first_seen=last - timedelta(hours=1), last_seen=last, size=1)


def states_after(moves: list[Move], *stories: Story) -> dict[int, StoryState]:
    """Each story's state rebuilt from its members as they will be after `moves` (what the clusterer holds then)."""
    options = ClusterOptions()
    moved = {move.member: move.target for move in moves}
    states = {story.pk: StoryState() for story in stories}
    for article in Article.objects.filter(story_membership__story__in=stories).select_related("story_membership"):
        features = clustering_features(options, title=article.title, text=article_text(article))
        state = states[moved.get(article.pk, article.story_membership.story_id)]
        state.add(features, language=article.language, at=article.published_at, options=options)
    return states


def test_a_run_closes_the_longest_quiet_stories_first_and_leaves_the_rest_to_the_next_run():
    newest = quiet_story("Quiet for a day", quiet_for=timedelta(days=1))
    oldest = quiet_story("Quiet for three days", quiet_for=timedelta(days=3))
    middle = quiet_story("Quiet for two days", quiet_for=timedelta(days=2))
    busy = quiet_story("Still reported", quiet_for=timedelta(hours=1))

    assert stories_close(now=timezone.now(), limit=2).stories == 2
    assert set(Story.objects.filter(is_closed=True).values_list("pk", flat=True)) == {oldest.pk, middle.pk}

    assert stories_close(now=timezone.now(), limit=2).stories == 1
    assert set(Story.objects.filter(is_closed=True).values_list("pk", flat=True)) == {oldest.pk, middle.pk, newest.pk}
    assert stories_close(now=timezone.now(), limit=2).stories == 0
    busy.refresh_from_db()
    assert not busy.is_closed


def harbour_and_election():
    """Two stories; the election story holds a harbour report (it joined the wrong story early)."""
    now = timezone.now()
    times, herald, post = make_publisher(name="Times"), make_publisher(name="Herald"), make_publisher(name="Post")
    fire = make_article(
        times, title="Fire at the harbour", body_text="A fire broke out.", published_at=now - timedelta(hours=30)
    )
    vote = make_article(
        herald, title="Election called", body_text="An election.", published_at=now - timedelta(hours=29)
    )
    stray = make_article(
        post, title="Harbour fire spreads", body_text="The fire spread.", published_at=now - timedelta(hours=26)
    )
    harbour = make_story([fire], is_closed=True)
    election = make_story([vote, stray])
    return harbour, election, (fire, vote, stray)


def test_a_moved_article_shows_in_its_new_story_with_both_stories_recounted():
    harbour, election, (fire, vote, stray) = harbour_and_election()
    moves = [Move(stray.pk, election.pk, harbour.pk, 0.41)]

    changed = story_moves_apply(moves=moves, states=states_after(moves, harbour, election))
    assert changed == {harbour.pk, election.pk}

    membership = StoryMembership.objects.get(article=stray)
    assert (membership.story_id, membership.score) == (harbour.pk, 0.41)
    harbour.refresh_from_db()
    election.refresh_from_db()
    assert (harbour.size, harbour.shown_size, harbour.outlet_count) == (2, 2, 2)
    assert (harbour.first_seen, harbour.last_seen) == (fire.published_at, stray.published_at)
    assert harbour.is_closed, "a story that took a member at another's close stays closed"
    assert (election.size, election.outlet_count, election.headline) == (1, 1, vote.title)
    assert election.first_seen == election.last_seen == vote.published_at
    assert harbour.state["first_seen"] == fire.published_at.isoformat()
    assert harbour.state["last_seen"] == stray.published_at.isoformat()

    page = Client().get(harbour.get_absolute_url()).content.decode()
    assert stray.title in page
    assert stray.title not in Client().get(election.get_absolute_url()).content.decode()
    assert f'href="{harbour.get_absolute_url()}"' in Client().get(stray.get_absolute_url()).content.decode()
    api = Client().get(f"/api/stories/{harbour.pk}").json()
    assert (api["article_count"], api["outlet_count"], api["closed"]) == (2, 2, True)
    assert Client().get(f"/api/stories/{election.pk}").json()["article_count"] == 1


def test_states_are_stored_as_the_clusterer_holds_them():
    harbour, election, (_fire, _vote, stray) = harbour_and_election()
    moves = [Move(stray.pk, election.pk, harbour.pk, 0.3)]

    story_moves_apply(moves=moves, states=states_after(moves, harbour, election))

    harbour.refresh_from_db()
    election.refresh_from_db()
    assert harbour.state["size"] == 2
    assert election.state["size"] == 1
    assert harbour.state["terms"]["spread"] == 3.0  # the stray report's word, now the harbour story's
    assert "spread" not in election.state["terms"]


def test_a_story_emptied_by_moves_is_gone_everywhere_and_its_comments_follow_its_members():
    harbour, election, (_fire, vote, stray) = harbour_and_election()
    author = make_member(trusted=True)
    comment = Comment.objects.create(
        target=election, author=author, body="x", body_html="<p>x</p>", body_fingerprint="f", status="approved"
    )
    moves = [Move(vote.pk, election.pk, harbour.pk, 0.3), Move(stray.pk, election.pk, harbour.pk, 0.5)]

    story_moves_apply(moves=moves, states=states_after(moves, harbour, election))

    assert not Story.objects.filter(pk=election.pk).exists()
    comment.refresh_from_db()
    assert comment.target_id == harbour.pk
    client = Client()
    # Its address leads to the story that took its members (tests/stories/test_story_redirects.py).
    assert client.get(election.get_absolute_url())["Location"] == harbour.get_absolute_url()
    assert client.get(f"/api/stories/{election.pk}")["Location"] == f"/api/stories/{harbour.pk}"
    for path in ("/", "/sitemap.xml", "/api/stories", "/stories/rss.xml", "/stories/atom.xml", "/stories/feed.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert election.get_absolute_url() not in response.content.decode(), path
    assert "<p>x</p>" in client.get(harbour.get_absolute_url()).content.decode()


def test_reprocess_closes_the_stories_already_quiet_as_the_workers_would():
    publisher = make_publisher()
    old = make_article(publisher, title="Dam bursts upstream", published_at=timezone.now() - timedelta(days=3))
    new = make_article(publisher, title="Comet seen tonight", published_at=timezone.now() - timedelta(hours=1))
    out = io.StringIO()

    call_command("reprocess", "--no-progress", stdout=out)

    assert out.getvalue().splitlines() == ["reprocessed 2 articles", "closed 1 quiet story"]
    closed = dict(Story.objects.values_list("lead_article_id", "is_closed"))
    assert closed == {old.pk: True, new.pk: False}


# --- the refinement at a story's close, end to end -------------------------------------------------------------

# The refinement alone: with the split and merge pass first (the default; tests/stories/test_story_regrouping.py),
# this six-report corpus's two pirate stories (two sibling events in one sea, every report sharing most words) link at
# the merge bar, and the Mysore story merges whole into the Sukanya one at its close.
REFINE_ONLY = replace(CLUSTER_OPTIONS, regroup_at_close=False)


def pirate_reports(*, stray_alone: bool = False):
    """The Mysore story (three reports, then a Sukanya report that joined it early: `stray_alone` puts that one in a
    story of its own instead) and the Sukanya story (two reports, three and four hours later), assigned as ingestion
    assigns them, then moved into that layout; the stray is the Mysore story's last member. Returns (mysore, stray's story, sukanya),
    the stray and the time the stray's story is quiet."""
    start = timezone.now() - timedelta(days=2)
    articles = [
        make_article(
            make_publisher(name=f"Outlet {n}"),
            title=title,
            body_text=text,
            summary="",
            published_at=start + timedelta(hours=n),
        )
        for n, (title, text) in enumerate([*MYSORE, STRAY, *SUKANYA])
    ]
    for article in articles:
        story_assign(article=article)  # counted in the document frequencies, as ingestion counts them
    # Then laid out as above, whatever the stream made of six reports of one sea: with the document frequencies of
    # these six alone, the Sukanya reports join the Mysore story.
    mysore = Story.objects.get(memberships__article=articles[0])
    sukanya = Story.objects.get(memberships__article=articles[-1])
    if sukanya.pk == mysore.pk:
        sukanya = Story.objects.create(headline=articles[-1].title, first_seen=start, last_seen=start)
    stray = articles[3]
    home = Story.objects.create(headline=stray.title, first_seen=start, last_seen=start) if stray_alone else mysore
    StoryMembership.objects.filter(article__in=articles[:3]).update(story=mysore)
    StoryMembership.objects.filter(article__in=articles[4:]).update(story=sukanya)
    StoryMembership.objects.filter(article=stray).update(story=home)
    for story in {mysore, sukanya, home}:
        _story_state_rebuild(story, CLUSTER_OPTIONS)  # as if it had joined there
    Story.objects.exclude(pk__in=[mysore.pk, sukanya.pk, home.pk]).delete()  # any other the stream opened: empty now
    return mysore, home, sukanya, stray, stray.published_at + CLUSTER_OPTIONS.quiet_period + timedelta(minutes=1)


def test_an_article_that_joined_the_wrong_story_early_moves_at_its_close_and_every_surface_follows(monkeypatch):
    mysore, _, sukanya, stray, quiet = pirate_reports()
    monkeypatch.setitem(stories_close.__kwdefaults__, "options", REFINE_ONLY)  # what the worker's job closes with
    assert mysore.size == 4

    (close,) = [job for job in periodic_jobs() if job.name == "stories_close"]
    assert close.run(quiet) == "1 story closed, 1 article moved"  # the worker's outcome line

    assert StoryMembership.objects.get(article=stray).story_id == sukanya.pk
    mysore.refresh_from_db()
    sukanya.refresh_from_db()
    assert (mysore.size, mysore.outlet_count, mysore.is_closed, mysore.state["size"]) == (3, 3, True, 3)
    assert mysore.last_seen == mysore.first_seen + timedelta(hours=2)
    assert (sukanya.size, sukanya.outlet_count, sukanya.is_closed, sukanya.state["size"]) == (3, 3, False, 3)
    assert sukanya.first_seen == stray.published_at
    client = Client()
    assert stray.title in client.get(sukanya.get_absolute_url()).content.decode()
    assert stray.title not in client.get(mysore.get_absolute_url()).content.decode()
    assert f'href="{sukanya.get_absolute_url()}"' in client.get(stray.get_absolute_url()).content.decode()
    assert client.get(f"/api/stories/{sukanya.pk}").json()["article_count"] == 3
    assert client.get(f"/api/stories/{mysore.pk}").json()["article_count"] == 3

    # Closed once: a later run finds nothing due and moves nothing.
    assert stories_close(now=quiet + timedelta(hours=1), options=REFINE_ONLY) == (0, 0)
    assert StoryMembership.objects.get(article=stray).story_id == sukanya.pk


def test_a_story_emptied_at_its_close_is_gone_and_its_comments_are_on_the_story_that_took_its_article():
    mysore, alone, sukanya, stray, quiet = pirate_reports(stray_alone=True)
    comment = Comment.objects.create(
        target=alone, author=make_member(), body="y", body_html="<p>y</p>", body_fingerprint="g", status="approved"
    )

    assert stories_close(now=quiet, options=REFINE_ONLY) == (1, 1)  # Mysore's closed; the stray's own emptied
    assert list(Story.objects.filter(is_closed=True).values_list("pk", flat=True)) == [mysore.pk]

    assert not Story.objects.filter(pk=alone.pk).exists()
    assert StoryMembership.objects.get(article=stray).story_id == sukanya.pk
    comment.refresh_from_db()
    assert comment.target_id == sukanya.pk
    assert Client().get(alone.get_absolute_url())["Location"] == sukanya.get_absolute_url()


def test_with_no_refinement_a_close_only_marks_the_story_closed():
    mysore, _, _, stray, quiet = pirate_reports()
    state = Story.objects.get(pk=mysore.pk).state

    assert stories_close(now=quiet, options=replace(CLUSTER_OPTIONS, refine_passes=0)) == (1, 0)

    assert StoryMembership.objects.get(article=stray).story_id == mysore.pk
    mysore.refresh_from_db()
    assert (mysore.size, mysore.is_closed, mysore.state) == (4, True, state)


def test_a_story_of_headlines_alone_without_embeddings_never_changes_at_its_close():
    # Not refined member by member (headlines never move one at a time); and words alone never merge it whole
    # (ClusterOptions.title_close_merge_cosine asks for the stories' embeddings).
    mysore, _, sukanya, stray, quiet = pirate_reports()
    Article.objects.filter(story_membership__story__in=[mysore, sukanya]).update(body_text="", summary="")
    for story in (mysore, sukanya):
        _story_state_rebuild(story, CLUSTER_OPTIONS)
    before = Story.objects.get(pk=mysore.pk)

    assert stories_close(now=quiet) == (1, 0)

    assert StoryMembership.objects.get(article=stray).story_id == mysore.pk
    after = Story.objects.get(pk=mysore.pk)
    assert (after.size, after.state, after.headline, after.is_closed) == (4, before.state, before.headline, True)


def stories_apart_and_a_bridge() -> tuple[set[int], Article]:
    """Two stories opened apart and an article matching both, not assigned yet: (their ids, the article)."""
    publisher = make_publisher()
    titles = ["Mt. Gox files for bankruptcy", "Bitcoin exchange Mt. Gox seeks protection"]
    first, second = (make_article(publisher, title=title, body_text="", summary="") for title in titles)
    for article in (first, second):  # opened apart (nothing joins at this bar)
        stories_assign(articles=[article], options=replace(CLUSTER_OPTIONS, title_threshold=2.0))
    apart = {Story.objects.get(memberships__article=a).pk for a in (first, second)}
    assert len(apart) == 2
    bridge = make_article(publisher, title="Bitcoin exchange Mt. Gox files for bankruptcy protection", body_text="")
    return apart, bridge


def stories_bridge(bridge: Article) -> None:
    """Assign `bridge` at a bar it joins both stories by: they merge."""
    stories_assign(
        articles=[bridge], options=replace(CLUSTER_OPTIONS, title_threshold=0.05, title_merge_threshold=0.05)
    )


def test_comments_on_a_story_merged_into_another_move_with_its_members():
    apart, bridge = stories_apart_and_a_bridge()
    comments = {
        pk: Comment.objects.create(
            target=Story.objects.get(pk=pk),
            author=make_member(),
            body="z",
            body_html="<p>z</p>",
            body_fingerprint=f"h{pk}",
            status="approved",
        )
        for pk in apart
    }

    stories_bridge(bridge)

    (story,) = Story.objects.all()
    assert story.size == 3
    for comment in comments.values():
        comment.refresh_from_db()
        assert comment.target_id == story.pk


@pytest.mark.parametrize("stray_in_it", [True, False])
def test_a_story_whose_stored_state_is_out_of_step_with_its_members_is_refined_against_its_members(stray_in_it):
    # An empty state (a state version bump, say) scored every member as alone in its story: all of them moved.
    mysore, _, sukanya, stray, quiet = pirate_reports()
    if not stray_in_it:
        StoryMembership.objects.filter(article=stray).update(story=sukanya)
        _story_state_rebuild(sukanya, CLUSTER_OPTIONS)
    Story.objects.filter(pk=mysore.pk).update(state={})
    members = set(Article.objects.filter(story_membership__story=mysore).exclude(pk=stray.pk).values_list("pk"))

    stories_close(now=quiet, options=REFINE_ONLY)

    assert set(Article.objects.filter(story_membership__story=mysore).values_list("pk")) == members
    assert StoryMembership.objects.get(article=stray).story_id == sukanya.pk
    assert Story.objects.get(pk=mysore.pk).state["size"] == 3


def test_with_the_packaged_model_the_moved_members_embedding_goes_along_into_the_stored_states():
    with override_settings(NEWSDESK_CLUSTER_MODEL="wordllama"):
        mysore, _, sukanya, stray, quiet = pirate_reports()

        assert stories_close(now=quiet, options=REFINE_ONLY) == (1, 1)

        embedder = assignment_embedder()
        for story in (mysore, sukanya):
            members = list(Article.objects.filter(story_membership__story=story))
            stored = story_state_restore(Story.objects.get(pk=story.pk).state, embedder)
            assert stored.size == len(members) == 3
            assert np.allclose(stored.vector, sum(articles_embed(members, embedder).values()), atol=1e-4)
    assert StoryMembership.objects.get(article=stray).story_id == sukanya.pk


def test_closing_every_quiet_story_goes_on_past_a_batch_whose_story_was_emptied():
    mysore, alone, sukanya, _, quiet = pirate_reports(stray_alone=True)

    # One story a batch: Mysore's, then the stray's own (emptied by its move: none closed), then Sukanya's.
    assert stories_close_quiet(now=quiet + timedelta(hours=2), options=REFINE_ONLY, limit=1) == 2

    assert set(Story.objects.filter(is_closed=True).values_list("pk", flat=True)) == {mysore.pk, sukanya.pk}
    assert not Story.objects.filter(pk=alone.pk).exists()


FIRE = [
    "Fire breaks out at the harbour warehouse",
    "Harbour warehouse fire sends smoke over the city",
    "Firefighters battle harbour warehouse blaze",
]
SMOKE = ["Smoke over the city from the warehouse blaze", "City told to shut windows against blaze smoke"]


def test_with_the_packaged_model_a_story_of_headlines_alone_merges_whole_into_the_story_it_matches_at_its_close():
    start = timezone.now() - timedelta(days=2)
    with override_settings(NEWSDESK_CLUSTER_MODEL="wordllama"):
        made = {}
        for name, titles, offset in (("fire", FIRE, 0), ("smoke", SMOKE, 1)):
            articles = [
                make_article(
                    make_publisher(name=f"{name} {n}"),
                    title=title,
                    body_text="",
                    summary="",
                    published_at=start + timedelta(minutes=offset + 2 * n),
                )
                for n, title in enumerate(titles)
            ]
            made[name] = (make_story(articles), articles)
            _story_state_rebuild(made[name][0], CLUSTER_OPTIONS)
        (fire, fire_articles), (smoke, smoke_articles) = made["fire"], made["smoke"]
        comment = Comment.objects.create(
            target=smoke, author=make_member(), body="s", body_html="<p>s</p>", body_fingerprint="s", status="approved"
        )
        quiet = start + CLUSTER_OPTIONS.quiet_period + timedelta(hours=1)

        # The smoke story closes first (its last headline is older) and goes whole into the fire story.
        assert stories_close(now=quiet) == (1, 2)

        assert not Story.objects.filter(pk=smoke.pk).exists()
        fire.refresh_from_db()
        assert (fire.size, fire.outlet_count, fire.is_closed, fire.state["size"]) == (5, 5, True, 5)
        assert fire.last_seen == fire_articles[-1].published_at
        members = list(Article.objects.filter(story_membership__story=fire))
        assert {a.pk for a in members} == {a.pk for a in fire_articles + smoke_articles}
        embedder = assignment_embedder()
        stored = story_state_restore(fire.state, embedder)
        assert np.allclose(stored.vector, sum(articles_embed(members, embedder).values()), atol=1e-4)
    comment.refresh_from_db()
    assert comment.target_id == fire.pk
    assert Client().get(smoke.get_absolute_url())["Location"] == fire.get_absolute_url()
