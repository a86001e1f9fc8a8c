import re
from html.parser import HTMLParser

import pytest

from newsdesk.sources.models import Publisher
from tests.factories import make_article, make_category, make_publisher


class _Collector(HTMLParser):
    """Collects headings, images and inline-script/style violations from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.images: list[dict] = []
        self.inline_scripts = 0
        self.style_attrs = 0
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.images.append(attributes)
        if tag == "script" and "src" not in attributes:
            self.inline_scripts += 1
        if "style" in attributes:
            self.style_attrs += 1
        if any(name.startswith("on") for name in attributes):
            self.inline_scripts += 1
        if "id" in attributes:
            self.ids.append(attributes["id"])


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def assert_accessible_shape(html: str) -> None:
    page = parse(html)
    assert page.inline_scripts == 0
    assert page.style_attrs == 0
    assert page.headings[0] == 1
    assert page.headings.count(1) == 1
    for previous, current in zip(page.headings, page.headings[1:], strict=False):
        assert current <= previous + 1, f"heading jumps from h{previous} to h{current}"
    assert all("alt" in image for image in page.images)
    assert len(page.ids) == len(set(page.ids))
    assert 'href="#main"' in html
    assert 'id="main"' in html


@pytest.mark.django_db
def test_home_groups_articles_by_category_with_publisher_and_wire_badge(client):
    politics = make_category("Politics")
    sport = make_category("Sport")
    publisher = make_publisher(name="Le Quotidien")
    make_article(publisher, title="Vote tonight", category=politics, wire_credit="AFP")
    make_article(publisher, title="Cup final", category=sport)
    make_article(publisher, title="Loose item")

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert ">Politics</a></h2>" in html
    assert ">Sport</a></h2>" in html
    assert "More news" in html
    assert "Vote tonight" in html
    assert "Le Quotidien" in html
    assert "With AFP" in html
    assert "<time datetime=" in html
    assert 'rel="alternate" type="application/rss+xml"' in html
    assert_accessible_shape(html)


@pytest.mark.django_db
def test_home_without_articles_says_so(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "No articles yet" in response.content.decode()


@pytest.mark.django_db
def test_article_page_ends_with_attribution_block_linking_the_original(client):
    publisher = make_publisher(name="Daily Planet", policy=Publisher.DisplayPolicy.FULL)
    article = make_article(
        publisher,
        title="Our title",
        original_title="Their exact headline",
        original_url="https://planet.example/2024/story?id=1&x=2",
        wire_credit="AFP",
        body_html="<p>Full <em>sanitized</em> body.</p>",
    )

    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    block = html[html.index('class="attribution"') :]
    assert "Originally published as" in block
    assert (
        '<a class="original-link" href="https://planet.example/2024/story?id=1&amp;x=2" hreflang="en" lang="en">Their exact headline</a>'
        in block
    )
    assert "Read original article" in block
    assert block.count('class="original-link') == 2
    assert f'href="{publisher.get_absolute_url()}"' in block
    assert "With AFP" in block
    assert block.count("<time datetime=") == 2
    assert "<p>Full <em>sanitized</em> body.</p>" in html
    assert f'src="/images/{article.image_key}-lead.webp"' in html
    assert article.image_url not in html  # readers' browsers never ask the publisher
    assert_accessible_shape(html)


@pytest.mark.django_db
def test_article_page_for_headline_only_publisher_sends_readers_to_the_source(client):
    publisher = make_publisher(policy=Publisher.DisplayPolicy.HEADLINE)
    article = make_article(publisher, body_text="secret words", summary="secret summary")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "This publisher allows headlines only — read it at the source" in html
    assert "secret" not in html
    assert article.image_url not in html
    assert 'class="original-link' in html


@pytest.mark.django_db
def test_article_page_for_excerpt_publisher_shows_excerpt_text_not_html(client):
    publisher = make_publisher(policy=Publisher.DisplayPolicy.EXCERPT)
    article = make_article(publisher, summary="A short teaser.", body_html="<p>Whole <b>thing</b></p>")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "A short teaser." in html
    assert "<b>thing</b>" not in html
    assert f"/images/{article.image_key}-lead.webp" in html


@pytest.mark.django_db
def test_article_page_escapes_non_policy_fields(client):
    publisher = make_publisher(name="<script>alert(1)</script>")
    article = make_article(publisher, title="<img src=x onerror=alert(1)>", original_url="javascript:alert(1)")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "<img src=x onerror" not in html
    assert 'href="javascript:' not in html
    # The fields are shown, as text: escaped, not dropped.
    assert '<h1 lang="en">&lt;img src=x onerror=alert(1)&gt;</h1>' in html
    assert f'<a class="publisher" href="/publisher/{publisher.slug}/">&lt;script&gt;alert(1)&lt;/script&gt;</a>' in html
    # The attribution stays, without a link to the unusable original URL.
    assert f"Originally published as {article.original_title}" in html


@pytest.mark.django_db
def test_article_of_inactive_publisher_is_not_found(client):
    article = make_article(make_publisher(is_active=False))

    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/article/0/", "/article/99999999999999999999999999/", "/article/abc/"])
def test_article_page_with_impossible_id_is_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_publisher_page_lists_its_articles_30_per_page(client):
    publisher = make_publisher(name="Wire Service")
    for _ in range(31):
        make_article(publisher)

    first = client.get(publisher.get_absolute_url())
    second = client.get(publisher.get_absolute_url(), {"page": "2"})

    assert first.status_code == 200
    assert first.content.decode().count('class="item"') == 30
    assert second.content.decode().count('class="item"') == 1
    assert "Page 2 of 2" in second.content.decode()
    assert 'type="application/atom+xml"' in first.content.decode()
    assert f"{publisher.get_absolute_url()}rss.xml" in first.content.decode()


@pytest.mark.django_db
def test_category_page_lists_only_that_category(client):
    world = make_category("World")
    other = make_category("Other")
    publisher = make_publisher()
    make_article(publisher, title="In world", category=world)
    make_article(publisher, title="Elsewhere", category=other)

    html = client.get(world.get_absolute_url()).content.decode()

    assert "In world" in html
    assert "Elsewhere" not in html
    assert 'aria-current="page"' in html
    assert_accessible_shape(html)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/publisher/nope/", "/category/nope/", "/no/such/page/"])
def test_unknown_pages_get_the_friendly_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Traceback" not in response.content.decode()
    # An article removed (a takedown) answers 410 saying so: a 404 does not guess that it was.
    assert "the link may be mistyped" in response.content.decode()
    assert "removed" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/search/?q=x", "/feeds/rss.xml", "/feeds/feed.json", "/api/articles", "/robots.txt", "/nope/"]
)
def test_every_response_carries_the_content_security_policy(client, path):
    response = client.get(path)

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "style-src 'self'" in response["Content-Security-Policy"]


def test_500_template_renders_without_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "Something went wrong" in html
    assert "Traceback" not in html


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_icon_every_page_names(client):
    # Browsers ask for /favicon.ico on pages that name no icon (a feed, the admin): it was a 404 logged each time.
    named = re.search(r'<link rel="icon" href="([^"]+)"', client.get("/").content.decode()).group(1)

    response = client.get("/favicon.ico", follow=True)

    assert response.redirect_chain == [(named, 302)]
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)
