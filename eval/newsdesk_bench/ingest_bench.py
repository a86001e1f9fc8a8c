"""`newsdesk bench ingest`: two refresh cycles over a simulated world of many feeds, plus feed-parse speed.

Runs in the current Django database, which the `bench` command points at a throwaway data dir.
"""

import time
from dataclasses import asdict, dataclass

from django.core.management import call_command

from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.runner import run_cycle
from newsdesk.sources.models import Feed, Publisher
from newsdesk_bench.extract_only import extract_only_pages_per_s
from newsdesk_bench.feed_world import FeedWorld
from newsdesk_bench.stage_profile import shares, stage_profile


@dataclass
class IngestBenchResult:
    feeds: int
    articles: int
    first_cycle_s: float
    second_cycle_s: float
    second_cycle_not_modified: int
    feeds_per_s_first: float
    feeds_per_s_second: float
    articles_per_s: float
    threads: int
    first_cycle_articles_per_s: float = 0.0
    extract_only_pages_per_s: float = 0.0
    first_cycle_vs_extract_only: float = 0.0
    profile: dict | None = None
    parse_items_per_s: float | None = None
    fastfeedparser_items_per_s: float | None = None
    feedparser_items_per_s: float | None = None
    parse_vs_fastfeedparser: float | None = None
    parse_files: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _subscribe(world: FeedWorld, ports: int) -> None:
    publishers = Publisher.objects.bulk_create(
        Publisher(name=f"Bench {i}", slug=f"bench-{i}", homepage=f"{origin}/")
        for i, origin in enumerate(world.origins[:ports])
    )
    Feed.objects.bulk_create(
        (Feed(publisher=publishers[n % ports], url=url, kind=Feed.Kind.RSS) for n, url in enumerate(world.feed_urls)),
        batch_size=1000,
    )


def ingest_bench(
    *, feeds: int = 10_000, ports: int = 20, items: int = 1, threads: int = 8, progress=print
) -> IngestBenchResult:
    call_command("migrate", interactive=False, verbosity=0)
    world = FeedWorld(feeds=feeds, ports=ports, items=items)
    try:
        _subscribe(world, ports)
        # Our own loopback servers: allow loopback, and let each origin take as many requests as we have threads.
        context = IngestContext.from_settings(allow_loopback=True)
        context = IngestContext(options=context.options, per_host=max(2, threads), extraction=context.extraction)
        progress(f"first cycle: {feeds} feeds over {ports} origins, {items} item(s) each, {threads} threads")
        t0 = time.perf_counter()
        with stage_profile() as first_stages:
            first = run_cycle(context=context, full_pass=True, threads=threads, batch=threads * 8)
        first_s = time.perf_counter() - t0
        progress(f"  {first_s:.1f}s, {first.articles_new} articles, {first.errors} errors")
        t0 = time.perf_counter()
        with stage_profile() as second_stages:
            second = run_cycle(context=context, full_pass=True, threads=threads, batch=threads * 8)
        second_s = time.perf_counter() - t0
        progress(f"second cycle: {second_s:.1f}s, {second.not_modified} not modified, {second.errors} errors")
    finally:
        world.stop()
        context.close()
    progress("extraction alone on every core, pages in memory …")
    ceiling = extract_only_pages_per_s(pages=min(max(first.articles_new, 200), 4000))
    articles_per_s = round(first.articles_new / first_s, 1)
    return IngestBenchResult(
        feeds=feeds,
        articles=first.articles_new,
        first_cycle_s=round(first_s, 2),
        second_cycle_s=round(second_s, 2),
        second_cycle_not_modified=second.not_modified,
        feeds_per_s_first=round(first.feeds / first_s, 1),
        feeds_per_s_second=round(second.feeds / second_s, 1),
        articles_per_s=articles_per_s,
        threads=threads,
        first_cycle_articles_per_s=articles_per_s,
        extract_only_pages_per_s=ceiling,
        first_cycle_vs_extract_only=round(articles_per_s / ceiling, 3) if ceiling else 0.0,
        profile={"first_cycle": shares(first_stages), "second_cycle": shares(second_stages)},
    )
