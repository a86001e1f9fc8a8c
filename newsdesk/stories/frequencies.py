"""The document frequencies story clustering weighs names by (DocumentFrequency): every article in a story counted
once, stored so that every worker process and host scores with the same figures.

One clusterer over a whole stream (`eval/cluster_eval.py`, the bench the clustering options are tuned on) counts
every article it has seen. An assignment turn builds a fresh clusterer; counting only the states of the stories it
loads (their top names, at most their size each) gave it other weights than the bench's, so the product did not do
what the bench measured (docs/benchmarks.md, "Document frequencies of every article"). Here each turn seeds its
clusterer with the stored counts of the names it will weigh, and adds its articles' names in its turn: an upsert
adding to the stored counts, so even two writers outside the turn would lose no count.

The counts are those of the articles in stories now. Each membership keeps the names its article was counted with
(`StoryMembership.counted_names`), and a membership that goes takes them back in the same transaction
(`memberships_uncount`, from the stories.signals receiver): an edited article leaves its story and is assigned
again with its new text (counted anew), a removed one (a takedown, a deletion, its publisher deleted) is gone. The
names kept are what was counted, not what the text gives now: an article edited in place is uncounted exactly.
`frequencies_recount` sets the figures (and every membership's names) from the articles in stories now: a rebuild,
the first assignment after the table or the names were added; `frequencies_counted` is that count, written nowhere
(what a check compares the live counts with).

Two writers at once (a takedown outside the story turn, an assignment in it) lose no count: every change is
arithmetic in the database (an upsert adding, an update subtracting). Each writer touches the row of all articles
first in its statement order and holds it to its commit, so the name rows are never locked in two orders; the
recount locks the memberships it counts before that row, as a removal (which deletes its membership, then
subtracts) does.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection

from newsdesk.articles.models import Article
from newsdesk.reader.cluster import ArticleFeatures, ClusterOptions, StoryClusterer, StoryState, document_names
from newsdesk.reader.cluster.embedding import Embedder
from newsdesk.stories.embedding import articles_embed, assignment_embedder, assignment_options
from newsdesk.stories.member_states import article_features
from newsdesk.stories.models import DocumentFrequency, StoryMembership

log = logging.getLogger(__name__)

# The row whose count is the number of articles counted (no name is empty).
ALL_ARTICLES = ""
# A longer name (a run of letters with no space in it) is not stored: it weighs as a name never seen.
NAME_CHARS = DocumentFrequency._meta.get_field("name").max_length
RECOUNT_BATCH = 500
# What an article's clustering features are derived from (member_states.article_features).
FEATURE_FIELDS = ("title", "body_text", "summary", "language", "canonical_url")
TABLE = DocumentFrequency._meta.db_table


class SeededFrequencies:
    """The stored document frequencies one clusterer was seeded with, read as the names it weighs come in. In the
    story turn: the first read of a table never counted (no row of all articles) counts the articles in stories."""

    def __init__(self, clusterer: StoryClusterer, embedder: Embedder | None) -> None:
        self.clusterer, self.embedder = clusterer, embedder
        self.read: set[str] = set()  # names whose count was read (or found missing)

    def seed(self, names: Iterable[str]) -> None:
        """Seed the clusterer with the stored counts of the `names` not read yet (and, the first time, the number of
        articles counted)."""
        wanted = {name for name in names if name not in self.read and len(name) <= NAME_CHARS}
        first = not self.read
        if first:
            wanted.add(ALL_ARTICLES)
        if not wanted:
            return
        counts = _counts_read(wanted)
        if first and ALL_ARTICLES not in counts:
            frequencies_recount(self.clusterer.options, self.embedder)
            counts = _counts_read(wanted)
        self.read |= wanted
        documents = counts.pop(ALL_ARTICLES, 0)
        self.clusterer.frequencies_seed(documents, counts)

    def seed_states(self, states: Iterable[StoryState], features: Iterable[ArticleFeatures] = ()) -> None:
        """Seed the names of these story states and article features."""
        names: set[str] = set()
        for state in states:
            names.update(state.terms)
            names.update(state.entities)
        for item in features:
            names |= document_names(item)
        self.seed(names)

    def add(self, names: Iterable[list[str]]) -> None:
        """Count the articles of these `counted_names` lists (assigned in this turn): their names, and the articles."""
        counts: Counter[str] = Counter()
        documents = 0
        for listed in names:
            counts.update(listed)
            documents += 1
        if documents:
            counts[ALL_ARTICLES] = documents
            frequencies_increment(counts)


def counted_names(features: ArticleFeatures) -> list[str]:
    """The names an article with these features counts for (what its membership keeps), sorted."""
    return sorted(name for name in document_names(features) if len(name) <= NAME_CHARS)


def _counts_read(names: set[str]) -> dict[str, int]:
    """The stored counts of `names` (those that have a row), in one query: the names go as one parameter (an array
    on PostgreSQL, a JSON list SQLite reads with json_each), not one placeholder each (which cost more CPU to
    compile than the rest of the turn's reads)."""
    if connection.vendor == "postgresql":
        sql, names_parameter = f"SELECT name, documents FROM {TABLE} WHERE name = ANY(%s)", list(names)  # noqa: S608
    else:
        sql = f"SELECT name, documents FROM {TABLE} WHERE name IN (SELECT value FROM json_each(%s))"  # noqa: S608
        names_parameter = json.dumps(list(names))
    with connection.cursor() as cursor:
        cursor.execute(sql, [names_parameter])
        return dict(cursor.fetchall())


def frequencies_increment(counts: Counter[str]) -> None:
    """Add `counts` to the stored document frequencies in one statement: a row inserted for a new name, the stored
    count incremented for a known one (INSERT ... ON CONFLICT DO UPDATE: a count is never lost, even to a writer
    outside the story turn). Names in one order, so two writers lock rows in the same order."""
    names = sorted(counts)
    if connection.vendor == "postgresql":
        rows = "SELECT * FROM unnest(%s::text[], %s::integer[])"
        params: list = [names, [counts[name] for name in names]]
    else:
        # WHERE true: SQLite's parser needs it between an INSERT's SELECT and its ON CONFLICT.
        rows = "SELECT key, value FROM json_each(%s) WHERE true"
        params = [json.dumps({name: counts[name] for name in names})]
    sql = (
        f"INSERT INTO {TABLE} (name, documents) {rows} "
        f"ON CONFLICT (name) DO UPDATE SET documents = {TABLE}.documents + excluded.documents"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# Per thread: inside frequencies_recounted, removals take nothing back (the recount at its end counts what is left).
_recounting = threading.local()


@contextmanager
def frequencies_recounted(options: ClusterOptions, embedder: Embedder | None) -> Iterator[None]:
    """Around removals of many memberships in the story turn (a rebuild's forget step): they take nothing back,
    and the counts are recounted at the end. The statements saved aside, the row of all articles is then first
    locked by the recount, after the memberships it counts, as every other writer orders them (taking back
    before the recount's locks could wait in a cycle with a takedown removing another membership at once)."""
    _recounting.held = True
    try:
        yield
    finally:
        _recounting.held = False
    frequencies_recount(options, embedder)


def memberships_uncount(memberships: Iterable[StoryMembership]) -> None:
    """Take back what these memberships (deleted in the caller's transaction) counted: one article each, and their
    kept names. Nothing when the table is not counted (no row of all articles: the next turn recounts). A membership
    counted before names were kept is taken back with its article's names as its text gives them now."""
    memberships = list(memberships)
    if not memberships or getattr(_recounting, "held", False):
        return
    with connection.cursor() as cursor:
        # First the row of all articles (every writer's first row): a table not counted has none.
        cursor.execute(
            f"UPDATE {TABLE} SET documents = CASE WHEN documents > %s THEN documents - %s ELSE 0 END "  # noqa: S608
            "WHERE name = %s",
            [len(memberships), len(memberships), ALL_ARTICLES],
        )
        if cursor.rowcount == 0:
            return
    counts: Counter[str] = Counter()
    unknown = []
    for membership in memberships:
        if membership.counted_names is None:
            unknown.append(membership.article_id)
        else:
            counts.update(membership.counted_names)
    if unknown:
        counts.update(_names_now(unknown))
    if counts:
        _frequencies_decrement(counts)


def _names_now(article_ids: list[int]) -> Counter[str]:
    """The names the articles' texts give now (assignment's features), summed over the articles."""
    embedder = assignment_embedder()
    options = assignment_options(embedder, ClusterOptions())
    articles = list(Article.objects.filter(pk__in=article_ids).only(*FEATURE_FIELDS))
    if len(articles) < len(article_ids):  # a removal runs before its article's row goes: not expected
        log.warning("document frequencies over-count", extra={"articles": len(article_ids) - len(articles)})
    vectors = articles_embed(articles, embedder)
    counts: Counter[str] = Counter()
    for article in articles:
        counts.update(counted_names(article_features(article, options, vectors.get(article.pk))))
    return counts


def _frequencies_decrement(counts: Counter[str]) -> None:
    """Subtract `counts` from the stored counts of names that have a row (never below 0): one statement per amount
    (one for a single membership), each finding its names by the name index."""
    by_amount: dict[int, list[str]] = {}
    for name, amount in counts.items():
        by_amount.setdefault(amount, []).append(name)
    if connection.vendor == "postgresql":
        where, listed = "name = ANY(%s)", list
    else:
        where, listed = "name IN (SELECT value FROM json_each(%s))", json.dumps
    sql = f"UPDATE {TABLE} SET documents = CASE WHEN documents > %s THEN documents - %s ELSE 0 END WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        for amount, names in sorted(by_amount.items()):
            cursor.execute(sql, [amount, amount, listed(sorted(names))])


def frequencies_counted(
    options: ClusterOptions, embedder: Embedder | None, *, lock: bool = False
) -> tuple[Counter[str], dict[int, list[str]]]:
    """The document frequencies of the articles in stories now (their features derived again, as assignment derives
    them), written nowhere; and the memberships whose kept names are not those (by id: the names their text gives
    now), which only an article changed without being assigned again, or counted before names were kept, has.
    `lock`: the memberships counted are locked (PostgreSQL) until the transaction ends, so none is removed between
    this count and its storing."""
    counts: Counter[str] = Counter()
    memberships = StoryMembership.objects.order_by("article_id")
    if lock:
        memberships = memberships.select_for_update()
    rows = list(memberships.values_list("article_id", "pk", "counted_names"))
    changed: dict[int, list[str]] = {}
    for start in range(0, len(rows), RECOUNT_BATCH):
        batch = {article_id: (pk, kept) for article_id, pk, kept in rows[start : start + RECOUNT_BATCH]}
        articles = list(Article.objects.filter(pk__in=batch).only(*FEATURE_FIELDS))
        vectors = articles_embed(articles, embedder)
        for article in articles:
            names = counted_names(article_features(article, options, vectors.get(article.pk)))
            counts.update(names)
            pk, kept = batch[article.pk]
            if names != kept:
                changed[pk] = names
    counts[ALL_ARTICLES] = len(rows)
    return counts, changed


def frequencies_recount(options: ClusterOptions, embedder: Embedder | None) -> int:
    """Set the stored document frequencies to those of the articles in stories now, and each membership's counted
    names to its article's; how many articles were counted. In the caller's story turn."""
    counts, changed = frequencies_counted(options, embedder, lock=True)
    documents = counts.pop(ALL_ARTICLES)
    # The row of all articles is kept and updated, not deleted: a removal waiting for it (outside the turn) then
    # subtracts from these counts, instead of finding no row and taking nothing back.
    list(DocumentFrequency.objects.select_for_update().filter(name=ALL_ARTICLES).values_list("pk"))
    DocumentFrequency.objects.exclude(name=ALL_ARTICLES).delete()
    DocumentFrequency.objects.update_or_create(name=ALL_ARTICLES, defaults={"documents": documents})
    DocumentFrequency.objects.bulk_create(
        [DocumentFrequency(name=name, documents=amount) for name, amount in sorted(counts.items())],
        batch_size=RECOUNT_BATCH,
    )
    StoryMembership.objects.bulk_update(
        [StoryMembership(pk=pk, counted_names=names) for pk, names in changed.items()],
        ["counted_names"],
        batch_size=RECOUNT_BATCH,
    )
    return documents
