"""Feed items and API list rows are rendered once per article and cached (newsdesk/articles/fragments.py): a list
reads its articles' keys, loads whole rows only for what no cache holds, and shows every change at once — also the
ones written without moving the article's `updated_at` or living on other rows (publisher, category, feed)."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.articles.fragments import article_fragments
from newsdesk.articles.models import Article, Category
from newsdesk.articles.selectors import article_keys, article_list
from newsdesk.common import fragments
from newsdesk.common.fragments import fragment_key, json_fragment, json_with_fragments
from newsdesk.sources.models import Feed, Publisher
from tests.factories import make_article, make_category, make_feed, make_publisher
from tests.site.rendering import fresh
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db

LISTS = ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json", "/api/articles?limit=50"]
# The home page's section items and the category, publisher and search pages' items are cached and loaded the same
# way.
CATEGORY_PAGE, PUBLISHER_PAGE, SEARCH_PAGE = "/category/harbour/", "/publisher/harbour-times/", "/search/?q=harbour"
SURFACES = [*LISTS, "/", CATEGORY_PAGE, PUBLISHER_PAGE, SEARCH_PAGE]


@pytest.fixture
def desk():
    category = make_category(name="Harbour", slug="harbour")
    publisher = make_publisher(name="Harbour Times", slug="harbour-times", policy="full")
    feed = make_feed(publisher)
    articles = [
        make_article(publisher, title=f"Harbour item {n}", category=category, feed=feed, body_text=f"Tide {n} rose.")
        for n in range(6)
    ]
    Article.objects.filter(pk=articles[0].pk).update(published_at=None)  # undated: shown with its fetch time
    return publisher, category, feed, articles


@pytest.mark.parametrize("url", LISTS)
def test_a_new_article_loads_and_renders_only_its_own_item(desk, client, url):
    publisher, category, feed, _ = desk
    client.get(url)
    make_article(publisher, title="Harbour lighthouse relit", category=category, feed=feed)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    assert "Harbour lighthouse relit" in page
    keys, rows = (query["sql"] for query in captured.captured_queries)
    assert "body_html" not in keys  # the keys read no text
    assert " IN (" in rows
    assert rows.split(" IN (")[1].split(")")[0].count(",") == 0  # the new article alone is loaded


@pytest.mark.parametrize("url", LISTS)
def test_a_list_whose_items_are_all_cached_reads_keys_only_and_equals_a_fresh_render(desk, client, settings, url):
    first = client.get(url).content
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url).content
    assert len(captured.captured_queries) == 1
    fragments.LOCAL.clear()  # another process: its items come from the shared cache
    assert again == first == client.get(url).content == fresh(client, settings, url)


def test_a_new_article_loads_only_its_own_item_on_the_home_page_and_no_story(desk, client):
    publisher, category, feed, articles = desk
    story = make_story(articles[1:3])
    assert story.headline in client.get("/").content.decode()
    make_article(publisher, title="Harbour lighthouse relit", category=category, feed=feed)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/").content.decode()
    assert "Harbour lighthouse relit" in page
    loads = [query["sql"] for query in captured.captured_queries if '"articles_article"."body_html"' in query["sql"]]
    assert len(loads) == 1  # whole rows: the new article's alone
    assert loads[0].split(" IN (")[1].split(")")[0].count(",") == 0
    assert not [query for query in captured.captured_queries if '"stories_story"."headline"' in query["sql"]]


CHANGES = {
    # what changed, written the way the code that changes it writes it (no save(): updated_at stays)
    "fetch time of an undated article": lambda p, c, f, a: Article.objects.filter(pk=a[0].pk).update(
        fetched_at="2031-01-02T03:04:05Z"
    ),
    "stored image": lambda p, c, f, a: Article.objects.filter(pk=a[1].pk).update(image_key="ab" * 16),
    "stored image's size": lambda p, c, f, a: Article.objects.filter(pk=a[1].pk).update(image_bytes=4321),
    "publisher homepage": lambda p, c, f, a: Publisher.objects.filter(pk=p.pk).update(
        homepage="https://renamed.example/"
    ),
    "publisher name": lambda p, c, f, a: Publisher.objects.filter(pk=p.pk).update(name="Renamed Times"),
    "display policy": lambda p, c, f, a: Publisher.objects.filter(pk=p.pk).update(display_policy="headline"),
    "category renamed": lambda p, c, f, a: Category.objects.filter(pk=c.pk).update(name="Docks", slug="docks"),
    "feed moved": lambda p, c, f, a: Feed.objects.filter(pk=f.pk).update(url="https://renamed.example/new.xml"),
}

# Where a change is not part of what a surface shows (an item's <source> names its feed, not the homepage; only RSS
# names the feed; pages show no feed; the publisher page its homepage). A stored image shows everywhere: RSS and Atom
# items carry it as an enclosure.
UNSHOWN = {
    "stored image's size": set(SURFACES) - {"/feeds/rss.xml", "/feeds/atom.xml"},  # an enclosure's length alone
    "publisher homepage": {"/feeds/rss.xml", "/feeds/atom.xml", "/", CATEGORY_PAGE, SEARCH_PAGE},
    "feed moved": {
        "/feeds/atom.xml",
        "/feeds/feed.json",
        "/api/articles?limit=50",
        "/",
        CATEGORY_PAGE,
        PUBLISHER_PAGE,
        SEARCH_PAGE,
    },
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("url", SURFACES)
def test_a_change_outside_the_articles_updated_at_shows_at_once(desk, client, settings, url, change):
    before = client.get(url).content
    CHANGES[change](*desk)
    if url == CATEGORY_PAGE and change == "category renamed":
        url = "/category/docks/"  # its new address
    response = client.get(url)
    assert response.status_code == 200
    after = response.content
    assert after == fresh(client, settings, url)
    assert (after != before) == (url not in UNSHOWN.get(change, ()))


def test_an_article_deleted_between_its_key_and_its_row_is_left_out(desk):
    _, _, _, articles = desk
    keys = article_keys(article_list().filter(pk__in=[a.pk for a in articles[:2]]).order_by("pk"))
    Article.objects.filter(pk=articles[0].pk).delete()
    rendered = article_fragments(keys, kind="test", fixed=(), render=lambda article: article.title)
    assert rendered == [(keys[1], articles[1].title)]
    gone, kept = (("test", tuple(key)) for key in keys)
    assert cache.get(fragment_key(*gone)) is None  # nothing stored for it
    assert fragments.LOCAL.get_many([gone, kept]) == {kept: articles[1].title}
    assert cache.get(fragment_key(*kept)) == articles[1].title


@pytest.mark.parametrize(
    "title", ['"items": []', 'a "quoted" \\ backslash', "Näher \u2028 line", '{"items": [], "x": 1}']
)
def test_a_document_spliced_from_fragments_is_the_document_encoded_whole(title):
    items = [{"title": title, "n": n} for n in range(3)]
    whole = {"items": items, "title": title, "next": None}
    spliced = json_with_fragments(
        {"items": [], "title": title, "next": None}, key="items", items=[json_fragment(item) for item in items]
    )
    assert spliced == json_fragment(whole)
    assert json.loads(spliced) == whole


def test_search_results_keep_their_teasers_after_the_home_page_cached_the_same_items_without(desk, client):
    home = client.get("/").content.decode()
    assert "Harbour item 1" in home
    assert "Tide " not in home  # section items carry no teaser
    assert client.get("/search/?q=harbour").content.decode().count("Tide ") == 6
