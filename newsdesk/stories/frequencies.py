"""The document frequencies story clustering weighs names by (DocumentFrequency): every assigned article counted
once, stored so that every worker process and host scores with the same figures.

One clusterer over a whole stream (`eval/cluster_eval.py`, the bench the clustering options are tuned on) counts
every article it has seen. An assignment turn builds a fresh clusterer; counting only the states of the stories it
loads (their top names, at most their size each) gave it other weights than the bench's, so the product did not do
what the bench measured (docs/benchmarks.md, "Document frequencies of every article"). Here each turn seeds its
clusterer with the stored counts of the names it will weigh, and adds its articles' names in its turn: an upsert
adding to the stored counts, so even two writers outside the turn would lose no count.

What is counted is the assignment itself: an article assigned again after an edit counts again, and one removed
(a takedown, a deletion) stays counted, as the bench's stream forgets nothing either. `frequencies_recount` sets
the figures to the articles in stories now (a rebuild; the first assignment after the table was added).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from django.db import connection

from newsdesk.articles.models import Article
from newsdesk.reader.cluster import ArticleFeatures, ClusterOptions, StoryClusterer, StoryState, document_names
from newsdesk.reader.cluster.embedding import Embedder
from newsdesk.stories.embedding import articles_embed
from newsdesk.stories.member_states import article_features
from newsdesk.stories.models import DocumentFrequency, StoryMembership

# The row whose count is the number of articles counted (no name is empty).
ALL_ARTICLES = ""
# A longer name (a run of letters with no space in it) is not stored: it weighs as a name never seen.
NAME_CHARS = DocumentFrequency._meta.get_field("name").max_length
RECOUNT_BATCH = 500
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

    def add(self, features: Iterable[ArticleFeatures]) -> None:
        """Count the articles of these features (assigned in this turn): their names once each, and the articles."""
        counts: Counter[str] = Counter()
        documents = 0
        for item in features:
            counts.update(name for name in document_names(item) if len(name) <= NAME_CHARS)
            documents += 1
        if documents:
            counts[ALL_ARTICLES] = documents
            frequencies_increment(counts)


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


def frequencies_recount(options: ClusterOptions, embedder: Embedder | None) -> int:
    """Set the stored document frequencies to those of the articles in stories now (their features derived again,
    as assignment derives them); how many articles were counted. In the caller's story turn."""
    DocumentFrequency.objects.all().delete()
    counts: Counter[str] = Counter()
    ids = list(StoryMembership.objects.order_by("article_id").values_list("article_id", flat=True))
    fields = ("title", "body_text", "summary", "language", "canonical_url")
    for start in range(0, len(ids), RECOUNT_BATCH):
        articles = list(Article.objects.filter(pk__in=ids[start : start + RECOUNT_BATCH]).only(*fields))
        vectors = articles_embed(articles, embedder)
        for article in articles:
            features = article_features(article, options, vectors.get(article.pk))
            counts.update(name for name in document_names(features) if len(name) <= NAME_CHARS)
    counts[ALL_ARTICLES] = len(ids)
    DocumentFrequency.objects.bulk_create(
        [DocumentFrequency(name=name, documents=amount) for name, amount in sorted(counts.items())]
    )
    return len(ids)
