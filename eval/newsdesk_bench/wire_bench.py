"""`newsdesk bench wire`: what one more copy of a wire text costs when its syndication group already holds N copies.

For each N a new wire text (random words, so the rounds never group together) is printed by N outlets: those N
copies are stored in bulk in the state the services leave them in (signatures and band keys, one syndication
group with its primary chosen, one story), then `measured` more copies go one by one through the real service,
`articles_stories_update`. Per copy: CPU seconds of this process, and on PostgreSQL of its server backend too (so
the figure does not depend on the machine's load), queries, and rows written (INSERT/UPDATE/DELETE row counts).
A cost that grows with N is a quadratic pipeline. After each round the group is checked: every copy in it, the
earliest copy its primary, every other one a repeat.

Runs in the current Django database, which the `bench` command points at a throwaway data dir or server.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.db import connection

from newsdesk.articles.models import Article
from newsdesk.reader.dedup import NearDupSignature
from newsdesk.sources.models import Publisher
from newsdesk.stories.models import ArticleSignature, SignatureBand, StoryMembership, SyndicationGroup
from newsdesk.stories.services import articles_stories_update, stories_assign
from newsdesk.stories.syndication_services import syndication_group_refresh
from newsdesk_bench.search_bench import throwaway_database_ready

DEFAULT_SIZES = (250, 500, 1000, 2000)
T0 = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
_WRITES = ("INSERT", "UPDATE", "DELETE")


def wire_text(seed: int, words: int = 320) -> tuple[str, str]:
    """A headline and a body of pseudo-words, the same for a seed and unlike any other seed's."""
    rng = random.Random(seed)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    vocabulary = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(900)]
    body = " ".join(rng.choice(vocabulary) for _ in range(words))
    return " ".join(rng.choice(vocabulary) for _ in range(9)).capitalize(), f"PARIS (AFP) — {body}."


class Meter:
    """Queries and rows written through Django's connection while installed (`connection.execute_wrapper`). The
    rows from the statements' row counts, which SQLite leaves at -1 for an INSERT … RETURNING: there `rows_written`
    asks SQLite's own count of changed rows instead."""

    def __init__(self) -> None:
        self.queries = 0
        self.rows = 0

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        self.queries += 1
        if sql.lstrip()[:6].upper() in _WRITES:
            self.rows += max(context["cursor"].rowcount, 0)
        return result


def _sqlite_changes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT total_changes()")
        return cursor.fetchone()[0]


def _backend_cpu_s() -> float:
    """CPU seconds of the PostgreSQL backend serving this connection (a local server), 0 on SQLite."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _publishers(count: int) -> list[Publisher]:
    have = list(Publisher.objects.filter(slug__startswith="wire-outlet-").order_by("pk"))
    Publisher.objects.bulk_create(
        Publisher(name=f"Outlet {n}", slug=f"wire-outlet-{n}", homepage=f"https://outlet{n}.example/", language="en")
        for n in range(len(have), count)
    )
    return list(Publisher.objects.filter(slug__startswith="wire-outlet-").order_by("pk"))


def _copy(publisher: Publisher, n: int, size: int, title: str, body: str) -> Article:
    url = f"{publisher.homepage}world/wire-{size}-{n}"
    at = T0 + timedelta(days=size, minutes=n)  # rounds weeks apart: each its own story
    return Article(
        publisher=publisher,
        canonical_url=url,
        original_url=url,
        title=title,
        original_title=title,
        published_at=at,
        fetched_at=at + timedelta(minutes=1),
        language="en",
        summary=body[:200],
        body_text=body,
        wire_credit="AFP",
        content_hash=f"{size:08d}{n:056d}",
    )


def _prefill(size: int, publishers: list[Publisher], title: str, body: str) -> None:
    """`size` copies in the state the services leave them in: signatures, band keys, one group, one story."""
    articles = Article.objects.bulk_create(_copy(publishers[n], n, size, title, body) for n in range(size))
    signature = NearDupSignature.of_text(f"{title}\n{body}")
    group = SyndicationGroup.objects.create()
    ArticleSignature.objects.bulk_create(
        ArticleSignature(article=a, signature=signature.to_json(), group=group) for a in articles
    )
    keys = signature.band_keys()
    SignatureBand.objects.bulk_create(SignatureBand(key=k, article=a) for a in articles for k in keys)
    syndication_group_refresh(group=group)
    stories_assign(articles=articles)


def wire_round(size: int, measured: int, publishers: list[Publisher]) -> dict:
    """One round: `size` copies stored in bulk, then `measured` more through the service; the cost per copy."""
    title, body = wire_text(size)
    started = time.perf_counter()
    _prefill(size, publishers, title, body)
    prefill_s = time.perf_counter() - started
    copies = [_copy(publishers[size + n], size + n, size, title, body) for n in range(measured)]
    for article in copies:
        article.save()
    meter = Meter()
    sqlite = connection.vendor == "sqlite"
    changes = _sqlite_changes() if sqlite else 0
    cpu, backend, wall = time.process_time(), _backend_cpu_s(), time.perf_counter()
    with connection.execute_wrapper(meter):
        for article in copies:
            articles_stories_update(articles=[article])
    cpu, backend, wall = time.process_time() - cpu, _backend_cpu_s() - backend, time.perf_counter() - wall
    rows = _sqlite_changes() - changes if sqlite else meter.rows
    group_ok = _group_ok(size + measured, size, title)
    return {
        "copies": size,
        "measured": measured,
        "cpu_ms_per_copy": round(1000 * cpu / measured, 1),
        "server_cpu_ms_per_copy": round(1000 * backend / measured, 1),
        "wall_ms_per_copy": round(1000 * wall / measured, 1),
        "queries_per_copy": round(meter.queries / measured, 1),
        "rows_written_per_copy": round(rows / measured, 1),
        "prefill_s": round(prefill_s, 1),
        "group_ok": group_ok,
    }


def _group_ok(expected: int, size: int, title: str) -> bool:
    """Every copy of the round's text in one group whose primary is the earliest copy, the others repeats, and the
    round's story counting one report."""
    first = Article.objects.filter(title=title).order_by("published_at").first()
    rows = ArticleSignature.objects.filter(article__title=title)
    groups = set(rows.values_list("group_id", flat=True))
    if len(groups) != 1 or first is None:
        return False
    group = SyndicationGroup.objects.get(pk=groups.pop())
    originals = list(rows.filter(is_repeat=False).values_list("article_id", flat=True))
    stories = set(StoryMembership.objects.filter(article__title=title).values_list("story_id", flat=True))
    story = StoryMembership.objects.filter(article=first).values_list("story__report_count", "story__size").first()
    return (
        group.size == expected
        and group.primary_id == first.pk
        and originals == [first.pk]
        and len(stories) == 1
        and story == (1, expected)
    )


def wire_bench(
    *, sizes: tuple[int, ...] = DEFAULT_SIZES, measured: int = 10, say: Callable[[str], None] = lambda _: None
) -> dict:
    """Every round in the current database; figures keyed by engine and group size."""
    throwaway_database_ready()
    publishers = _publishers(max(sizes) + measured)
    rounds = []
    for size in sizes:
        say(f"{connection.vendor}: a group of {size} copies, then {measured} more one by one")
        rounds.append(wire_round(size, measured, publishers))
    return {"engine": connection.vendor, "rounds": rounds}
