"""The display policy holds on every surface: a word we may not show appears nowhere we serve."""

import pytest

from newsdesk.sources.models import Publisher
from tests.factories import make_article, make_category, make_publisher
from tests.site.sitemap_pages import sitemap_text

HIDDEN = "zyxwvsentinel"
HIDDEN_HTML = "htmlonlysentinel"
HIDDEN_IMAGE = "imagesentinel"


def surfaces(article) -> list[str]:
    publisher, category = article.publisher.slug, article.category.slug
    return [
        "/",
        article.get_absolute_url(),
        f"/publisher/{publisher}/",
        f"/category/{category}/",
        "/search/?q=headline",
        "/feeds/rss.xml",
        "/feeds/atom.xml",
        "/feeds/feed.json",
        f"/publisher/{publisher}/rss.xml",
        f"/publisher/{publisher}/atom.xml",
        f"/publisher/{publisher}/feed.json",
        f"/category/{category}/rss.xml",
        f"/category/{category}/atom.xml",
        f"/category/{category}/feed.json",
        "/api/articles",
        f"/api/articles/{article.pk}",
    ]


def fetch_all(client, article) -> dict[str, str]:
    pages = {}
    for path in surfaces(article):
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.content.decode()
    return pages


@pytest.mark.django_db
def test_headline_only_article_shows_nothing_but_title_and_credit_anywhere(client):
    publisher = make_publisher(policy=Publisher.DisplayPolicy.HEADLINE)
    article = make_article(
        publisher,
        category=make_category("World"),
        title="Unique headline here",
        summary=f"summary {HIDDEN}",
        body_text=f"text {HIDDEN}",
        body_html=f"<p>{HIDDEN_HTML}</p>",
        image_url=f"https://img.example/{HIDDEN_IMAGE}.jpg",
        image_key=HIDDEN_IMAGE,  # our stored copy's name carries the sentinel too
    )

    for path, body in fetch_all(client, article).items():
        assert "Unique headline here" in body, path
        assert HIDDEN not in body, path
        assert HIDDEN_HTML not in body, path
        assert HIDDEN_IMAGE not in body, path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("policy", "noarchive"), [(Publisher.DisplayPolicy.EXCERPT, False), (Publisher.DisplayPolicy.FULL, True)]
)
def test_excerpt_article_shows_only_the_excerpt_anywhere(client, policy, noarchive):
    publisher = make_publisher(policy=policy)
    lead = "Visible lead sentence. " * 10
    article = make_article(
        publisher,
        category=make_category("World"),
        title="Unique headline here",
        summary="",
        body_text=lead + "filler words " * 100 + HIDDEN,
        body_html=f"<p>{HIDDEN_HTML}</p>",
        noarchive=noarchive,
    )

    pages = fetch_all(client, article)

    for path, body in pages.items():
        assert HIDDEN not in body, path
        assert HIDDEN_HTML not in body, path
    assert "Visible lead sentence." in pages[article.get_absolute_url()]
    assert "Visible lead sentence." in pages["/feeds/feed.json"]
    assert "Visible lead sentence." in pages[f"/api/articles/{article.pk}"]


@pytest.mark.django_db
def test_search_never_matches_text_the_policy_hides(client):
    make_article(make_publisher(policy=Publisher.DisplayPolicy.HEADLINE), title="Plain title", body_text=HIDDEN)

    html = client.get("/search/", {"q": HIDDEN}).content.decode()
    by_title = client.get("/search/", {"q": "plain"}).content.decode()

    assert "Plain title" not in html
    assert f"Nothing found for “{HIDDEN}”" in html
    # The article itself is searchable: by the title the policy lets us show.
    assert "Plain title" in by_title
    assert "1 result for “plain”" in by_title


# Every policy (the operator's, or tightened by the page's own signals) by every surface: what it forbids appears
# nowhere. (publisher policy, article fields, whether the lead text may show, whether the image may show,
# whether the article is listed at all)
POLICY_TABLE = [
    pytest.param(Publisher.DisplayPolicy.FULL, {}, True, True, True, id="full"),
    pytest.param(Publisher.DisplayPolicy.EXCERPT, {}, True, True, True, id="excerpt"),
    pytest.param(Publisher.DisplayPolicy.HEADLINE, {}, False, False, True, id="headline"),
    pytest.param(Publisher.DisplayPolicy.BLOCKED, {}, False, False, False, id="blocked"),
    pytest.param(Publisher.DisplayPolicy.FULL, {"noarchive": True}, True, True, True, id="full+noarchive"),
    pytest.param(
        Publisher.DisplayPolicy.FULL, {"robots_directives": "nosnippet"}, False, False, True, id="full+nosnippet"
    ),
    pytest.param(
        Publisher.DisplayPolicy.FULL,
        {"robots_directives": "max-snippet:0"},
        False,
        False,
        True,
        id="full+max-snippet:0",
    ),
    pytest.param(
        Publisher.DisplayPolicy.FULL,
        {"robots_directives": "noimageindex"},
        True,
        False,
        True,
        id="full+noimageindex",
    ),
    pytest.param(
        Publisher.DisplayPolicy.FULL,
        {"robots_directives": "robots-txt-disallow"},
        True,
        True,
        True,
        id="full+robots.txt-disallow",
    ),
]
LEAD = "Visible lead sentence."
SITEMAP_WHOLE = "every page of the sitemap"  # not a URL: the index and each page it lists, read as one


def _surfaces_with_sitemap(article) -> list[str]:
    return [*surfaces(article), SITEMAP_WHOLE]


@pytest.mark.django_db
@pytest.mark.parametrize(("policy", "fields", "shows_lead", "shows_image", "listed"), POLICY_TABLE)
def test_every_policy_holds_on_every_surface(client, policy, fields, shows_lead, shows_image, listed):
    publisher = make_publisher(policy=policy)
    article = make_article(
        publisher,
        category=make_category("World"),
        title="Unique headline here",
        summary="",
        body_text=f"{LEAD} " + "filler words " * 100 + HIDDEN,
        body_html=f'<p>{LEAD}</p><p>{HIDDEN_HTML}</p><img src="https://img.example/{HIDDEN_IMAGE}-inline.png">',
        image_url=f"https://img.example/{HIDDEN_IMAGE}.jpg",
        image_key=HIDDEN_IMAGE,
        **fields,
    )
    full_text_allowed = policy == Publisher.DisplayPolicy.FULL and fields in ({}, {"robots_directives": "noimageindex"})

    pages = {}
    for path in _surfaces_with_sitemap(article):
        if path == SITEMAP_WHOLE:
            pages[path] = sitemap_text(client)
            continue
        response = client.get(path)
        detail = path in (article.get_absolute_url(), f"/api/articles/{article.pk}")
        # A blocked publisher has no page or feeds of its own either (an empty list would still show its name).
        own = path.startswith(f"/publisher/{publisher.slug}/") and policy == Publisher.DisplayPolicy.BLOCKED
        assert response.status_code == (404 if (detail and not listed) or own else 200), path
        pages[path] = response.content.decode()

    for path, body in pages.items():
        if not full_text_allowed:
            assert HIDDEN not in body, path
            assert HIDDEN_HTML not in body, path
        if not shows_image:
            assert HIDDEN_IMAGE not in body, path
        if not shows_lead:
            assert LEAD not in body, path
        if not listed:
            assert "Unique headline here" not in body, path
            assert f"/article/{article.pk}/" not in body, path
    if listed:
        assert "Unique headline here" in pages[f"/api/articles/{article.pk}"]
        assert f"/article/{article.pk}/" in pages[SITEMAP_WHOLE]
        assert (LEAD in pages[article.get_absolute_url()]) is shows_lead
        assert (HIDDEN_IMAGE in pages[article.get_absolute_url()]) is shows_image
        assert (LEAD in pages["/feeds/feed.json"]) is shows_lead


@pytest.mark.django_db
def test_excerpt_shows_the_publishers_number_of_words_and_max_snippet_caps_characters(client):
    words = [f"word{n}" for n in range(200)]
    short = make_publisher(policy=Publisher.DisplayPolicy.EXCERPT, excerpt_words=5)
    article = make_article(short, summary="", body_text=" ".join(words))
    capped = make_article(
        make_publisher(policy=Publisher.DisplayPolicy.FULL),
        summary="",
        body_text=" ".join(words),
        robots_directives="max-snippet:20",
    )

    excerpt = client.get(f"/api/articles/{article.pk}").json()["excerpt"]
    snippet = client.get(f"/api/articles/{capped.pk}").json()["excerpt"]

    assert excerpt == "word0 word1 word2 word3 word4…"
    assert len(snippet) <= 21
    assert snippet.startswith("word0 word1")
    assert "body_html" not in client.get(f"/api/articles/{capped.pk}").json()


@pytest.mark.django_db
def test_a_policy_change_reaches_search_and_the_content_version_at_once(client):
    from newsdesk.articles.services import publisher_policy_set
    from newsdesk.common.content_version import content_version

    publisher = make_publisher(policy=Publisher.DisplayPolicy.FULL)
    make_article(publisher, title="Plain title", summary="", body_text=f"text {HIDDEN}")
    assert "Plain title" in client.get("/search/", {"q": HIDDEN}).content.decode()
    before = content_version()

    publisher_policy_set(publisher=publisher, display_policy=Publisher.DisplayPolicy.BLOCKED)

    assert content_version() > before
    assert "Plain title" not in client.get("/search/", {"q": "plain"}).content.decode()
    assert "Plain title" not in client.get("/feeds/rss.xml").content.decode()
    # Nor its own page, its feeds or its place in the sitemap and the search form: a blocked publisher is not shown.
    assert client.get(f"/publisher/{publisher.slug}/").status_code == 404
    assert f"/publisher/{publisher.slug}/" not in sitemap_text(client)
    assert publisher.name not in client.get("/search/").content.decode()
    with pytest.raises(ValueError, match="excerpt length"):
        publisher_policy_set(publisher=publisher, display_policy=Publisher.DisplayPolicy.EXCERPT, excerpt_words=0)
