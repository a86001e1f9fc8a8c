"""Takedown end to end on the demo world: notices through the public form → email confirmation → the publisher
publishes a DNS TXT record / a meta tag (served by the simulated world) → one worker cycle → gone from the article
page, feeds, API, search and sitemap → 30 more ingest cycles offering URL variants and same-publisher copies of the
text → never back; the audit chain verifies, and tampering with one entry is detected.

The world's directory is imported whole, and the two publishers the notices are about (and a third that is not
concerned) are ingested as `newsdesk demo` ingests them; the other publishers' feeds are paused: ingesting and
re-reading them in every cycle was about two thirds of this test's CPU time and took no part in what it checks."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from newsdesk.articles.models import Article
from newsdesk.common.content_version import content_version
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.demo import demo_ingest
from newsdesk.ingest.runner import worker_cycle
from newsdesk.reader.urls import url_identity_key
from newsdesk.rights.models import AuditEntry, TakedownRequest
from newsdesk.sources.models import Feed, Publisher
from newsdesk.sources.services import feed_subscribe
from newsdesk_world.generator import generate_world
from newsdesk_world.server import serve_world
from newsdesk_world.variants import rss_document, url_variants
from tests.site.sitemap_pages import sitemap_text

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MORE_CYCLES = 30
INGESTED_PUBLISHERS = 3  # the notices' two publishers (the first two) and one that is not concerned


@pytest.fixture
def world_server():
    server = serve_world(generate_world(seed=13, slow_delay_s=0.2))
    yield server
    server.stop()


def _ingest(world_server) -> None:
    """What `newsdesk demo` ingests, for the first publishers of the world only."""
    ingested = {p.slug for p in world_server.world.publishers[:INGESTED_PUBLISHERS]}
    demo_ingest(directory_url=world_server.base_url, publishers=ingested)
    assert set(Article.objects.values_list("publisher__slug", flat=True)) == ingested


def _surfaces(client: Client, article: Article) -> dict[str, bool]:
    """Where the article shows: its page, its publisher's feeds, the API, search (by its title), the sitemap."""
    slug = article.publisher.slug
    terms = " ".join(re.findall(r"\w+", article.title)[:6])
    return {
        "page": client.get(f"/article/{article.pk}/").status_code == 200,
        "rss": f"/article/{article.pk}/" in client.get(f"/publisher/{slug}/rss.xml").content.decode(),
        "json feed": f"/article/{article.pk}/" in client.get(f"/publisher/{slug}/feed.json").content.decode(),
        "api": client.get(f"/api/articles/{article.pk}").status_code == 200,
        "api list": f'"id": {article.pk},' in client.get("/api/articles", {"publisher": slug}).content.decode()
        or f'"id":{article.pk},' in client.get("/api/articles", {"publisher": slug}).content.decode(),
        "search": f"/article/{article.pk}/" in client.get("/search/", {"q": terms}).content.decode(),
        "sitemap": f"/article/{article.pk}/" in sitemap_text(client),
    }


def _file_notice(client: Client, url: str, email: str) -> TakedownRequest:
    response = client.post(
        "/rights/takedown",
        {
            "requester_name": "Rights Desk",
            "requester_email": email,
            "contact": "1 Press Row",
            "work": "Our own reporting",
            "urls": url,
            "good_faith": "on",
            "accurate": "on",
            "signature": "Rights Desk",
        },
    )
    assert response.status_code == 201, response.content.decode()[:500]
    notice = TakedownRequest.objects.latest("id")
    link = re.search(r"/rights/takedown/confirm/\S+", mail.outbox[-2].body).group(0)  # then the operators' mail
    assert client.post(link).status_code == 200
    return notice


def test_a_verified_takedown_is_gone_everywhere_within_one_cycle_and_never_comes_back(settings, world_server):
    settings.NEWSDESK_ALLOW_LOOPBACK = True
    settings.NEWSDESK_DNS_NAMESERVERS = [world_server.dns.nameserver]
    settings.NEWSDESK_TAKEDOWN_OPERATORS = ["desk@newsdesk.example"]
    _ingest(world_server)
    # Whole-response caching on: the surfaces are cached below while the article shows, and must not serve it after.
    settings.RESPONSE_CACHE_ENABLED = True
    world = world_server.world
    client = Client()
    by_dns, by_meta = world.publishers[0], world.publishers[1]
    targets = {}
    for publisher, via in ((by_dns, "dns"), (by_meta, "meta")):
        newest = max(world.articles_of(publisher.slug), key=lambda a: a.published)
        stored = Article.objects.select_related("publisher").get(canonical_url=world_server.article_url(newest))
        assert all(_surfaces(client, stored).values()), _surfaces(client, stored)
        assert client.get(f"/article/{stored.pk}/")["X-Cache"] == "hit"  # the page is in the response cache
        # The notice names a variant the publisher's own feed used (tracking parameters, AMP switch).
        notice = _file_notice(client, url_variants(world_server.article_url(newest))[5], f"legal@{via}.example")
        world_server.takedown_proof_publish(publisher.slug, notice.verification_token, via=via)
        targets[via] = (newest, stored, notice)
    version = content_version()

    context = IngestContext.from_settings(allow_loopback=True)
    try:
        rights, _ = worker_cycle(context=context, full_pass=True)

        assert sorted(rights.removed) == sorted(n.pk for _, _, n in targets.values())
        for via, (_, stored, notice) in targets.items():
            notice.refresh_from_db()
            assert notice.state == TakedownRequest.State.REMOVED
            assert notice.verification_method == via
            assert not any(_surfaces(client, stored).values()), (via, _surfaces(client, stored))
        assert content_version() > version
        remaining = Article.objects.count()

        # The publishers offer every variant of the removed URLs and a copy of the text under a new URL.
        for newest, _, _ in targets.values():
            slug = newest.publisher
            url = world_server.article_url(newest)
            world_server.document_publish(
                slug, "/copies/of-removed", world_server.page_body(slug, newest.path), "text/html"
            )
            page = world_server.page_body(slug, newest.path)
            for variant in url_variants(url):  # the publisher serves the page at its AMP paths too
                variant_path = urlsplit(variant).path
                if variant.startswith(world_server.url(slug, "/")) and variant_path != newest.path:
                    world_server.document_publish(slug, variant_path, page, "text/html")
            links = [*url_variants(url), world_server.url(slug, "/copies/of-removed")]
            feed_xml = rss_document("variants", [(link, newest) for link in links])
            world_server.document_publish(slug, "/variants.xml", feed_xml, "application/rss+xml")
            feed_subscribe(publisher=Publisher.objects.get(slug=slug), url=world_server.url(slug, "/variants.xml"))
        removed_keys = {url_identity_key(world_server.article_url(n)) for n, _, _ in targets.values()}
        for _ in range(MORE_CYCLES):
            # Forget the validators of the affected feeds, so every cycle reads their entries again (no 304).
            Feed.objects.filter(publisher__slug__in=[n.publisher for n, _, _ in targets.values()]).update(
                etag="", last_modified=""
            )
            worker_cycle(context=context, full_pass=True)
            back = [
                a for a in Article.objects.only("canonical_url") if url_identity_key(a.canonical_url) in removed_keys
            ]
            assert back == []
    finally:
        context.close()

    assert Article.objects.count() == remaining
    for _, stored, _ in targets.values():
        assert not any(_surfaces(client, stored).values())
    requests = world_server.requests.snapshot()
    assert sum(r.path == "/variants.xml" and r.status == 200 for r in requests) >= 2 * MORE_CYCLES
    assert any(r.path.startswith("/copies/") for r in requests), "the copy was fetched, then refused by its text"
    assert not any(r.path.startswith("/amp/") for r in requests), "variants are refused before any fetch"
    call_command("audit", "verify")
    AuditEntry.objects.filter(seq=3).update(data={"forged": True})
    with pytest.raises(CommandError, match="broken at entry #3"):
        call_command("audit", "verify")
