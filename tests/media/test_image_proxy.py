"""The image proxy end to end: a real HTTP server on loopback serves the publisher's image, the worker step
fetches, checks, re-encodes and stores it, and the site, the API and /images/ serve our copy."""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from newsdesk.articles.models import Article
from newsdesk.ingest.images import images_and_stories_step
from newsdesk.media.models import ArticleImage
from newsdesk.media.services import HTTP_STATUS, articles_with_image_due, images_fetch_due
from newsdesk.media.steps import images_step
from newsdesk.media.views import IMMUTABLE
from newsdesk.reader.fetcher import FetchOptions
from newsdesk.sources.models import Publisher
from newsdesk.stories.counts import story_counts_refresh
from newsdesk.stories.models import Story
from tests.factories import make_article, make_publisher
from tests.reader.test_images import encoded, png_declaring
from tests.sources.loopback import LoopbackServer, Reply
from tests.stories.rows import make_story

LOOPBACK = FetchOptions(allow_loopback=True, timeout_s=5)
HOUR = timedelta(hours=1)


@pytest.fixture
def publisher_server():
    server = LoopbackServer(
        routes={
            "/photo.jpg": Reply(body=encoded("JPEG", (1280, 720)), content_type="image/jpeg"),
            "/other.png": Reply(body=encoded("PNG", (640, 480)), content_type="image/png"),
            "/bomb.png": Reply(body=png_declaring(6000, 6000), content_type="image/png"),
            "/page.html": Reply(body=b"<html><body>hello</body></html>"),
            "/logo.svg": Reply(body=b'<svg xmlns="http://www.w3.org/2000/svg"/>', content_type="image/svg+xml"),
            "/huge.png": Reply(body=encoded("PNG", (900, 900)), content_type="image/png"),
        }
    )
    yield server
    server.close()


@pytest.fixture(autouse=True)
def image_storage(tmp_path):
    storage = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "images": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "images", "base_url": "/images/"},
        },
    }
    with override_settings(STORAGES=storage):
        yield tmp_path / "images"


def outcome_of(article: Article) -> ArticleImage:
    return ArticleImage.objects.get(article=article)


@pytest.mark.django_db
def test_a_lead_image_is_fetched_checked_and_served_by_us(client, publisher_server):
    article = make_article(make_publisher(), image_url=publisher_server.base + "/photo.jpg")

    report = images_step(options=LOOPBACK)
    article.refresh_from_db()

    assert report.stored == [article.pk]
    assert len(article.image_key) == 32
    row = outcome_of(article)
    assert (row.outcome, row.width, row.height) == ("ready", 1280, 720)
    # The lead rendition's size is stored beside its key: a feed enclosure's length, read without asking the storage.
    assert article.image_bytes == storages["images"].size(f"{article.image_key}-lead.webp") > 0
    for size, expected in (("card", (480, 270)), ("lead", (1200, 675))):
        response = client.get(f"/images/{article.image_key}-{size}.webp")
        body = b"".join(response.streaming_content)
        assert size == "card" or len(body) == article.image_bytes
        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
        assert response["Cache-Control"] == IMMUTABLE == "public, max-age=31536000, immutable"
        assert Image.open(io.BytesIO(body)).size == expected
    assert publisher_server.paths() == ["/photo.jpg"]
    assert "image/" in publisher_server.requests[0].headers["accept"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/bomb.png", "image declares 36000000 pixels, more than the cap of 25000000 (decompression bomb?)"),
        ("/page.html", "not an image in an allowed format (JPEG, PNG, WebP, GIF)"),
        ("/logo.svg", "not an image in an allowed format (JPEG, PNG, WebP, GIF)"),
    ],
)
def test_bombs_and_non_images_are_refused_and_nothing_is_stored(publisher_server, image_storage, path, reason):
    article = make_article(make_publisher(), image_url=publisher_server.base + path)

    report = images_fetch_due(options=LOOPBACK)
    article.refresh_from_db()

    assert report.refused == [article.pk]
    assert outcome_of(article).reason == reason
    assert (article.image_key, article.image_bytes) == ("", 0)
    assert not image_storage.exists() or list(image_storage.iterdir()) == []


@pytest.mark.django_db
@override_settings(NEWSDESK_IMAGE_MAX_BYTES=2000)
def test_an_oversized_image_is_refused_while_downloading(publisher_server):
    article = make_article(make_publisher(), image_url=publisher_server.base + "/huge.png")

    images_fetch_due(options=LOOPBACK)

    row = outcome_of(article)
    assert (row.outcome, row.reason) == ("refused", "image is larger than 2000 bytes")


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "10.0.0.7", "192.168.1.20", "[::1]:{port}", "169.254.169.254"])
def test_private_address_images_are_refused_without_a_request(publisher_server, host):
    port = publisher_server.base.rsplit(":", 1)[1]
    article = make_article(make_publisher(), image_url=f"http://{host.format(port=port)}/photo.jpg")

    images_fetch_due(options=FetchOptions(allow_loopback=False, timeout_s=2))

    row = outcome_of(article)
    assert row.outcome == "refused"
    assert "address" in row.reason.lower()
    assert publisher_server.paths() == []


@pytest.mark.django_db
def test_a_missing_image_is_a_failure_recorded_once(publisher_server):
    article = make_article(make_publisher(), image_url=publisher_server.base + "/gone.jpg")

    first = images_fetch_due(options=LOOPBACK)
    second = images_fetch_due(options=LOOPBACK)

    assert first.failed == [article.pk]
    assert outcome_of(article).reason == HTTP_STATUS.format(status=404)
    assert second.failed == []  # not retried for the same URL
    assert publisher_server.paths() == ["/gone.jpg"]


@pytest.mark.django_db
def test_a_new_image_url_makes_the_article_due_again(publisher_server):
    article = make_article(make_publisher(), image_url=publisher_server.base + "/photo.jpg")
    images_fetch_due(options=LOOPBACK)
    first_key = Article.objects.get(pk=article.pk).image_key

    Article.objects.filter(pk=article.pk).update(image_url=publisher_server.base + "/other.png")
    assert list(articles_with_image_due()) == [article]
    images_fetch_due(options=LOOPBACK)

    assert Article.objects.get(pk=article.pk).image_key not in ("", first_key)
    assert list(articles_with_image_due()) == []


@pytest.mark.django_db
def test_publishers_and_pages_that_forbid_images_get_none_and_are_never_asked(publisher_server):
    url = publisher_server.base + "/photo.jpg"
    headline = make_article(make_publisher(policy=Publisher.DisplayPolicy.HEADLINE), image_url=url)
    noimageindex = make_article(make_publisher(), image_url=url, robots_directives="noimageindex")
    blocked = make_article(make_publisher(policy=Publisher.DisplayPolicy.BLOCKED), image_url=url)

    report = images_fetch_due(options=LOOPBACK)

    assert sorted(report.refused) == sorted([headline.pk, noimageindex.pk])
    assert not ArticleImage.objects.filter(article=blocked).exists()  # not even visible
    assert publisher_server.paths() == []


@pytest.mark.django_db
def test_site_pages_show_our_copy_beside_what_it_illustrates_and_a_strict_csp(client, publisher_server):
    publisher = make_publisher(name="Planet")
    article = make_article(publisher, title="Harbour reopens", image_url=publisher_server.base + "/photo.jpg")
    story = make_story([article])
    images_fetch_due(options=LOOPBACK)
    article.refresh_from_db()
    key = article.image_key
    # We cannot tell what an image shows: it sits beside the headline it illustrates (alt=""), a lead image credited
    # by its caption.
    alt = 'alt=""'

    home = client.get("/").content.decode()
    story_page = client.get(story.get_absolute_url()).content.decode()
    article_page = client.get(article.get_absolute_url())
    listing = client.get(publisher.get_absolute_url()).content.decode()

    assert f'src="/images/{key}-card.webp" {alt}' in home
    assert f'src="/images/{key}-lead.webp" {alt}' in story_page
    assert f'src="/images/{key}-lead.webp" {alt}' in article_page.content.decode()
    assert f'src="/images/{key}-card.webp" {alt}' in listing
    assert "<figcaption>Image: Planet</figcaption>" in story_page
    assert "<figcaption>Image: Planet</figcaption>" in article_page.content.decode()
    for page in (home, story_page, article_page.content.decode(), listing):
        assert publisher_server.base not in page
        assert len(re.findall(r"<img ", page)) == len(re.findall(r'<img [^>]*alt="[^"]*"', page))
    assert "img-src 'self' data:;" in article_page["Content-Security-Policy"]
    assert "http:" not in article_page["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_policy_tightened_after_the_fetch_hides_the_stored_image(client, publisher_server):
    publisher = make_publisher()
    article = make_article(publisher, image_url=publisher_server.base + "/photo.jpg")
    images_fetch_due(options=LOOPBACK)
    article.refresh_from_db()

    Publisher.objects.filter(pk=publisher.pk).update(display_policy=Publisher.DisplayPolicy.HEADLINE)
    page = client.get(article.get_absolute_url()).content.decode()

    assert article.image_key
    assert "/images/" not in page


@pytest.mark.django_db
def test_the_api_gives_absolute_urls_of_our_copies(client, publisher_server):
    article = make_article(make_publisher(), image_url=publisher_server.base + "/photo.jpg")
    make_story([article])
    images_fetch_due(options=LOOPBACK)
    key = Article.objects.get(pk=article.pk).image_key

    data = client.get(f"/api/articles/{article.pk}").json()
    story = client.get("/api/stories").json()["items"][0]

    assert data["image_url"] == f"http://testserver/images/{key}-lead.webp"
    assert data["thumbnail_url"] == f"http://testserver/images/{key}-card.webp"
    assert story["thumbnail_url"] == f"http://testserver/images/{key}-card.webp"
    no_image = client.get(f"/api/articles/{make_article(make_publisher(), image_key='').pk}").json()
    assert no_image["image_url"] == no_image["thumbnail_url"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["..%2Fsecret_key", "0" * 32 + "-card.webp", "0" * 32 + "-huge.webp", "abc.webp", "0" * 32 + "-card.png"],
)
def test_only_stored_rendition_names_are_served(client, name, image_storage):
    image_storage.mkdir(parents=True, exist_ok=True)
    (image_storage.parent / "secret_key").write_text("s3cret")

    response = client.get(f"/images/{name}")

    assert response.status_code == 404


@pytest.mark.django_db
def test_one_stored_image_shared_by_two_articles_is_written_once(publisher_server, image_storage):
    url = publisher_server.base + "/photo.jpg"
    first, second = make_article(make_publisher(), image_url=url), make_article(make_publisher(), image_url=url)

    images_fetch_due(options=LOOPBACK)

    keys = {Article.objects.get(pk=a.pk).image_key for a in (first, second)}
    assert len(keys) == 1
    key = keys.pop()
    assert sorted(p.name for p in image_storage.iterdir()) == [f"{key}-card.webp", f"{key}-lead.webp"]
    assert storages["images"].exists(f"{key}-card.webp")


@pytest.mark.django_db
def test_a_story_whose_lead_image_is_refused_shows_a_members_image_once_the_step_stored_it(client, publisher_server):
    # A story chooses its image when it is counted, before the image step has fetched anything: the lead's. When
    # that one is refused (an SVG) the story showed no image, though a member's was stored by the same step.
    now = timezone.now()
    lead = make_article(
        make_publisher(), image_url=publisher_server.base + "/logo.svg", image_key="", published_at=now - HOUR * 2
    )
    member = make_article(
        make_publisher(), image_url=publisher_server.base + "/photo.jpg", image_key="", published_at=now - HOUR
    )
    held = make_article(make_publisher(), image_url=publisher_server.base + "/other.png", image_key="")
    unchanged = make_story([held])
    story = make_story([lead, member])
    story_counts_refresh(story)
    story.refresh_from_db()
    assert story.image_article_id == lead.pk

    report = images_and_stories_step(options=LOOPBACK)

    story.refresh_from_db()
    member.refresh_from_db()
    assert (report.refused, sorted(report.stored)) == ([lead.pk], sorted([member.pk, held.pk]))
    assert story.image_article_id == member.pk
    assert f'src="/images/{member.image_key}-lead.webp"' in client.get(story.get_absolute_url()).content.decode()
    assert Story.objects.get(pk=unchanged.pk).image_article_id == held.pk  # its image is held now: kept
