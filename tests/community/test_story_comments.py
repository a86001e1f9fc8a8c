"""Comments on story pages, replies kept on their parent's page, and page caches told of every comment change."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from newsdesk.articles.services import publisher_policy_set
from newsdesk.common.content_version import content_version
from newsdesk.community import services
from newsdesk.community.models import Comment
from newsdesk.community.spam import form_started_token
from newsdesk.community.views.comments import NO_SUCH_PARENT
from newsdesk.stories.models import Story
from tests.community.conftest import make_member
from tests.stories.rows import make_story

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def story(article):
    # The same primary key as the article: a reply must not find its parent by id alone.
    return make_story([article], id=article.pk)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def story_post(client: Client, story, body: str, **extra):
    data = {"body": body, "started": form_started_token(), "website": "", **extra}
    return client.post(f"/comments/stories.story/{story.pk}/post/", data)


def test_a_story_page_ends_with_its_comments_and_a_comments_feed(story):
    response = Client().get(story.get_absolute_url())
    page = response.content.decode()

    assert response.status_code == 200
    assert "Leave a comment" in page
    assert page.index("Leave a comment") > page.index("coverage-heading")
    feed = f"/comments/stories.story/{story.pk}/feed.atom"
    assert '<link rel="alternate" type="application/atom+xml" title="Comments on' in page
    assert page.count(f'href="{feed}"') == 2  # <link rel=alternate> and the visible link


def test_a_comment_posted_on_a_story_shows_there_and_not_on_the_article_with_the_same_id(
    story, article, trusted_reader
):
    response = story_post(signed_in(trusted_reader), story, "Good **roundup** of the coverage.")

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.target == story
    assert response["Location"] == f"{story.get_absolute_url()}#comment-{comment.pk}"
    assert "<strong>roundup</strong>" in Client().get(story.get_absolute_url()).content.decode()
    assert "roundup" not in Client().get(article.get_absolute_url()).content.decode()


def test_a_signed_in_readers_story_page_is_private(story, reader):
    mine = signed_in(reader).get(story.get_absolute_url())

    assert "no-store" in mine["Cache-Control"]
    assert 'name="body"' in mine.content.decode()


def test_the_story_comments_feed_lists_its_approved_comments(story, article, trusted_reader):
    services.comment_create(author=trusted_reader, target=story, body="On the story")
    services.comment_create(author=trusted_reader, target=article, body="On the article")

    body = Client().get(f"/comments/stories.story/{story.pk}/feed.atom").content.decode()

    assert "On the story" in body
    assert "On the article" not in body
    assert story.get_absolute_url() in body


def test_a_reply_naming_another_pages_comment_is_refused_and_keeps_the_text(story, article, trusted_reader):
    on_article = services.comment_create(author=trusted_reader, target=article, body="Article thread")

    response = story_post(signed_in(trusted_reader), story, "My careful reply", parent=str(on_article.pk))

    assert response.status_code == 400
    page = response.content.decode()
    assert NO_SUCH_PARENT in page
    assert "My careful reply" in page
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("parent", ["abc", "12%", "-"])
def test_a_reply_with_a_mangled_comment_id_says_so_and_keeps_the_text(story, trusted_reader, parent):
    """A reply link cut short (`?reply_to=12%`) puts a bad id in the hidden field: the reader is told, as for a
    comment no longer there, not handed the form back with no word."""
    response = story_post(signed_in(trusted_reader), story, "My careful reply", parent=parent)

    assert response.status_code == 400
    page = response.content.decode()
    assert NO_SUCH_PARENT in page
    assert "My careful reply" in page
    assert Comment.objects.count() == 0


def test_the_service_refuses_a_parent_from_another_target(story, article, trusted_reader):
    on_article = services.comment_create(author=trusted_reader, target=article, body="Article thread")

    with pytest.raises(services.CommentRefused, match="another page"):
        services.comment_create(author=trusted_reader, target=story, body="Cross reply", parent=on_article)
    assert not Comment.objects.filter(body="Cross reply").exists()


def test_a_reply_on_the_story_joins_the_story_thread(story, trusted_reader):
    top = services.comment_create(author=trusted_reader, target=story, body="Story thread")

    response = story_post(signed_in(trusted_reader), story, "Story reply", parent=str(top.pk))

    assert response.status_code == 302
    assert Comment.objects.get(body="Story reply").parent == top


# --- page caches -------------------------------------------------------------------------------------------------


def page_version(target) -> int:
    """The version of `target`'s own pages (its page, API answer and comments feed): what a comment changes."""
    return content_version(target._meta.label_lower, target.pk)


def bumps(capture, action, *targets) -> int:
    """How many of `targets`' page versions moved once `action` committed, with the global version unmoved (a
    comment changes only its target's pages). Without targets: the story of the `story` fixture."""
    targets = targets or (Story.objects.get(),)
    before = [page_version(target) for target in targets]
    everything = content_version()
    with capture(execute=True):
        action()
    assert content_version() == everything
    return sum(page_version(target) != old for target, old in zip(targets, before, strict=True))


def test_posting_an_approved_comment_bumps_the_content_version(
    story, trusted_reader, django_capture_on_commit_callbacks
):
    assert (
        bumps(
            django_capture_on_commit_callbacks,
            lambda: services.comment_create(author=trusted_reader, target=story, body="Shown at once"),
        )
        == 1
    )


def test_a_comment_waiting_for_moderation_changes_no_public_page(story, reader, django_capture_on_commit_callbacks):
    assert (
        bumps(
            django_capture_on_commit_callbacks,
            lambda: services.comment_create(author=reader, target=story, body="Waits"),
        )
        == 0
    )


def test_every_moderation_step_bumps_the_content_version(
    story, article, reader, moderator, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    first = services.comment_create(author=reader, target=story, body="One")
    second = services.comment_create(author=reader, target=article, body="Two")
    both = Comment.objects.filter(pk__in=[first.pk, second.pk])

    assert bumps(capture, lambda: services.comments_approve(comments=both, moderator=moderator), story, article) == 2
    users = get_user_model().objects.filter(pk=reader.pk)
    assert bumps(capture, lambda: services.members_ban(users=users, moderator=moderator), story, article) == 2
    assert set(both.values_list("status", flat=True)) == {Comment.Status.REJECTED}
    third = services.comment_create(author=make_member(), target=story, body="Three")
    rejected = Comment.objects.filter(pk=third.pk)
    assert bumps(capture, lambda: services.comments_reject(comments=rejected, moderator=moderator)) == 1


def test_editing_and_deleting_bump_the_content_version(story, trusted_reader, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    comment = services.comment_create(author=trusted_reader, target=story, body="Teh story")

    assert bumps(capture, lambda: services.comment_edit(comment=comment, editor=trusted_reader, body="The story")) == 1
    assert bumps(capture, lambda: services.comments_delete(comments=Comment.objects.filter(pk=comment.pk))) == 1
    assert not Comment.objects.exists()


def test_a_moderators_admin_edit_rerenders_the_comment_and_bumps(
    story, trusted_reader, moderator, django_capture_on_commit_callbacks
):
    comment = services.comment_create(author=trusted_reader, target=story, body="Call me at *555*")
    client = signed_in(moderator)
    change = f"/admin/community/comment/{comment.pk}/change/"

    before = page_version(story)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change,
            {
                "status": "approved",
                "body": "Call me at [number removed]",
                "reports-TOTAL_FORMS": 0,
                "reports-INITIAL_FORMS": 0,
            },
        )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body_html == "<p>Call me at [number removed]</p>\n"
    assert comment.moderated_by == moderator
    edited = page_version(story)
    assert edited > before
    page = Client().get(story.get_absolute_url()).content.decode()
    # (the number as the comment showed it: a bare "555" also turns up in the page's timestamps' microseconds)
    assert "<em>555</em>" not in page
    assert "Call me at [number removed]" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/community/comment/{comment.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Comment.objects.exists()
    assert page_version(story) > edited


def test_a_new_member_still_sees_their_waiting_comment_on_the_story(story):
    author = make_member()
    services.comment_create(author=author, target=story, body="Mine, waiting")

    assert "Mine, waiting" in signed_in(author).get(story.get_absolute_url()).content.decode()
    assert "Mine, waiting" not in Client().get(story.get_absolute_url()).content.decode()


def test_bulk_delete_in_the_admin_takes_the_comments_off_their_page(
    story, trusted_reader, moderator, django_capture_on_commit_callbacks
):
    comments = [services.comment_create(author=trusted_reader, target=story, body=f"Bulk {n}") for n in range(2)]
    client = signed_in(moderator)
    data = {"action": "delete_selected", "_selected_action": [c.pk for c in comments], "post": "yes"}

    changed = bumps(
        django_capture_on_commit_callbacks,
        lambda: client.post("/admin/community/comment/?queue=all", data, follow=True),
    )

    assert changed == 1
    assert not Comment.objects.exists()
    assert "Bulk 0" not in Client().get(story.get_absolute_url()).content.decode()


def test_an_unknown_story_is_404_and_so_is_posting_on_it(reader):
    assert Client().get("/stories/999999/").status_code == 404
    response = signed_in(reader).post("/comments/stories.story/999999/post/", {"body": "x"})
    assert response.status_code == 404


def test_a_new_members_edit_goes_back_to_the_queue_and_too_many_links_are_refused(story, reader, settings):
    comment = services.comment_create(author=reader, target=story, body="First try")
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
    comment.refresh_from_db()

    links = "https://a.example https://b.example https://c.example"
    with pytest.raises(services.CommentRefused, match="at most 2 link"):
        services.comment_edit(comment=comment, editor=reader, body=links)
    edited = services.comment_edit(comment=comment, editor=reader, body="Second try")

    assert edited.status == Comment.Status.PENDING
    assert "Second try" not in Client().get(story.get_absolute_url()).content.decode()


def test_a_story_read_in_a_language_has_the_one_comments_feed_of_the_story(story, trusted_reader):
    # The page under `?lang=` links the story's one feed (comments are the story's, whichever report heads the
    # page); the feed takes no `lang` of its own and answers the same for one.
    services.comment_create(author=trusted_reader, target=story, body="On the story")
    feed = f"/comments/stories.story/{story.pk}/feed.atom"

    page = Client().get(f"{story.get_absolute_url()}?lang=fr").content.decode()
    plain, asked = Client().get(feed), Client().get(f"{feed}?lang=fr")

    assert page.count(f'href="{feed}"') == 2
    assert (plain.status_code, asked.status_code) == (200, 200)
    assert asked.content == plain.content
    assert f"Comments on “{story.headline}”" in plain.content.decode()


@pytest.mark.parametrize("hidden", ["blocked", "deactivated"])
def test_what_no_surface_shows_has_no_comments_feed_and_takes_no_comment(story, article, trusted_reader, hidden):
    # The feed's title named the article or story of a blocked or deactivated publisher: a headline shown nowhere.
    services.comment_create(author=trusted_reader, target=story, body="Before it went")
    publisher = article.publisher
    if hidden == "blocked":
        publisher_policy_set(publisher=publisher, display_policy="blocked")
    else:
        publisher_policy_set(publisher=publisher, display_policy=publisher.display_policy, is_active=False)

    for label, target in (("stories.story", story), ("articles.article", article)):
        response = Client().get(f"/comments/{label}/{target.pk}/feed.atom")
        assert response.status_code == 404, label
        assert article.title not in response.content.decode()
    assert story_post(signed_in(trusted_reader), story, "After it went").status_code == 404
    assert not Comment.objects.filter(body="After it went").exists()
