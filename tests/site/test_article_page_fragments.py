"""An article's page is rendered once for what it shows and cached (newsdesk/site/article_page.py): a request reads
the article's key and its wire copies' keys as plain rows, and loads and renders the article only when no cache
holds its page for them. Every change shows at once — also the ones written without save() or living on other rows
(publisher, category, story, wire group, the other copies) — and a takedown or a blocked publisher takes the page
away at once. The section navigation every page shows is cached under the categories it lists."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from newsdesk.articles.models import Article, Category
from newsdesk.articles.services import publisher_policy_set
from newsdesk.common import fragments
from newsdesk.community.models import Comment, Member
from newsdesk.community.services import comment_create, comments_approve, comments_reject
from newsdesk.site.article_page import article_page
from newsdesk.sources.models import Publisher
from newsdesk.stories.models import ArticleSignature, Story, StoryMembership, SyndicationGroup
from tests.community.conftest import make_member
from tests.factories import make_article, make_category, make_publisher
from tests.rights.removal import operator_takedown
from tests.site.rendering import fresh
from tests.stories.rows import make_group, make_story

pytestmark = pytest.mark.django_db


class Desk:
    def __init__(self) -> None:
        self.category = make_category(name="Harbour")
        self.wire = make_publisher(name="Wire Daily", policy="full")
        self.local = make_publisher(name="Local Echo", policy="full")
        self.third = make_publisher(name="Third Post", policy="full")
        self.primary = make_article(
            self.wire, title="Harbour strike ends", wire_credit="AFP", category=self.category, body_text="Tide rose."
        )
        self.copy = make_article(self.local, title="Harbour strike ends", category=self.category, body_text="Tide.")
        self.other = make_article(self.third, title="Harbour strike ends", body_text="Tide rose again.")
        self.group = make_group(self.primary, [self.copy, self.other])
        self.story = make_story([self.primary, self.copy, self.other])


@pytest.fixture
def desk() -> Desk:
    return Desk()


def _url(article: Article) -> str:
    return f"/article/{article.pk}/"


@pytest.mark.parametrize("which", ["primary", "copy", "story"])
def test_a_cached_page_reads_keys_only_and_equals_a_fresh_render(desk, client, settings, which):
    url = getattr(desk, which).get_absolute_url()
    first = client.get(url).content
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url).content
    queries = [query["sql"] for query in captured.captured_queries]
    # its key, its copies' (its articles') keys, the navigation, the comments: no article text is read
    assert len(queries) == 4, queries
    assert not [sql for sql in queries if "body_html" in sql and "articles_article" in sql]
    fragments.LOCAL.clear()  # another process: the page comes from the shared cache
    assert again == first == client.get(url).content == fresh(client, settings, url)
    assert "Also carried by" in first.decode()


def _later(article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(updated_at=article.updated_at + timedelta(seconds=1))


def _new_copy(d: Desk) -> None:
    late = make_article(make_publisher(name="Late Gazette"), title="Harbour strike ends")
    ArticleSignature.objects.create(article=late, signature={}, group=d.group, is_repeat=True)


def _edit(d: Desk) -> None:
    d.primary.title = "Harbour strike ends after talks"
    d.primary.save()


CHANGES = {
    # what changed, written the way the code that changes it writes it (update(): updated_at stays)
    "article edited": _edit,
    "fetch time of an undated article": lambda d: Article.objects.filter(pk=d.primary.pk).update(
        published_at=None, fetched_at="2031-01-02T03:04:05Z"
    ),
    "stored image": lambda d: Article.objects.filter(pk=d.primary.pk).update(image_key="ab" * 16),
    "publisher name": lambda d: Publisher.objects.filter(pk=d.wire.pk).update(name="Wire Weekly"),
    "display policy": lambda d: Publisher.objects.filter(pk=d.wire.pk).update(display_policy="headline"),
    "category renamed": lambda d: Category.objects.filter(pk=d.category.pk).update(name="Docks", slug="docks"),
    "category added": lambda d: make_category(name="Aardvarks"),
    "story headline": lambda d: Story.objects.filter(pk=d.story.pk).update(headline="Port reopens"),
    "story outlets": lambda d: Story.objects.filter(pk=d.story.pk).update(outlet_count=9),
    "story emptied": lambda d: Story.objects.filter(pk=d.story.pk).update(size=0),
    "new wire copy": _new_copy,
    "a copy's publisher blocked": lambda d: Publisher.objects.filter(pk=d.third.pk).update(display_policy="blocked"),
    "a copy's publisher closed": lambda d: Publisher.objects.filter(pk=d.third.pk).update(is_active=False),
    "a copy's publisher renamed": lambda d: Publisher.objects.filter(pk=d.third.pk).update(name="Third Times"),
    "a copy re-dated": lambda d: Article.objects.filter(pk=d.other.pk).update(published_at="2099-01-01T00:00:00Z"),
    "primary credited anew": lambda d: SyndicationGroup.objects.filter(pk=d.group.pk).update(primary=d.copy),
    "comment approved": lambda d: (
        comment_create(author=make_member(), target=d.primary, body="Good to see the harbour open again."),
        comments_approve(comments=Comment.objects.all(), moderator=make_member(staff=True, trusted=True)),
    ),
}


def test_an_untouched_row_elsewhere_keeps_the_page_cached(desk, client):
    url = _url(desk.primary)
    client.get(url)
    _later(make_article(make_publisher(), title="Unrelated"))
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert not [q for q in captured.captured_queries if '"articles_article"."body_html"' in q["sql"]]


def _takedown(d: Desk) -> None:
    assert operator_takedown(d.primary.canonical_url) == 1


GONE = {
    "takedown": _takedown,
    "publisher blocked": lambda d: publisher_policy_set(publisher=d.wire, display_policy="blocked"),
    "publisher blocked without the service": lambda d: Publisher.objects.filter(pk=d.wire.pk).update(
        display_policy="blocked"
    ),
    "publisher closed": lambda d: Publisher.objects.filter(pk=d.wire.pk).update(is_active=False),
}


@pytest.mark.parametrize("change", GONE)
def test_a_page_taken_away_is_gone_at_once_and_leaves_its_copies_pages(desk, client, change):
    client.get(_url(desk.primary))
    copy_before = client.get(_url(desk.copy)).content.decode()
    assert "Wire Daily" in copy_before
    GONE[change](desk)
    assert client.get(_url(desk.primary)).status_code == (410 if change == "takedown" else 404)  # 410: for good
    copy_after = client.get(_url(desk.copy))
    assert copy_after.status_code == 200
    assert "Wire Daily" not in copy_after.content.decode()


@pytest.mark.parametrize("signed_in", [False, True])
def test_an_article_deleted_between_the_two_reads_is_not_found(desk, client, monkeypatch, signed_in):
    from newsdesk.site import article_page as module

    real = module.article_page_get

    def deleted_meanwhile(*, article_id: int):
        Article.objects.filter(pk=article_id).delete()
        return real(article_id=article_id)

    monkeypatch.setattr(module, "article_page_get", deleted_meanwhile)
    if signed_in:
        client.force_login(make_member())
    assert client.get(_url(desk.primary)).status_code == 404
    assert article_page(2**63) is None


def test_the_navigation_marks_the_current_section_and_is_cached_per_category_list(desk, client):
    page = client.get(f"/category/{desk.category.slug}/").content.decode()
    assert f'<a href="/category/{desk.category.slug}/" aria-current="page">Harbour</a>' in page
    article = client.get(_url(desk.primary)).content.decode()
    assert f'<a href="/category/{desk.category.slug}/">Harbour</a>' in article
    assert 'aria-current="page"' not in article
    Category.objects.all().delete()
    assert 'class="wrap sections-nav"' not in client.get(_url(desk.primary)).content.decode()


def _approved(target, body: str, **fields) -> Comment:
    comment = comment_create(author=make_member(name="Ann Harbour"), target=target, body=body, **fields)
    comments_approve(comments=Comment.objects.filter(pk=comment.pk), moderator=make_member(staff=True, trusted=True))
    return comment


COMMENT_CHANGES = {
    "another comment approved": lambda c: _approved(c.target, "Second thoughts on the harbour."),
    "a reply approved": lambda c: _approved(c.target, "Agreed.", parent=c),
    "a comment edited": lambda c: Comment.objects.filter(pk=c.pk).update(
        body_html="<p>Edited words.</p>", edited_at=c.created_at + timedelta(minutes=1)
    ),
    "a comment rejected": lambda c: comments_reject(
        comments=Comment.objects.filter(pk=c.pk), moderator=make_member(staff=True, trusted=True)
    ),
    "its author renamed": lambda c: Member.objects.filter(user_id=c.author_id).update(display_name="Ann Quay"),
}


@pytest.mark.parametrize("change", COMMENT_CHANGES)
@pytest.mark.parametrize("page", ["article", "story"])
def test_a_visitors_comments_are_cached_and_every_change_shows_at_once(desk, client, settings, change, page):
    target = desk.primary if page == "article" else desk.story
    url = target.get_absolute_url()
    comment = _approved(target, "Good to see the harbour open again.")
    before = client.get(url).content
    assert b"Good to see the harbour open again." in before
    COMMENT_CHANGES[change](comment)
    after = client.get(url).content
    assert after == fresh(client, settings, url)
    assert after != before


def test_a_visitor_with_a_flash_message_sees_it_and_no_other_visitor_does(desk, client, rf):
    url = _url(desk.primary)
    cached = client.get(url).content
    request = rf.get(url)
    storage = CookieStorage(request)
    request._messages = storage
    messages.info(request, "Your takedown notice was received.")
    response = HttpResponse()
    storage.update(response)
    flashed = Client()
    flashed.cookies["messages"] = response.cookies["messages"].value
    assert b"Your takedown notice was received." in flashed.get(url).content
    assert client.get(url).content == cached
    assert b"Your takedown notice was received." not in cached


def test_a_signed_in_reader_gets_their_own_page_not_the_visitors(desk, client):
    url = _url(desk.primary)
    visitors = client.get(url).content.decode()
    client.force_login(make_member(name="Ann Harbour"))
    own = client.get(url)
    assert "Sign out" in own.content.decode()
    assert "Sign out" not in visitors
    assert "no-store" in own["Cache-Control"]


def _joins(d: Desk) -> None:
    late = make_article(make_publisher(name="Late Gazette"), title="Harbour strike: the aftermath")
    StoryMembership.objects.create(article=late, story=d.story)
    Story.objects.filter(pk=d.story.pk).update(size=4, outlet_count=4)


STORY_CHANGES = {
    "headline": lambda d: Story.objects.filter(pk=d.story.pk).update(headline="Port reopens"),
    "closed": lambda d: Story.objects.filter(pk=d.story.pk).update(is_closed=True),
    "a new article": _joins,
    "an article edited": _edit,
    "an article re-dated": lambda d: Article.objects.filter(pk=d.other.pk).update(published_at="2099-01-01T00:00:00Z"),
    "an article's publisher renamed": lambda d: Publisher.objects.filter(pk=d.third.pk).update(name="Third Times"),
    "an article's publisher blocked": lambda d: Publisher.objects.filter(pk=d.third.pk).update(
        display_policy="blocked"
    ),
    "an article taken down": lambda d: operator_takedown(d.other.canonical_url),
    "the lead's publisher headline only": lambda d: Publisher.objects.filter(
        pk=d.story.lead_article.publisher_id
    ).update(display_policy="headline"),
    "a copy no longer a repeat": lambda d: ArticleSignature.objects.filter(article=d.copy).update(is_repeat=False),
}


PAGE_CHANGES = {"article": CHANGES, "story": STORY_CHANGES}


@pytest.mark.parametrize(
    ("page", "change"), [(page, change) for page, table in PAGE_CHANGES.items() for change in table]
)
def test_a_change_shows_on_its_page_at_once(desk, client, settings, page, change):
    url = (desk.primary if page == "article" else desk.story).get_absolute_url()
    before = client.get(url).content
    PAGE_CHANGES[page][change](desk)
    after = client.get(url).content
    assert after == fresh(client, settings, url)
    assert after != before


def test_a_story_that_lost_its_articles_is_gone_at_once(desk, client):
    url = desk.story.get_absolute_url()
    assert client.get(url).status_code == 200
    Story.objects.filter(pk=desk.story.pk).update(size=0)
    assert client.get(url).status_code == 404


def test_the_blocks_are_kept_apart_per_time_zone_and_language(desk):
    _, utc, _ = article_page(desk.primary.pk)
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        _, tokyo, blocks = article_page(desk.primary.pk)
        content = blocks["content"]
        shown = timezone.localtime(desk.primary.published_at).strftime("%H:%M")
    with translation.override("fr"):
        _, french, _ = article_page(desk.primary.pk)
    assert len({utc, tokyo, french}) == 3
    assert f"{shown} UTC</time>" in content
