"""`newsdesk bench takedown`: 100 takedown notices over URL variants on the demo world, each proven by the
publisher (DNS TXT record, meta tag or well-known file, in turn), carried out by worker cycles; then 30 more
ingest cycles in which every publisher offers every variant of the removed URLs (and serves the page there) plus a
copy of the text under a new URL. Counts how many removed articles come back.

Runs in the current Django database, which the `bench` command points at a throwaway data dir.
"""

import statistics
import time
from collections import Counter
from collections.abc import Callable

from django.core.management import call_command
from django.test import override_settings

from newsdesk.articles.models import Article
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.demo import demo_ingest
from newsdesk.ingest.runner import worker_cycle
from newsdesk.reader.urls import url_identity_key
from newsdesk.rights import services
from newsdesk.rights.audit import audit_verify
from newsdesk.rights.models import AuditEntry, TakedownRequest
from newsdesk.sources.models import Feed, Publisher
from newsdesk.sources.services import feed_subscribe
from newsdesk_world.generator import generate_world
from newsdesk_world.server import WorldServer, serve_world
from newsdesk_world.variants import rss_document, url_variants

PROOFS = ("dns", "meta", "file")
MAX_REMOVAL_CYCLES = 5


def _targets(server: WorldServer, count: int) -> list:
    """`count` stored world articles, round-robin over the publishers (newest first within each)."""
    stored = set(Article.objects.values_list("canonical_url", flat=True))
    queues = [
        sorted(
            (a for a in server.world.articles_of(p.slug) if server.article_url(a) in stored),
            key=lambda a: a.published,
            reverse=True,
        )
        for p in server.world.publishers
    ]
    picked = []
    while len(picked) < count and any(queues):
        for queue in queues:
            if queue and len(picked) < count:
                picked.append(queue.pop(0))
    return picked


def _file(server: WorldServer, targets: list) -> list[TakedownRequest]:
    notices = []
    for n, article in enumerate(targets):
        variants = url_variants(server.article_url(article))
        notice = services.takedown_request_create(
            requester_name="Bench Rights Desk",
            requester_email="rights@bench.example",
            signature="Bench Rights Desk",
            good_faith=True,
            accurate=True,
            urls=[variants[n % len(variants)]],
            actor="bench",
        )
        services.takedown_email_confirm(request=notice)
        server.takedown_proof_publish(article.publisher, notice.verification_token, via=PROOFS[n % len(PROOFS)])
        notices.append(notice)
    return notices


def _offer_variants(server: WorldServer, targets: list) -> None:
    """Every publisher serves each removed page at its variant paths and at a new URL, and lists them all in a
    new feed we subscribe to."""
    by_publisher: dict[str, list] = {}
    for article in targets:
        by_publisher.setdefault(article.publisher, []).append(article)
    for slug, articles in by_publisher.items():
        items = []
        for article in articles:
            url = server.article_url(article)
            page = server.page_body(slug, article.path)
            copy_path = f"/copies/{article.id}"
            server.document_publish(slug, copy_path, page, "text/html; charset=utf-8")
            for variant in url_variants(url):
                path = variant.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0].split("#", 1)[0]
                if variant.startswith(server.url(slug, "/")) and "/" + path != article.path:
                    server.document_publish(slug, "/" + path, page, "text/html; charset=utf-8")
                items.append((variant, article))
            items.append((server.url(slug, copy_path), article))
        server.document_publish(slug, "/variants.xml", rss_document("variants", items), "application/rss+xml")
        feed_subscribe(publisher=Publisher.objects.get(slug=slug), url=server.url(slug, "/variants.xml"))


def takedown_bench(
    *, takedowns: int = 100, cycles: int = 30, seed: int = 7, publishers: int | None = None, progress: Callable = print
) -> dict:
    """The figures of one run; `publishers`: ingest only the world's first N publishers (the test's small scale)."""
    call_command("migrate", interactive=False, verbosity=0)
    server = serve_world(generate_world(seed=seed, slow_delay_s=0.2))
    # The proofs are checked through the fetcher (loopback allowed) and the world's own DNS server.
    overrides = override_settings(NEWSDESK_ALLOW_LOOPBACK=True, NEWSDESK_DNS_NAMESERVERS=[server.dns.nameserver])
    overrides.enable()
    context = IngestContext.from_settings(allow_loopback=True)
    try:
        progress(f"takedown benchmark: ingesting the demo world (seed {seed}) …")
        slugs = None if publishers is None else [p.slug for p in server.world.publishers[:publishers]]
        demo_ingest(directory_url=server.base_url, publishers=slugs)
        articles_before = Article.objects.count()
        targets = _targets(server, takedowns)
        progress(f"{len(targets)} notices over URL variants, proofs by {', '.join(PROOFS)} in turn …")
        notices = _file(server, targets)
        removal_cycles, removal_cycle_s, removed_in_first = 0, [], 0
        while removal_cycles < MAX_REMOVAL_CYCLES and TakedownRequest.objects.exclude(state="removed").exists():
            started = time.monotonic()
            rights, _ = worker_cycle(context=context, full_pass=True)
            removal_cycle_s.append(time.monotonic() - started)
            removal_cycles += 1
            if removal_cycles == 1:
                removed_in_first = len(rights.removed)
        removed = TakedownRequest.objects.filter(pk__in=[n.pk for n in notices], removed_at__isnull=False)
        to_removal = [(r.removed_at - r.received_at).total_seconds() for r in removed]
        verified_to_removal = [(r.removed_at - r.verified_at).total_seconds() for r in removed]
        # Only what was removed can "reappear"; a notice never carried out shows in `removed` instead.
        removed_ids = set(removed.values_list("pk", flat=True))
        removed_keys = {
            url_identity_key(server.article_url(a))
            for a, notice in zip(targets, notices, strict=True)
            if notice.pk in removed_ids
        }
        progress(f"{removed.count()} removed in {removal_cycles} worker cycle(s); {cycles} more ingest cycles …")
        _offer_variants(server, targets)
        back: set[str] = set()
        ingest_s = []
        for _ in range(cycles):
            # Forget every feed's validators, so each cycle reads every entry again (no 304 shortcut).
            Feed.objects.update(etag="", last_modified="")
            started = time.monotonic()
            worker_cycle(context=context, full_pass=True)
            ingest_s.append(time.monotonic() - started)
            back |= {
                key
                for key in map(url_identity_key, Article.objects.values_list("canonical_url", flat=True))
                if key in removed_keys
            }
        copy_fetches = sum(r.path.startswith("/copies/") for r in server.requests.snapshot())
        return {
            "takedowns": len(notices),
            "removed": removed.count(),
            "articles_removed": sum(removed.values_list("articles_removed", flat=True)),
            "articles_before": articles_before,
            "articles_after": Article.objects.count(),
            "removal_worker_cycles": removal_cycles,
            "removed_in_first_cycle": removed_in_first,
            "removal_cycle_s": round(removal_cycle_s[0], 3) if removal_cycle_s else None,
            "median_removal_s": round(statistics.median(to_removal), 3) if to_removal else None,
            "max_removal_s": round(max(to_removal), 3) if to_removal else None,
            "median_verified_to_removed_s": round(statistics.median(verified_to_removal), 3)
            if verified_to_removal
            else None,
            "max_verified_to_removed_s": round(max(verified_to_removal), 3) if verified_to_removal else None,
            "ingest_cycles": cycles,
            "median_ingest_cycle_s": round(statistics.median(ingest_s), 3) if ingest_s else None,
            "variant_links_offered": sum(len(url_variants(server.article_url(a))) + 1 for a in targets),
            "copy_pages_fetched": copy_fetches,
            "reappearances": len(back),
            "audit_entries": AuditEntry.objects.count(),
            "audit_chain_valid": audit_verify() is None,
            "proofs": dict(Counter(removed.values_list("verification_method", flat=True))),
        }
    finally:
        context.close()
        overrides.disable()
        server.stop()
