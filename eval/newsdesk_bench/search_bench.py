"""`newsdesk bench search`: full-text search over N synthetic multilingual articles, through our search selector
and as the same SQL sent straight to the engine.

Runs in the current Django database (the `bench` command points it at a throwaway SQLite data dir or a
throwaway PostgreSQL server). The build inserts in batches with the search index's triggers (SQLite) or GIN
index (PostgreSQL) dropped, then rebuilds the index once: a bulk load, as a restore would do it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from newsdesk.articles.models import Article
from newsdesk.articles.search import SearchFilter, parse_query, search_ids
from newsdesk.articles.selectors import article_search
from newsdesk.reader.stemming import stem_words
from newsdesk.sources.models import Publisher

LANGUAGES = ("en", "fr", "de", "es", "it", "pt")
VOCABULARY = 20_000  # pseudo-words per language, drawn with Zipf frequencies (a few very common, most rare)
PUBLISHERS = 200
BATCH = 5_000
WORDS_PER_TITLE = 8
WORDS_PER_TEXT = 80
SPAN = timedelta(days=365)
NOW = datetime(2026, 12, 1, tzinfo=UTC)
_ONSETS = ("b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "br", "tr", "st", "ch", "pl")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ie")


def vocabulary(language: str, size: int = VOCABULARY) -> list[str]:
    """`size` distinct pseudo-words for `language`, most frequent first (same seed, same words)."""
    rng = random.Random(f"vocab-{language}")
    words: dict[str, None] = {}
    while len(words) < size:
        syllables = rng.randint(2, 4)
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
        words.setdefault(language[0] + word, None)  # a language letter first: no word is shared by two languages
    return list(words)


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    search: SearchFilter = field(default_factory=SearchFilter)


@dataclass
class EngineResult:
    engine: str
    articles: int
    build_s: float
    index_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    raw_p50_ms: float
    raw_p95_ms: float
    raw_p99_ms: float
    p95_vs_raw: float
    per_query_p95_ms: dict[str, float] = field(default_factory=dict)
    per_query_raw_p95_ms: dict[str, float] = field(default_factory=dict)
    per_query_hits: dict[str, int] = field(default_factory=dict)
    reused: bool = False  # measured on a corpus an earlier run built (`--keep`): build_s and index_s are 0

    def as_dict(self) -> dict:
        return asdict(self)


def query_mix(publisher_id: int) -> list[Query]:
    """The fixed mix: common and rare terms, two-word queries, phrases, prefixes, filters, both orders."""
    en, fr, de = vocabulary("en"), vocabulary("fr"), vocabulary("de")
    week = NOW - timedelta(days=7)
    return [
        Query("common_term", en[2]),
        Query("rare_term", en[15_000]),
        Query("two_common_terms", f"{en[3]} {en[7]}"),
        Query("common_and_rare", f"{en[4]} {en[12_000]}"),
        Query("phrase_common", f'"{en[2]} {en[3]}"'),
        Query("phrase_and_term", f'"{en[5]} {en[6]}" {en[9]}'),
        Query("prefix", en[40][:4] + "*"),
        Query("short_prefix", en[40][:3] + "*"),
        Query("lang_filter", fr[2], SearchFilter(language="fr")),
        Query("publisher_filter", de[5], SearchFilter(publisher_id=publisher_id)),
        Query("date_filter", en[5], SearchFilter(since=week)),
        Query("by_date_common", en[2], SearchFilter(order="date")),
        Query("by_date_rare", en[15_000], SearchFilter(order="date")),
        Query("by_date_phrase", f'"{en[2]} {en[3]}"', SearchFilter(order="date")),
        Query("by_date_lang_window", fr[6], SearchFilter(language="fr", since=week, order="date")),
    ]


def _zipf_weights(size: int) -> list[float]:
    total, cumulative = 0.0, []
    for rank in range(1, size + 1):
        total += 1.0 / rank
        cumulative.append(total)
    return cumulative


def _index_drop() -> list[str]:
    """Drop the full-text index's maintenance (SQLite triggers) or GIN indexes (PostgreSQL); SQL to restore them."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles_article'"
            )
            rows = cursor.fetchall()
            for name, _sql in rows:
                cursor.execute(f'DROP TRIGGER "{name}"')
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'articles_article' "
                "AND indexdef ILIKE '%% USING gin %%'"
            )
            rows = cursor.fetchall()
            for name, _sql in rows:
                cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


def _index_restore(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO articles_article_fts(articles_article_fts) VALUES ('rebuild')")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE articles_article")


def _stem_table(language: str, words: list[str]) -> dict[str, str]:
    """Each pseudo-word's Snowball stem, computed once: what stems_of gives word by word."""
    return dict(zip(words, stem_words(words, language), strict=True))


def _insert_rows(columns: list[str], rows: list[tuple]) -> None:
    """Plain INSERTs in one transaction: the ORM's per-object work costs more than the database's at 1M rows."""
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO articles_article ({names}) VALUES ({marks})", rows)  # noqa: S608


def build(articles: int, *, seed: int = 7, progress: Callable[[int], None] = lambda n: None) -> list[Publisher]:
    """Insert `articles` synthetic articles (a language each, Zipf-distributed words, spread over a year)."""
    rng = random.Random(seed)
    vocab = {language: vocabulary(language) for language in LANGUAGES}
    stems = {language: _stem_table(language, words) for language, words in vocab.items()}
    weights = _zipf_weights(VOCABULARY)
    publishers = Publisher.objects.bulk_create(
        Publisher(
            name=f"Bench publisher {i}",
            slug=f"bench-{i}",
            homepage=f"https://bench{i}.example/",
            language=LANGUAGES[i % len(LANGUAGES)],
        )
        for i in range(PUBLISHERS)
    )
    # Every column gets its model default once; the loop fills in only what differs from row to row.
    fields = [f for f in Article._meta.concrete_fields if not f.primary_key]
    moment = connection.ops.adapt_datetimefield_value
    defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    defaults.update(fetched_at=moment(NOW), created_at=moment(NOW), updated_at=moment(NOW))
    step = SPAN / max(1, articles)
    done = 0
    while done < articles:
        rows = []
        for n in range(done, min(articles, done + BATCH)):
            publisher = publishers[rng.randrange(PUBLISHERS)]
            language = publisher.language
            words = rng.choices(vocab[language], cum_weights=weights, k=WORDS_PER_TITLE + WORDS_PER_TEXT)
            title = " ".join(words[:WORDS_PER_TITLE]).capitalize()
            text = " ".join(words[WORDS_PER_TITLE:])
            url = f"{publisher.homepage}n/{n}"
            row = defaults | {
                "publisher_id": publisher.pk,
                "canonical_url": url,
                "original_url": url,
                "title": title,
                "original_title": title,
                "published_at": moment(NOW - SPAN + step * n + timedelta(minutes=rng.randint(0, 90))),
                "language": language,
                "body_text": text,
                "search_text": text,
                # = article_stems(title=title, search_text=text, language=language), from the table (a test checks)
                "search_stems": " ".join(dict.fromkeys(stems[language][word] for word in words)),
                "content_hash": f"{n:064x}",
            }
            rows.append(tuple(row[f.attname] for f in fields))
        _insert_rows([f.column for f in fields], rows)
        done += len(rows)
        progress(len(rows))
    return publishers


def _percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _raw(query: Query, limit: int) -> int:
    """The search's own statements (search_ids), without loading the articles."""
    return len(search_ids(connection, parse_query(query.text), query.search, limit=limit))


def measure(queries: list[Query], *, repeats: int, limit: int = 50) -> dict[str, dict[str, list[float]]]:
    """Milliseconds per run of each query, through the selector ("ours") and bare ("raw"), interleaved."""
    times: dict[str, dict[str, list[float]]] = {q.name: {"ours": [], "raw": []} for q in queries}
    for query in queries:  # warm the caches once
        _raw(query, limit)
        article_search(query.text, limit=limit, search=query.search)
    for _ in range(repeats):
        for query in queries:
            t0 = time.perf_counter()
            _raw(query, limit)
            t1 = time.perf_counter()
            article_search(query.text, limit=limit, search=query.search)
            t2 = time.perf_counter()
            times[query.name]["raw"].append((t1 - t0) * 1000)
            times[query.name]["ours"].append((t2 - t1) * 1000)
    return times


def built_publishers(articles: int) -> list[Publisher] | None:
    """The publishers of a corpus an earlier run built here (`--keep`), or None when the database is empty.
    A database holding some other number of articles is an error: measuring it would not measure `articles`."""
    held = Article.objects.count()
    if not held:
        return None
    if held != articles:
        raise CommandError(
            f"the kept database holds {held} articles, not {articles}: use --articles {held} or another --keep dir"
        )
    return list(Publisher.objects.filter(slug__startswith="bench-").order_by("pk"))


def throwaway_database_ready() -> None:
    """Migrate the bench's throwaway database; on SQLite without fsync (durability buys nothing there)."""
    call_command("migrate", interactive=False, verbosity=0)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")


def search_bench(
    *, articles: int, repeats: int = 15, progress: Callable[[int], None] = lambda n: None, reuse: bool = False
) -> EngineResult:
    """Build `articles` (or, with `reuse`, take the ones an earlier run built here) and measure the mix."""
    throwaway_database_ready()
    t0 = t1 = t2 = time.perf_counter()
    publishers = built_publishers(articles) if reuse else None
    reused = publishers is not None
    if publishers is None:
        restore = _index_drop()
        publishers = build(articles, progress=progress)
        t1 = time.perf_counter()
        _index_restore(restore)
        t2 = time.perf_counter()
    # A German publisher (languages go round the publishers), searched for a common German word.
    queries = query_mix(publishers[LANGUAGES.index("de")].pk)
    times = measure(queries, repeats=repeats)
    ours = [ms for q in times.values() for ms in q["ours"]]
    raw = [ms for q in times.values() for ms in q["raw"]]
    result = EngineResult(
        engine=connection.vendor,
        articles=articles,
        build_s=round(t1 - t0, 1),
        index_s=round(t2 - t1, 1),
        p50_ms=round(_percentile(ours, 0.5), 2),
        p95_ms=round(_percentile(ours, 0.95), 2),
        p99_ms=round(_percentile(ours, 0.99), 2),
        raw_p50_ms=round(_percentile(raw, 0.5), 2),
        raw_p95_ms=round(_percentile(raw, 0.95), 2),
        raw_p99_ms=round(_percentile(raw, 0.99), 2),
        p95_vs_raw=round(_percentile(ours, 0.95) / max(1e-9, _percentile(raw, 0.95)), 2),
        reused=reused,
    )
    for query in queries:
        result.per_query_p95_ms[query.name] = round(_percentile(times[query.name]["ours"], 0.95), 2)
        result.per_query_raw_p95_ms[query.name] = round(_percentile(times[query.name]["raw"], 0.95), 2)
        result.per_query_hits[query.name] = _raw(query, 50)
    return result
