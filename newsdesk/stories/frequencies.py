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
arithmetic in the database (an upsert adding, an update subtracting). Each writer updates the row of all articles
first, taking the table's next version there, and holds it to its commit, so the name rows are never locked in two
orders and versions are given in commit order; the recount locks the memberships it counts before that row, as a
removal (which deletes its membership, then subtracts) does.

Each thread keeps the counts its last turn weighed (SeededFrequencies): the rows a writer changes carry its
version, so the next turn reads only the rows changed since, with the names it weighs that were not cached, in one
query, and scores with exactly the counts a full read would give. A row that falls to 0 stays, marked, for
ZERO_ROWS_KEPT_VERSIONS versions, then the writer of the version after those deletes it; a cache further behind
is dropped, so none keeps a count of a row deleted unseen.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction

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
# A name's row at 0 (no article in a story has it any more) is deleted this many versions after it fell to 0, by the
# writer that takes the version after those: a thread's cache more versions behind than this is dropped (its turn
# reads every name again), so no cache still holds a count of a deleted row, which it saw fall to 0 or never read.
ZERO_ROWS_KEPT_VERSIONS = 1000


# Per thread (a worker's threads take turns): the counts its last committed turn read, by name, and the version of the
# table they hold at. The next turn reads the rows changed since that version and the names it weighs that the last
# one did not, instead of every name of up to MAX_OPEN_STORIES loaded stories (tens of thousands of rows).
_cache = threading.local()


def frequencies_cache_clear() -> None:
    """Forget the counts this thread cached (its next turn reads every name it weighs)."""
    _cache.state = None


class SeededFrequencies:
    """The stored document frequencies one clusterer was seeded with, read as the names it weighs come in. In the
    story turn: the first read of a table never counted (no row of all articles) counts the articles in stories.

    The counts come from this thread's last turn where they have not changed since: every writer marks the rows it
    changes with the table's next version, taken on the row of all articles it updates first and holds to its
    commit, so versions are given in commit order and the rows changed after a version are exactly those marked
    with a later one (the refresh reads them). What a turn read becomes the thread's cache only when it commits."""

    def __init__(self, clusterer: StoryClusterer, embedder: Embedder | None) -> None:
        self.clusterer, self.embedder = clusterer, embedder
        self.read: set[str] = set()  # names whose count was seeded (or found missing)
        self.known: dict[str, int] | None = None  # the thread's cached counts, refreshed to now
        self.counts: dict[str, int] = {}  # this turn's seeded counts, by name

    def _start(self, wanted: set[str]) -> None:
        """The turn's first read: the table's version and number of articles, the cached counts refreshed and the
        `wanted` names not cached, in one query (the table recounted first when it is not counted)."""
        cached = getattr(_cache, "state", None)
        _cache.state = None  # until this turn commits: what it reads may hold its own writes, rolled back with it
        where, documents, self.known = _counts_since(cached, wanted)
        if where is None:
            frequencies_recount(self.clusterer.options, self.embedder)
            where, documents, self.known = _counts_since(None, wanted)
        state = (where, self.counts)
        transaction.on_commit(lambda: setattr(_cache, "state", state))
        self.read.add(ALL_ARTICLES)
        self.clusterer.frequencies_seed(documents, {})

    def seed(self, names: Iterable[str]) -> None:
        """Seed the clusterer with the stored counts of the `names` not read yet (and, the first time, the number of
        articles counted)."""
        wanted = {name for name in names if name not in self.read and len(name) <= NAME_CHARS}
        if self.known is None:
            self._start(wanted)
        if not wanted:
            return
        known = self.known
        missing = {name for name in wanted if name not in known}
        if missing:
            found = _counts_read(missing)
            known.update((name, found.get(name, 0)) for name in missing)
        seeded = {}
        for name in wanted:
            self.counts[name] = count = known[name]
            if count:
                seeded[name] = count
        self.read |= wanted
        self.clusterer.frequencies_seed(0, seeded)

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


def _counts_since(cached: tuple | None, wanted: set[str]) -> tuple[tuple | None, int, dict[str, int]]:
    """Where the table is (the id of its row of all articles and its version) and its number of articles counted,
    and the counts of the `cached` names ((where, counts by name)) brought up to now with the rows changed since,
    with those of the `wanted` names not cached (0 for a name with no row); (None, 0, {}) when the table is not
    counted. One query. A cache of another table (its row of all articles another row, or a version gone back: a
    restore, a recount of a table emptied), or more than ZERO_ROWS_KEPT_VERSIONS behind, is dropped."""
    where_before, known = cached if cached is not None else (None, {})
    missing = [name for name in wanted if name not in known]
    if connection.vendor == "postgresql":
        listed, names_parameter = "= ANY(%s)", missing
    else:
        listed, names_parameter = "IN (SELECT value FROM json_each(%s))", json.dumps(missing)
    since, params = "", [ALL_ARTICLES, names_parameter]
    if where_before is not None:
        since = "OR changed > %s"
        params.append(where_before[1])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, documents, changed, id FROM {TABLE} WHERE name = %s OR name {listed} {since}",  # noqa: S608
            params,
        )
        rows = cursor.fetchall()
    where, documents = None, 0
    for name, count, changed, pk in rows:
        if name == ALL_ARTICLES:
            where, documents = (pk, changed), count
    if where is None:
        return None, 0, {}
    if where_before is not None and (
        where[0] != where_before[0]
        or where[1] < where_before[1]
        or where[1] - where_before[1] > ZERO_ROWS_KEPT_VERSIONS  # rows at 0 it has not seen may be deleted since
    ):
        return _counts_since(None, wanted)  # every wanted name read again
    known.update(dict.fromkeys(missing, 0))
    for name, count, _, _ in rows:
        if name in known and name != ALL_ARTICLES:
            known[name] = count
    return where, documents, known


def _version_take(cursor, documents_sql: str, params: list) -> int | None:
    """Set the row of all articles' count (`documents_sql`) and take the table's next version on it (locked to the
    transaction's end: versions go in commit order); None when the table is not counted (no such row). The rows
    that fell to 0 at the version ZERO_ROWS_KEPT_VERSIONS before it are deleted: every version is taken by one
    writer that commits, so each such row is deleted by exactly one later writer, found by the version index."""
    cursor.execute(
        f"UPDATE {TABLE} SET documents = {documents_sql}, changed = changed + 1 WHERE name = %s RETURNING changed",  # noqa: S608
        [*params, ALL_ARTICLES],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    version = row[0]
    cursor.execute(
        f"DELETE FROM {TABLE} WHERE changed = %s AND documents = 0 AND name <> %s",  # noqa: S608
        [version - ZERO_ROWS_KEPT_VERSIONS - 1, ALL_ARTICLES],
    )
    return version


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
    """Add `counts` (the row of all articles' too) to the stored document frequencies: the table's next version
    taken on the row of all articles, then one statement for the names, a row inserted for a new name, the stored
    count incremented for a known one (INSERT ... ON CONFLICT DO UPDATE: a count is never lost, even to a writer
    outside the story turn), each marked with the version. Nothing when the table is not counted (the next turn
    recounts the memberships, these articles' with them)."""
    counts = Counter(counts)
    documents = counts.pop(ALL_ARTICLES, 0)
    with connection.cursor() as cursor:
        version = _version_take(cursor, "documents + %s", [documents])
    if version is not None:
        _names_add(counts, version)


def _names_add(counts: Counter[str], version: int) -> None:
    """Add `counts` to the names' stored counts in one statement, each row marked with `version`. Names in one
    order, so two writers lock rows in the same order."""
    if not counts:
        return
    names = sorted(counts)
    if connection.vendor == "postgresql":
        rows = "SELECT name, amount, %s::bigint FROM unnest(%s::text[], %s::integer[]) AS t(name, amount)"
        params: list = [version, names, [counts[name] for name in names]]
    else:
        # WHERE true: SQLite's parser needs it between an INSERT's SELECT and its ON CONFLICT.
        rows = "SELECT key, value, %s FROM json_each(%s) WHERE true"
        params = [version, json.dumps({name: counts[name] for name in names})]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (name, documents, changed) {rows} ON CONFLICT (name) DO UPDATE SET "
            f"documents = {TABLE}.documents + excluded.documents, changed = excluded.changed",
            params,
        )


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
        version = _version_take(cursor, _LESS, [len(memberships), len(memberships)])
    if version is None:
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
        _frequencies_decrement(counts, version)


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


# A count less an amount, never below 0 (a name's count and an amount as parameters).
_LESS = "CASE WHEN documents > %s THEN documents - %s ELSE 0 END"


def _frequencies_decrement(counts: Counter[str], version: int) -> None:
    """Subtract `counts` from the stored counts of names that have a row (never below 0), marked with `version`:
    one statement per amount (one for a single membership), each finding its names by the name index."""
    by_amount: dict[int, list[str]] = {}
    for name, amount in counts.items():
        by_amount.setdefault(amount, []).append(name)
    if connection.vendor == "postgresql":
        where, listed = "name = ANY(%s)", list
    else:
        where, listed = "name IN (SELECT value FROM json_each(%s))", json.dumps
    sql = f"UPDATE {TABLE} SET documents = {_LESS}, changed = %s WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        for amount, names in sorted(by_amount.items()):
            cursor.execute(sql, [amount, amount, version, listed(sorted(names))])


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
    names to its article's; how many articles were counted. In the caller's story turn. Rows no article counts
    any more are set to 0, not deleted: a worker's cached count of such a name then reads the 0 as changed (they
    go ZERO_ROWS_KEPT_VERSIONS later, as every row at 0 does); rows at 0 older than that go now (rows from before
    rows at 0 were deleted, say)."""
    counts, changed = frequencies_counted(options, embedder, lock=True)
    documents = counts.pop(ALL_ARTICLES)
    with connection.cursor() as cursor:
        # The row of all articles is kept and updated, not deleted: a removal waiting for it (outside the turn) then
        # subtracts from these counts, instead of finding no row and taking nothing back.
        version = _version_take(cursor, "%s", [documents])
        if version is None:  # a table never counted: versions go on from the rows' (a worker may hold them)
            cursor.execute(f"SELECT COALESCE(MAX(changed), 0) + 1 FROM {TABLE}")  # noqa: S608
            version = cursor.fetchone()[0]
            DocumentFrequency.objects.create(name=ALL_ARTICLES, documents=documents, changed=version)
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE documents = 0 AND changed < %s AND name <> %s",  # noqa: S608
            [version - ZERO_ROWS_KEPT_VERSIONS, ALL_ARTICLES],
        )
        cursor.execute(
            f"UPDATE {TABLE} SET documents = 0, changed = %s WHERE name <> %s AND documents > 0",  # noqa: S608
            [version, ALL_ARTICLES],
        )
    _names_add(counts, version)
    StoryMembership.objects.bulk_update(
        [StoryMembership(pk=pk, counted_names=names) for pk, names in changed.items()],
        ["counted_names"],
        batch_size=RECOUNT_BATCH,
    )
    return documents
